import { ErrorCode, KafkaProtocolError } from '../protocol/error-codes';
import { ProtocolWriter } from '../protocol/writer';
import { RequestHandler, writeThrottle } from './request-context';

function outcome(run: () => void): { errorCode: ErrorCode; message: string | null } {
  try {
    run();
    return { errorCode: ErrorCode.None, message: null };
  } catch (err) {
    if (err instanceof KafkaProtocolError) return { errorCode: err.code, message: err.message };
    throw err;
  }
}

/** CreateTopics v0–v3. Partitions or replication -1 mean "broker default"; one node means replication 1. */
export const handleCreateTopics: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const { logs, options } = ctx.broker;
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.int32(),
    replication: r.int16(),
    assignments: r.array((r) => ({ partition: r.int32(), brokers: r.array((r) => r.int32()) })),
    configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
  }));
  r.int32(); // timeout_ms
  const validateOnly = v >= 1 ? r.bool() : false;

  const results = topics.map((t) => ({
    name: t.name,
    ...outcome(() => {
      if (t.replication !== -1 && t.replication !== 1) {
        throw new KafkaProtocolError(ErrorCode.InvalidReplicationFactor, `replication factor ${t.replication}: this broker is a single node, use 1 (replication needs Apache Kafka)`);
      }
      const partitions = t.assignments.length > 0 ? t.assignments.length : t.partitions === -1 ? options.defaultPartitions : t.partitions;
      const configs = Object.fromEntries(t.configs.map((c) => [c.name, c.value]));
      logs.createTopic(t.name, partitions, configs, validateOnly);
    }),
  }));

  const w = new ProtocolWriter();
  writeThrottle(w, v >= 2);
  w.array(results, (w, res) => {
    w.string(res.name).int16(res.errorCode);
    if (v >= 1) w.nullableString(res.message);
  });
  return w;
};

/** DeleteTopics v0–v1. Committed offsets for the topic go with it. */
export const handleDeleteTopics: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const { logs, offsets } = ctx.broker;
  const names = r.array((r) => r.string());
  r.int32(); // timeout_ms
  const results = names.map((name) => ({
    name,
    ...outcome(() => {
      logs.deleteTopic(name);
      offsets.deleteTopic(name);
    }),
  }));
  const w = new ProtocolWriter();
  writeThrottle(w, v >= 1);
  w.array(results, (w, res) => w.string(res.name).int16(res.errorCode));
  return w;
};

/** CreatePartitions v0–v1: partitions can only be added, as in Kafka. */
export const handleCreatePartitions: RequestHandler = (ctx, r) => {
  const { logs } = ctx.broker;
  const topics = r.array((r) => ({
    name: r.string(),
    count: r.int32(),
    assignments: r.nullableArray((r) => r.array((r) => r.int32())),
  }));
  r.int32(); // timeout_ms
  const validateOnly = r.bool();
  const results = topics.map((t) => ({ name: t.name, ...outcome(() => logs.createPartitions(t.name, t.count, validateOnly)) }));
  const w = new ProtocolWriter();
  w.int32(0);
  w.array(results, (w, res) => w.string(res.name).int16(res.errorCode).nullableString(res.message));
  return w;
};
