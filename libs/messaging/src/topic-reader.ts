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
  const core = connectionCore(connection);
  core.assertOpen('readTopicToEnd');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const admin = core.kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    const ends = new Map<number, number>();
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (Number(p.high) > Number(p.low)) ends.set(p.partition, Number(p.high));
    }
    if (ends.size === 0) return [];

    const groupId = `lgsp-reader-${randomUUID()}`;
    const consumer = core.kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: { retries: 2 } });
    const records: IncomingMessage[] = [];
    const pending = new Set(ends.keys());
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`reading ${topic} did not reach its end within ${timeoutMs} ms`)), timeoutMs);
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = ends.get(batch.partition);
              if (end === undefined) return;
              for (const m of batch.messages) {
                if (Number(m.offset) < end) records.push(fromKafkaMessage(topic, batch.partition, m));
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
    return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
  } finally {
    await admin.disconnect();
  }
}
