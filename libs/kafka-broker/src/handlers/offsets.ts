import { ErrorCode } from '../protocol/error-codes';
import { ProtocolWriter } from '../protocol/writer';
import { RequestHandler, writeThrottle } from './request-context';

/**
 * OffsetCommit v0–v5. A member's commit is checked against the group's generation; a commit with generation -1
 * and no member id (v0, or a client assigning partitions itself) is allowed while the group has no members.
 * Commits are durable before they are acknowledged.
 */
export const handleOffsetCommit: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const { groups, offsets, logs } = ctx.broker;
  const groupId = r.string();
  const generationId = v >= 1 ? r.int32() : -1;
  const memberId = v >= 1 ? r.string() : '';
  if (v >= 2 && v <= 4) r.int64(); // retention_time_ms
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => {
      const index = r.int32();
      const offset = r.int64();
      if (v === 1) r.int64(); // commit_timestamp
      return { index, offset, metadata: r.nullableString() };
    }),
  }));

  const groupError = groups.validateCommit(groupId, generationId, memberId);
  const accepted: { topic: string; partition: number; offset: number; metadata: string | null }[] = [];
  const results = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      let errorCode = groupError;
      if (errorCode === ErrorCode.None && !logs.partition(t.name, p.index)) errorCode = ErrorCode.UnknownTopicOrPartition;
      if (errorCode === ErrorCode.None) accepted.push({ topic: t.name, partition: p.index, offset: p.offset, metadata: p.metadata });
      return { index: p.index, errorCode };
    }),
  }));
  if (accepted.length) offsets.commit(groupId, accepted);

  const w = new ProtocolWriter();
  writeThrottle(w, v >= 3);
  w.array(results, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => w.int32(p.index).int16(p.errorCode));
  });
  return w;
};

/** OffsetFetch v1–v4; a null topic list (v2+) means every partition the group has committed. -1 = none. */
export const handleOffsetFetch: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const { offsets } = ctx.broker;
  const groupId = r.string();
  const requested = v >= 2 ? r.nullableArray((r) => ({ name: r.string(), partitions: r.array((r) => r.int32()) })) : r.array((r) => ({ name: r.string(), partitions: r.array((r) => r.int32()) }));

  let topics: { name: string; partitions: { index: number; offset: number; metadata: string | null }[] }[];
  if (requested === null) {
    const byTopic = new Map<string, { index: number; offset: number; metadata: string | null }[]>();
    for (const e of offsets.all(groupId)) {
      if (!byTopic.has(e.topic)) byTopic.set(e.topic, []);
      byTopic.get(e.topic)!.push({ index: e.partition, offset: e.committed.offset, metadata: e.committed.metadata });
    }
    topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
  } else {
    topics = requested.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((index) => {
        const c = offsets.get(groupId, t.name, index);
        return { index, offset: c?.offset ?? -1, metadata: c?.metadata ?? '' };
      }),
    }));
  }

  const w = new ProtocolWriter();
  writeThrottle(w, v >= 3);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => w.int32(p.index).int64(p.offset).nullableString(p.metadata).int16(ErrorCode.None));
  });
  if (v >= 2) w.int16(ErrorCode.None);
  return w;
};
