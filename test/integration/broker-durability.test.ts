import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerProcess, startBrokerProcess } from '../../apps/cli/src/bench/broker-process';
import { cliEntry } from '@lgsp/test-support/cli-entry';
import { waitFor } from '@lgsp/test-support/test-broker';

/**
 * "Nothing acknowledged is ever lost": a real `lgsp broker` process is killed with SIGKILL while producers are
 * writing, restarted on the same data directory, and must return every acknowledged message and every committed
 * offset. Then a torn write is simulated at the end of a segment, and the restart must cut it off cleanly.
 */
describe('broker durability across kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-durability-'));
  let broker: BrokerProcess | null = null;

  const client = (port: number): Kafka =>
    new Kafka({ clientId: 'durability', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });

  afterAll(async () => {
    if (broker) await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function readAll(port: number, topic: string, expected: number): Promise<string[]> {
    const kafka = client(port);
    const consumer = kafka.consumer({ groupId: `reader-${Date.now()}`, maxWaitTimeInMs: 100 });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await waitFor(() => values.length >= expected, 30_000, `${expected} messages read back`).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300)); // anything beyond `expected` would show up as a duplicate
    await consumer.disconnect();
    return values;
  }

  it('keeps every acknowledged message and committed offset when the broker is killed mid-produce', async () => {
    const entry = cliEntry();
    broker = await startBrokerProcess(entry, dataDir);
    let kafka = client(broker.port);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 3 }] });

    // A consumer group commits offsets for a first, known set of messages.
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    await producer.send({ topic: 'durable', acks: -1, messages: Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: `pre-${i}` })) });
    const consumer = kafka.consumer({ groupId: 'durable-group', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'durable', fromBeginning: true });
    let consumed = 0;
    await consumer.run({ eachMessage: async () => void consumed++ });
    await waitFor(() => consumed === 300, 20_000, 'group consumed the first 300');
    await consumer.disconnect();
    const committedBefore = await admin.fetchOffsets({ groupId: 'durable-group', topics: ['durable'] });
    expect(committedBefore[0].partitions.reduce((s, p) => s + Number(p.offset), 0)).toBe(300);
    await admin.disconnect();

    // Producers write continuously (acks 1 and acks -1); the broker is killed in the middle of it.
    const acknowledged: string[] = [];
    let stop = false;
    const writers = [1, -1].map(async (acks) => {
      for (let batch = 0; !stop; batch++) {
        const values = Array.from({ length: 20 }, (_, i) => `acks${acks}-${batch}-${i}`);
        try {
          await producer.send({ topic: 'durable', acks, messages: values.map((value) => ({ value })) });
          acknowledged.push(...values);
        } catch {
          return; // the broker is gone: whatever was not acknowledged may or may not be there
        }
      }
    });
    await waitFor(() => acknowledged.length >= 2000, 20_000, '2000 acknowledged messages');
    broker.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await producer.disconnect().catch(() => undefined);
    await new Promise<void>((r) => (broker!.child.exitCode !== null || broker!.child.signalCode !== null ? r() : broker!.child.once('exit', () => r())));

    broker = await startBrokerProcess(entry, dataDir);
    kafka = client(broker.port);
    const values = await readAll(broker.port, 'durable', 300 + acknowledged.length);
    const present = new Set(values);
    const lost = acknowledged.filter((v) => !present.has(v));
    expect(lost).toEqual([]);
    for (let i = 0; i < 300; i++) expect(present.has(`pre-${i}`)).toBe(true);
    expect(values.length).toBe(present.size); // no duplicates were created by recovery

    const admin2 = kafka.admin();
    await admin2.connect();
    const committedAfter = await admin2.fetchOffsets({ groupId: 'durable-group', topics: ['durable'] });
    expect(committedAfter).toEqual(committedBefore);
    await admin2.disconnect();
  }, 90_000);

  it('cuts off a torn write at the end of a segment on restart and keeps serving', async () => {
    const entry = cliEntry();
    let kafka = client(broker!.port);
    const offsetsBefore = await (async () => {
      const admin = kafka.admin();
      await admin.connect();
      const o = await admin.fetchTopicOffsets('durable');
      await admin.disconnect();
      return o.map((p) => ({ partition: p.partition, high: p.high })).sort((a, b) => a.partition - b.partition);
    })();
    broker!.child.kill('SIGKILL');
    await new Promise<void>((r) => broker!.child.once('exit', () => r()));

    // A crash in the middle of a write leaves half a batch: a plausible header followed by too few bytes.
    const partitionDir = join(dataDir, 'topics', 'durable', '0');
    const segment = join(partitionDir, readdirSync(partitionDir).filter((f) => f.endsWith('.log')).sort().pop()!);
    const sizeBefore = statSync(segment).size;
    const torn = Buffer.alloc(40);
    torn.writeBigInt64BE(999n, 0);
    torn.writeInt32BE(5000, 8); // claims 5000 more bytes
    appendFileSync(segment, torn);

    broker = await startBrokerProcess(entry, dataDir);
    expect(statSync(segment).size).toBe(sizeBefore);
    // The cut-off bytes are kept beside the segment, not destroyed.
    const kept = readdirSync(partitionDir).filter((f) => f.startsWith(`${segment.split('/').pop()}.truncated-`));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(partitionDir, kept[0]))).toEqual(torn);
    kafka = client(broker.port);
    const admin = kafka.admin();
    await admin.connect();
    const offsetsAfter = (await admin.fetchTopicOffsets('durable')).map((p) => ({ partition: p.partition, high: p.high })).sort((a, b) => a.partition - b.partition);
    expect(offsetsAfter).toEqual(offsetsBefore);
    await admin.disconnect();

    // And the partition takes new writes right after the cut.
    const producer = kafka.producer();
    await producer.connect();
    const [res] = await producer.send({ topic: 'durable', acks: -1, messages: [{ value: 'after-torn', partition: 0 }] });
    expect(res.baseOffset).toBe(offsetsBefore[0].high);
    await producer.disconnect();
  }, 60_000);
});
