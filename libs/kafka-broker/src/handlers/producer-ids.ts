import { ErrorCode } from '../protocol/error-codes';
import { ProtocolWriter } from '../protocol/writer';
import { RequestHandler } from './request-context';

/**
 * InitProducerId v0–v1, for idempotent producers. A transactional id is refused: transactions are not offered
 * (the README points to Apache Kafka for them), and refusing here fails fast with a clear error.
 */
export const handleInitProducerId: RequestHandler = (ctx, r) => {
  const transactionalId = r.nullableString();
  r.int32(); // transaction_timeout_ms
  const w = new ProtocolWriter();
  w.int32(0);
  if (transactionalId !== null) {
    ctx.broker.logger.warn({ client: ctx.clientId, transactionalId }, 'transactional producer refused: transactions are not supported');
    return w.int16(ErrorCode.InvalidRequest).int64(-1).int16(-1);
  }
  return w.int16(ErrorCode.None).int64(ctx.broker.metadata.allocateProducerId()).int16(0);
};

/** FindCoordinator v0–v2: this node coordinates every group; transaction coordinators do not exist here. */
export const handleFindCoordinator: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  r.string(); // key
  const keyType = v >= 1 ? r.int8() : 0;
  const w = new ProtocolWriter();
  if (v >= 1) w.int32(0);
  const available = keyType === 0;
  w.int16(available ? ErrorCode.None : ErrorCode.CoordinatorNotAvailable);
  if (v >= 1) w.nullableString(available ? null : 'transactions are not supported by this broker');
  w.int32(available ? ctx.broker.options.nodeId : -1).string(available ? ctx.advertisedHost : '').int32(available ? ctx.broker.port : -1);
  return w;
};
