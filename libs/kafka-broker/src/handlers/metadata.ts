import { ErrorCode, KafkaProtocolError } from '../protocol/error-codes';
import { ProtocolWriter } from '../protocol/writer';
import { RequestHandler, writeThrottle } from './request-context';

interface TopicAnswer {
  errorCode: ErrorCode;
  name: string;
  partitions: number;
}

/**
 * Metadata v1–v6. Unknown topics are created synchronously when auto-creation is allowed, and answered with
 * their partitions at once (never LEADER_NOT_AVAILABLE): Nest's Kafka transport relies on it and never creates
 * topics itself. One node plays every role: broker, controller, leader and only replica of every partition.
 */
export const handleMetadata: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const { logs, options, metadata, logger } = ctx.broker;
  const requested = r.nullableArray((r) => r.string());
  const allowAutoCreate = v >= 4 ? r.bool() : true;

  let answers: TopicAnswer[];
  if (requested === null) {
    answers = logs.list().map((t) => ({ errorCode: ErrorCode.None, name: t.name, partitions: t.partitions.length }));
  } else {
    answers = requested.map((name) => {
      const existing = logs.get(name);
      if (existing) return { errorCode: ErrorCode.None, name, partitions: existing.partitions.length };
      if (!(allowAutoCreate && options.autoCreateTopics)) return { errorCode: ErrorCode.UnknownTopicOrPartition, name, partitions: 0 };
      try {
        const created = logs.createTopic(name, options.defaultPartitions);
        return { errorCode: ErrorCode.None, name, partitions: created.partitions.length };
      } catch (err) {
        if (err instanceof KafkaProtocolError) {
          logger.warn({ topic: name, client: ctx.clientId, reason: err.message }, 'metadata request for a topic that cannot be created');
          return { errorCode: err.code, name, partitions: 0 };
        }
        throw err;
      }
    });
  }

  const nodeId = options.nodeId;
  const w = new ProtocolWriter(256 + answers.length * 64);
  writeThrottle(w, v >= 3);
  w.array([0], (w) => {
    w.int32(nodeId).string(ctx.advertisedHost).int32(ctx.broker.port);
    w.nullableString(null); // rack
  });
  if (v >= 2) w.nullableString(metadata.clusterId);
  w.int32(nodeId); // controller
  w.array(answers, (w, t) => {
    w.int16(t.errorCode).string(t.name).bool(false);
    w.int32(t.partitions);
    for (let p = 0; p < t.partitions; p++) {
      w.int16(ErrorCode.None).int32(p).int32(nodeId);
      w.int32(1).int32(nodeId); // replicas
      w.int32(1).int32(nodeId); // in-sync replicas
      if (v >= 5) w.int32(0); // offline replicas
    }
  });
  return w;
};
