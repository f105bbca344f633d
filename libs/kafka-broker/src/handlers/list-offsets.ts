import { ErrorCode } from '../protocol/error-codes';
import { ProtocolWriter } from '../protocol/writer';
import { RequestHandler, writeThrottle } from './request-context';

const LATEST = -1;
const EARLIEST = -2;

/** ListOffsets v0–v3: -1 latest, -2 earliest, otherwise the first offset at or after a timestamp. */
export const handleListOffsets: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const { logs } = ctx.broker;
  r.int32(); // replica_id
  if (v >= 2) r.int8(); // isolation_level
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => {
      const index = r.int32();
      const timestamp = r.int64();
      if (v === 0) r.int32(); // max_num_offsets
      return { index, timestamp };
    }),
  }));

  const w = new ProtocolWriter();
  writeThrottle(w, v >= 2);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      const log = logs.partition(t.name, p.index);
      let errorCode = ErrorCode.None;
      let offset = -1;
      if (!log) errorCode = ErrorCode.UnknownTopicOrPartition;
      else if (p.timestamp === LATEST) offset = log.highWatermark;
      else if (p.timestamp === EARLIEST) offset = log.logStartOffset;
      else offset = log.offsetForTimestamp(p.timestamp);
      w.int32(p.index).int16(errorCode);
      if (v === 0) {
        if (offset >= 0) w.int32(1).int64(offset);
        else w.int32(0);
      } else {
        w.int64(-1).int64(offset); // timestamp (not tracked per offset), offset
      }
    });
  });
  return w;
};
