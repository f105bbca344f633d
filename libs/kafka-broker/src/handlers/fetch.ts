import { ErrorCode, KafkaProtocolError } from '../protocol/error-codes';
import { ProtocolReader } from '../protocol/reader';
import { ProtocolWriter } from '../protocol/writer';
import { partitionKey } from './fetch-purgatory';
import { BrokerContext, RequestHandler } from './request-context';

interface PartitionFetch {
  readonly partition: number;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

interface TopicFetch {
  readonly name: string;
  readonly partitions: PartitionFetch[];
}

interface FetchRequest {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly topics: TopicFetch[];
}

function readFetchRequest(r: ProtocolReader, v: number): FetchRequest {
  r.int32(); // replica_id
  const maxWaitMs = r.int32();
  const minBytes = r.int32();
  const maxBytes = r.int32();
  r.int8(); // isolation_level: no transactions, so read_committed and read_uncommitted see the same
  if (v >= 7) {
    r.int32(); // session_id: sessions are not offered, every fetch is a full one
    r.int32(); // session_epoch
  }
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r): PartitionFetch => {
      const partition = r.int32();
      if (v >= 9) r.int32(); // current_leader_epoch
      const fetchOffset = r.int64();
      if (v >= 5) r.int64(); // log_start_offset (a follower's)
      return { partition, fetchOffset, maxBytes: r.int32() };
    }),
  }));
  if (v >= 7) r.array((r) => ({ name: r.string(), partitions: r.array((r) => r.int32()) })); // forgotten topics
  if (v >= 11) r.string(); // rack_id
  return { maxWaitMs, minBytes, maxBytes, topics };
}

function bytesAvailable(broker: BrokerContext, req: FetchRequest): number {
  let total = 0;
  for (const t of req.topics) {
    for (const p of t.partitions) {
      const log = broker.logs.partition(t.name, p.partition);
      if (!log) return Number.MAX_SAFE_INTEGER; // an error is something to answer now
      if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.highWatermark) return Number.MAX_SAFE_INTEGER;
      total += Math.min(log.bytesAvailable(p.fetchOffset), p.maxBytes);
    }
  }
  return total;
}

/**
 * Builds the response from the log as it is now. The response budget is max_bytes, each partition's is its
 * partition_max_bytes; the first batch of the first partition with data is always included whole (KIP-74).
 */
function buildResponse(broker: BrokerContext, req: FetchRequest, v: number): ProtocolWriter {
  const w = new ProtocolWriter(256);
  w.int32(0); // throttle_time_ms
  if (v >= 7) w.int16(ErrorCode.None).int32(0); // error_code, session_id
  let budget = req.maxBytes;
  let anyData = false;
  w.array(req.topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      let errorCode = ErrorCode.None;
      let highWatermark = -1;
      let logStartOffset = -1;
      let records: Buffer | null = null;
      const log = broker.logs.partition(t.name, p.partition);
      if (!log) {
        errorCode = ErrorCode.UnknownTopicOrPartition;
      } else {
        try {
          const limit = Math.max(0, Math.min(p.maxBytes, budget));
          const fetched = log.read(p.fetchOffset, limit, !anyData);
          highWatermark = fetched.highWatermark;
          logStartOffset = fetched.logStartOffset;
          records = fetched.records;
          if (records) {
            anyData = true;
            budget -= records.length;
          }
        } catch (err) {
          if (!(err instanceof KafkaProtocolError)) throw err;
          errorCode = err.code;
          highWatermark = log.highWatermark;
          logStartOffset = log.logStartOffset;
        }
      }
      w.int32(p.partition).int16(errorCode).int64(highWatermark);
      w.int64(highWatermark); // last_stable_offset: nothing is ever uncommitted
      if (v >= 5) w.int64(logStartOffset);
      w.int32(-1); // aborted_transactions: null
      if (v >= 11) w.int32(-1); // preferred_read_replica
      // An empty partition is a zero-length record set, not null: some clients treat null as an error.
      if (records) w.bytes(records);
      else w.int32(0);
    });
  });
  return w;
}

/**
 * Fetch v4–v11 with real long-polling: if fewer than min_bytes are ready, the request waits in the purgatory
 * until a produce brings enough or max_wait_ms passes, and then answers with whatever is there.
 */
export const handleFetch: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const broker = ctx.broker;
  const req = readFetchRequest(r, v);
  const minBytes = Math.max(1, req.minBytes);
  if (req.maxWaitMs <= 0 || bytesAvailable(broker, req) >= minBytes) return buildResponse(broker, req, v);

  return new Promise<ProtocolWriter | null>((resolve) => {
    let done = false;
    const finish = (): boolean => {
      if (done) return true;
      done = true;
      clearTimeout(timer);
      broker.fetchPurgatory.release(waiter);
      resolve(ctx.connection.closed ? null : buildResponse(broker, req, v));
      return true;
    };
    const waiter = {
      partitions: req.topics.flatMap((t) => t.partitions.map((p) => partitionKey(t.name, p.partition))),
      onAppend: () => (bytesAvailable(broker, req) >= minBytes ? finish() : false),
    };
    const timer = setTimeout(finish, req.maxWaitMs);
    broker.fetchPurgatory.park(waiter);
    ctx.connection.onClose(finish);
  });
};
