import { ErrorCode, KafkaProtocolError } from '../protocol/error-codes';
import { validateProducedRecords } from '../protocol/record-batch';
import { ProtocolWriter } from '../protocol/writer';
import { RequestHandler } from './request-context';

interface PartitionResult {
  index: number;
  errorCode: ErrorCode;
  baseOffset: number;
  logStartOffset: number;
}

/**
 * Produce v3–v7 (RecordBatch v2 only). Each partition's batches are checked, stamped with their offsets and
 * written before the reply; with a single node acks=1 and acks=-1 mean the same. acks=0 gets no reply at all,
 * as the protocol requires (the client is not listening for one).
 */
export const handleProduce: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const { logs, logger } = ctx.broker;
  const transactionalId = r.nullableString();
  const acks = r.int16();
  r.int32(); // timeout_ms: writes complete synchronously
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ index: r.int32(), records: r.nullableBytes() })),
  }));

  const results = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionResult => {
      const log = logs.partition(t.name, p.index);
      try {
        if (transactionalId !== null) throw new KafkaProtocolError(ErrorCode.InvalidRequest, 'transactional produce is not supported');
        if (acks !== 0 && acks !== 1 && acks !== -1) throw new KafkaProtocolError(ErrorCode.InvalidRequiredAcks, `acks=${acks}`);
        if (!log) throw new KafkaProtocolError(ErrorCode.UnknownTopicOrPartition, `${t.name}-${p.index} does not exist`);
        if (!p.records || p.records.length === 0) throw new KafkaProtocolError(ErrorCode.CorruptMessage, 'no records');
        const batches = validateProducedRecords(p.records, log.config.maxMessageBytes);
        const appended = log.append(p.records, batches);
        logs.notifyAppend(t.name, p.index);
        return { index: p.index, errorCode: ErrorCode.None, ...appended };
      } catch (err) {
        if (!(err instanceof KafkaProtocolError)) throw err;
        logger.warn({ topic: t.name, partition: p.index, client: ctx.clientId, code: err.code, reason: err.message }, 'produce rejected');
        return { index: p.index, errorCode: err.code, baseOffset: -1, logStartOffset: log?.logStartOffset ?? -1 };
      }
    }),
  }));

  if (acks === 0) return null;
  const w = new ProtocolWriter(64 + results.length * 64);
  w.array(results, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
      w.int64(-1); // log_append_time: batches keep their CreateTime
      if (v >= 5) w.int64(p.logStartOffset);
    });
  });
  w.int32(0); // throttle_time_ms
  return w;
};
