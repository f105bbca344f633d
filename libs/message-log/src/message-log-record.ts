/**
 * One record per exchange through the gateway, after X-Road's operational-monitoring record: who called what,
 * the ids that find it, the four timestamps, sizes, outcome — plus the fields that chain it to the record before.
 */
export interface ExchangeFields {
  /** Unique id of this record. */
  readonly id: string;
  readonly requestId: string;
  readonly client: string | null;
  /** Member (QCVN 102 code) of the client system, when known. */
  readonly clientMember: string | null;
  readonly service: string | null;
  readonly method: string;
  /** Path below the service (omitted when the service logs nothing: bodyLogging 'none'). */
  readonly path: string | null;
  readonly issue: string | null;
  /** Request received by the gateway / handed to Kafka / reply received from Kafka / response sent (ISO 8601, ms). */
  readonly requestInAt: string;
  readonly requestOutAt: string | null;
  readonly responseInAt: string | null;
  readonly responseOutAt: string;
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly status: number;
  readonly succeeded: boolean;
  /** The platform error code for a refused or failed exchange. */
  readonly faultCode: string | null;
  readonly faultMessage: string | null;
  readonly requestHash: string | null;
  /** Kept only for services whose body logging is 'full' (base64, as received). */
  readonly requestBody: string | null;
  readonly responseBody: string | null;
  readonly contentType: string | null;
}

/**
 * An exchange record. It carries no `type`: records were written before the log held anything else, and a
 * record's hash covers exactly its fields, so the absence of `type` is what marks a record (old or new).
 */
export interface MessageLogRecord extends ExchangeFields {
  /** The writer's chain (one per gateway replica) and the record's place in it, from 0 with no gaps. */
  readonly chain: string;
  readonly seq: number;
  /** Hash of the previous record in the chain ('' for seq 0). */
  readonly prevHash: string;
  /** SHA-256 (base64) of this record's canonical form, prevHash included, hash excluded. */
  readonly hash: string;
}


/**
 * A signed statement, written by a chain's writer into the same topic, that its record `seq` has hash `hash`.
 * It is not part of the record chain (records keep contiguous seqs), so a log can hold any number of them.
 * Because the hash of record `seq` covers every record before it, one checkpoint vouches for records 0..seq:
 * rewriting any of them and recomputing the later hashes no longer matches, and without the private key a
 * matching checkpoint cannot be made.
 */
export interface MessageLogCheckpoint {
  readonly type: 'checkpoint';
  readonly chain: string;
  /** The last record covered. */
  readonly seq: number;
  /** That record's hash. */
  readonly hash: string;
  /** When it was signed (ISO 8601). */
  readonly at: string;
  /** Key id (JWK thumbprint) of the platform signing key, as published in its JWKS. */
  readonly kid: string;
  /** Compact JWS (ES256) whose payload is the canonical JSON of all the other fields. */
  readonly signature: string;
}

/** What the message-log topic holds: exchange records (no `type`) and checkpoints (`type: 'checkpoint'`). */
export type MessageLogEntry = MessageLogRecord | MessageLogCheckpoint;
