/**
 * A request that cannot be decoded. The connection that sent it is closed (Kafka does the same):
 * once framing is in doubt, nothing later on that connection can be trusted.
 */
export class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError';
}
