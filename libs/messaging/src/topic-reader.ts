import { randomUUID } from 'node:crypto';
import { connectionCore, MessagingConnection } from './messaging-connection';
import { fromKafkaMessage, IncomingMessage } from './messages';

/**
 * Reads a topic from its first record up to the end it had when the call began, and returns the records in
 * partition, then offset, order. For rebuilding in-process state from the log at start-up and for offline checks
 * such as verifying the message-log chain. It uses a throw-away consumer group that commits nothing and is deleted
 * afterwards, so it never disturbs the groups that consume the topic for real.
 */
export async function readTopicToEnd(connection: MessagingConnection, topic: string, options: { timeoutMs?: number } = {}): Promise<IncomingMessage[]> {
  const records: IncomingMessage[] = [];
  await forEachRecordToEnd(connection, topic, (record) => void records.push(record), options);
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

/**
 * Like readTopicToEnd, but hands each record to `onRecord` as it arrives instead of keeping them, for topics too large
 * to hold twice (a service rebuilding a million cases). Records come in offset order within each partition; partitions
 * interleave. `timeoutMs` bounds the time without progress, not the whole read, so that a large topic is not cut off.
 */
export async function forEachRecordToEnd(
  connection: MessagingConnection,
  topic: string,
  onRecord: (record: IncomingMessage) => void,
  options: { timeoutMs?: number } = {},
): Promise<number> {
  const core = connectionCore(connection);
  core.assertOpen('readTopicToEnd');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const admin = core.kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    const ends = new Map<number, number>();
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (Number(p.high) > Number(p.low)) ends.set(p.partition, Number(p.high));
    }
    if (ends.size === 0) return 0;

    const groupId = `lgsp-reader-${randomUUID()}`;
    // Large fetches: a rebuild reads millions of records, and each fetch round trip costs more than its bytes.
    const consumer = core.kafka.consumer({ groupId, maxWaitTimeInMs: 100, maxBytesPerPartition: 16 * 1024 * 1024, maxBytes: 64 * 1024 * 1024, retry: { retries: 2 } });
    let count = 0;
    let failed = false;
    const pending = new Set(ends.keys());
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const stalled = () => reject(new Error(`reading ${topic} made no progress for ${timeoutMs} ms before its end`));
        let timer = setTimeout(stalled, timeoutMs);
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = ends.get(batch.partition);
              if (end === undefined || failed) return;
              clearTimeout(timer);
              timer = setTimeout(stalled, timeoutMs);
              try {
                for (const m of batch.messages) {
                  if (Number(m.offset) < end) {
                    onRecord(fromKafkaMessage(topic, batch.partition, m));
                    count += 1;
                  }
                }
              } catch (error) {
                // Not thrown to kafkajs, which would deliver the batch again and apply its first records twice.
                clearTimeout(timer);
                failed = true;
                reject(error);
                return;
              }
              if (Number(batch.lastOffset()) + 1 >= end) pending.delete(batch.partition);
              if (pending.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch((err: Error) => {
            clearTimeout(timer);
            reject(err);
          });
      });
    } finally {
      await consumer.disconnect();
    }
    await admin.deleteGroups([groupId]).catch(() => undefined);
    return count;
  } finally {
    await admin.disconnect();
  }
}
