import { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { startTestBroker, TestBroker, waitFor } from '@lgsp/test-support/test-broker';

/**
 * Consumer groups through kafkajs, as every platform service will use them: partitions are shared out, a leaving
 * member's partitions move to the others without losing messages, and a restarted consumer resumes from its
 * committed offsets.
 */
describe('kafkajs consumer groups on the embedded broker', () => {
  let tb: TestBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    tb = await startTestBroker();
    kafka = tb.kafka('groups-test');
  });
  afterAll(() => tb.stop());

  async function produce(topic: string, from: number, count: number): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    for (let i = from; i < from + count; i += 100) {
      const n = Math.min(100, from + count - i);
      await producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, j) => ({ key: `k${i + j}`, value: `m${i + j}` })) });
    }
    await producer.disconnect();
  }

  /** Starts a group member that records every message it sees (value → member name). */
  async function member(groupId: string, topic: string, name: string, seen: Map<string, string[]>): Promise<Consumer> {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }: EachMessagePayload) => {
        const value = message.value!.toString();
        seen.set(value, [...(seen.get(value) ?? []), name]);
      },
    });
    return consumer;
  }

  async function assignedPartitions(groupId: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId]);
      return groups[0].state === 'Stable' ? groups[0].members.length : 0;
    } finally {
      await admin.disconnect();
    }
  }

  it('shares 6 partitions among 3 members, each message consumed exactly once, and survives a member leaving', async () => {
    const topic = 'group-six';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    await admin.disconnect();

    const seen = new Map<string, string[]>();
    const members = [await member('g-six', topic, 'a', seen), await member('g-six', topic, 'b', seen), await member('g-six', topic, 'c', seen)];
    await waitFor(async () => (await assignedPartitions('g-six')) === 3, 30_000, 'three members in a stable group');

    await produce(topic, 0, 3000);
    await waitFor(() => seen.size === 3000, 30_000, '3000 messages consumed');
    const names = new Set([...seen.values()].flat());
    expect(names).toEqual(new Set(['a', 'b', 'c'])); // every member got partitions
    expect([...seen.values()].every((by) => by.length === 1)).toBe(true); // and no message twice

    // Member c leaves: its partitions move to a and b, and what is produced afterwards all arrives.
    await members[2].disconnect();
    await waitFor(async () => (await assignedPartitions('g-six')) === 2, 30_000, 'group rebalanced to two members');
    await produce(topic, 3000, 3000);
    await waitFor(() => seen.size === 6000, 30_000, '6000 messages consumed');
    const afterLeave = [...seen.entries()].filter(([v]) => Number(v.slice(1)) >= 3000).map(([, by]) => by);
    expect(new Set(afterLeave.flat())).toEqual(new Set(['a', 'b']));
    expect(afterLeave.every((by) => by.length === 1)).toBe(true);

    await Promise.all(members.slice(0, 2).map((m) => m.disconnect()));
  }, 90_000);

  it('resumes a restarted consumer from its committed offsets', async () => {
    const topic = 'group-resume';
    await produce(topic, 0, 500);
    const first = new Map<string, string[]>();
    const c1 = await member('g-resume', topic, 'first', first);
    await waitFor(() => first.size === 500, 20_000, 'first 500 consumed');
    await c1.disconnect(); // commits on the way out

    await produce(topic, 500, 200);
    const second = new Map<string, string[]>();
    const c2 = await member('g-resume', topic, 'second', second);
    await waitFor(() => second.size === 200, 20_000, 'the 200 new messages');
    await new Promise((r) => setTimeout(r, 500));
    expect([...second.keys()].sort()).toEqual(Array.from({ length: 200 }, (_, i) => `m${500 + i}`).sort());
    await c2.disconnect();
  }, 60_000);

  it('serves the admin API: createTopics, listTopics, fetchTopicOffsets, describeGroups, fetchOffsets, deleteGroups', async () => {
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 4 }, { topic: 'admin-b' }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 4 }] })).toBe(false); // already exists
    const topics = await admin.listTopics();
    expect(topics).toEqual(expect.arrayContaining(['admin-a', 'admin-b']));

    await produce('admin-a', 0, 40);
    const offsets = await admin.fetchTopicOffsets('admin-a');
    expect(offsets).toHaveLength(4);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(40);
    expect(offsets.every((p) => p.low === '0')).toBe(true);

    const meta = await admin.fetchTopicMetadata({ topics: ['admin-a'] });
    expect(meta.topics[0].partitions).toHaveLength(4);

    const seen = new Map<string, string[]>();
    const c = await member('g-admin', 'admin-a', 'solo', seen);
    await waitFor(() => seen.size === 40, 20_000, '40 consumed');
    const { groups } = await admin.describeGroups(['g-admin']);
    expect(groups[0]).toMatchObject({ groupId: 'g-admin', state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(groups[0].members).toHaveLength(1);
    await c.disconnect();

    const committed = await admin.fetchOffsets({ groupId: 'g-admin', topics: ['admin-a'] });
    expect(committed[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(40);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain('g-admin');

    await admin.createPartitions({ topicPartitions: [{ topic: 'admin-b', count: 3 }] });
    expect((await admin.fetchTopicOffsets('admin-b')).length).toBe(3);

    await admin.deleteGroups(['g-admin']);
    expect((await admin.describeGroups(['g-admin'])).groups[0].state).toBe('Dead');
    await admin.deleteTopics({ topics: ['admin-b'] });
    expect(await admin.listTopics()).not.toContain('admin-b');
    await admin.disconnect();
  }, 60_000);
});
