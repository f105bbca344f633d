import { Controller, Inject, Injectable, INestMicroservice } from '@nestjs/common';
import {
  ClientKafka,
  ClientsModule,
  Ctx,
  EventPattern,
  KafkaContext,
  KafkaOptions,
  MessagePattern,
  Payload,
  RpcException,
  Transport,
} from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { Admin, AssignerProtocol, Consumer, logLevel } from 'kafkajs';
import { firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { startTestBroker, TestBroker, waitFor } from '@lgsp/test-support/test-broker';

/**
 * @nestjs/microservices' Kafka transport (ServerKafka + ClientKafka) against the embedded broker, as the platform's
 * services use it: request/reply over `<pattern>` and `<pattern>.reply` topics that only ever come into being through
 * Metadata auto-creation, errors carried back in headers, and keyed events that keep their per-key order.
 */

const SUM = 'ledger.sum';
const UPPER = 'ledger.upper';
const ENTRY = 'ledger.entry';
const CLIENT = Symbol('LEDGER_CLIENT');
// Several partitions per auto-created topic, so keyed ordering and Nest's reply-partition routing are really exercised.
const PARTITIONS = 3;

interface ReceivedEntry {
  readonly key: string;
  readonly partition: number;
  readonly seq: number;
  readonly note: string;
}

@Injectable()
class ReceivedEntries {
  readonly list: ReceivedEntry[] = [];
}

@Controller()
class LedgerController {
  constructor(@Inject(ReceivedEntries) private readonly received: ReceivedEntries) {}

  @MessagePattern(SUM)
  sum(@Payload() data: { id: number; numbers: number[] }): { id: number; total: number; count: number } {
    return { id: data.id, total: data.numbers.reduce((a, b) => a + b, 0), count: data.numbers.length };
  }

  @MessagePattern(UPPER)
  upper(@Payload() text: string): string {
    if (!text) throw new RpcException('text must not be empty');
    return text.toUpperCase();
  }

  @EventPattern(ENTRY)
  entry(@Payload() data: { seq: number; note: string }, @Ctx() ctx: KafkaContext): void {
    this.received.list.push({ key: String(ctx.getMessage().key), partition: ctx.getPartition(), ...data });
  }
}

describe('@nestjs/microservices Kafka transport on the embedded broker', () => {
  let tb: TestBroker;
  let admin: Admin;
  let server: INestMicroservice;
  let client: ClientKafka;
  let received: ReceivedEntries;

  // Short long-polls only make readiness (one completed fetch) quick to observe; delivery itself never waits on them.
  const kafkaOptions = (clientId: string): KafkaOptions['options'] => ({
    client: { clientId, brokers: [tb.bootstrap], logLevel: logLevel.NOTHING },
    consumer: { groupId: clientId, maxWaitTimeInMs: 100, heartbeatInterval: 500, sessionTimeout: 10_000 },
  });

  /** Every partition of `topics` is assigned to some member, per the coordinator's own view of a Stable group. */
  async function stableWithAllPartitions(groupId: string, topics: string[]): Promise<boolean> {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group.state !== 'Stable') return false;
    const assigned = new Map<string, Set<number>>();
    for (const m of group.members) {
      const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      for (const [topic, partitions] of Object.entries(decoded?.assignment ?? {})) {
        for (const p of partitions) assigned.set(topic, (assigned.get(topic) ?? new Set()).add(p));
      }
    }
    return topics.every((t) => assigned.get(t)?.size === PARTITIONS);
  }

  /**
   * Resolves on the consumer's next completed fetch. kafkajs resolves a new member's starting offsets ("latest" for
   * Nest) lazily inside its first fetch after joining, so only a fetch completed after the join guarantees that a
   * message produced from now on is not skipped; fetches recur every maxWaitTimeInMs, so none can be missed.
   */
  function nextFetch(consumer: Consumer, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no fetch completed by ${what} within 10 s`));
      }, 10_000);
      const off = consumer.on(consumer.events.FETCH, () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  async function ready(consumer: Consumer, groupId: string, topics: string[]): Promise<void> {
    await waitFor(() => stableWithAllPartitions(groupId, topics), 20_000, `group ${groupId} stable with ${topics.join(', ')} assigned`);
    await nextFetch(consumer, groupId);
  }

  beforeAll(async () => {
    tb = await startTestBroker({ defaultPartitions: PARTITIONS });
    admin = tb.kafka('nest-test-admin').admin();
    await admin.connect();

    const moduleRef = await Test.createTestingModule({
      imports: [ClientsModule.register([{ name: CLIENT, transport: Transport.KAFKA, options: kafkaOptions('gateway') }])],
      controllers: [LedgerController],
      providers: [ReceivedEntries],
    }).compile();

    server = moduleRef.createNestMicroservice<KafkaOptions>({ transport: Transport.KAFKA, options: kafkaOptions('ledger'), logger: false });
    // Resolves once ServerKafka's consumer has subscribed (auto-creating the topics) and joined its group.
    await server.listen();
    received = server.get(ReceivedEntries);

    client = server.get<ClientKafka>(CLIENT);
    client.subscribeToResponseOf(SUM);
    client.subscribeToResponseOf(UPPER);
    await client.connect();

    // Nest names the groups `<groupId>-server` and `<groupId>-client`; both start from latest, so both must be
    // consuming before the first request, or the request (or its reply) is silently skipped.
    const [, serverConsumer] = server.unwrap<[unknown, Consumer]>();
    await Promise.all([
      ready(serverConsumer, 'ledger-server', [SUM, UPPER, ENTRY]),
      ready(client.consumer, 'gateway-client', [`${SUM}.reply`, `${UPPER}.reply`]),
    ]);
  }, 40_000);

  afterAll(async () => {
    await client?.close();
    await server?.close();
    await admin?.disconnect();
    await tb?.stop();
  });

  function send<T>(pattern: string, data: unknown): Promise<T> {
    return firstValueFrom(client.send<T>(pattern, data).pipe(timeout(10_000)));
  }

  it('auto-created every request and reply topic with the default partition count', async () => {
    const topics = [SUM, UPPER, ENTRY, `${SUM}.reply`, `${UPPER}.reply`];
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    expect(metadata.map((t) => [t.name, t.partitions.length]).sort()).toEqual(topics.map((t) => [t, PARTITIONS]).sort());
  });

  it('answers send() requests with values computed from each request, sequentially and concurrently', async () => {
    expect(await send(SUM, { id: 0, numbers: [1, 2, 3, 4] })).toEqual({ id: 0, total: 10, count: 4 });
    expect(await send(UPPER, 'đồng bộ hồ sơ')).toBe('ĐỒNG BỘ HỒ SƠ');

    const requests = Array.from({ length: 40 }, (_, id) => ({ id, numbers: Array.from({ length: id + 1 }, (_, j) => j * id) }));
    const replies = await Promise.all(requests.map((r) => send<{ id: number; total: number; count: number }>(SUM, r)));
    // Each reply must be the one for its own request: correlation ids survive the round trip through the broker.
    expect(replies).toEqual(requests.map((r) => ({ id: r.id, total: (r.id * r.id * (r.id + 1)) / 2, count: r.id + 1 })));

    const words = ['hà nội', 'huế', 'đà nẵng', 'cần thơ', 'hải phòng'];
    expect(await Promise.all(words.map((w) => send<string>(UPPER, w)))).toEqual(words.map((w) => w.toUpperCase()));
  }, 20_000);

  it('carries a handler error back to the caller', async () => {
    await expect(send(UPPER, '')).rejects.toMatchObject({ message: 'text must not be empty', status: 'error' });
    // And the server keeps serving afterwards.
    expect(await send(UPPER, 'ok')).toBe('OK');
  }, 20_000);

  it('delivers emit() events to the event handler, in order per key, each key on one partition', async () => {
    const keys = ['account-a', 'account-b', 'account-c', 'account-d'];
    const perKey = 25;
    // Keys are emitted concurrently so they interleave; each key's events go out one after another, so their
    // order is defined and the broker and consumer must keep it.
    await Promise.all(
      keys.map(async (key) => {
        for (let seq = 0; seq < perKey; seq++) {
          await lastValueFrom(client.emit(ENTRY, { key, value: { seq, note: `${key} #${seq}` } }).pipe(timeout(10_000)));
        }
      }),
    );
    await waitFor(() => received.list.length >= keys.length * perKey, 15_000, `${keys.length * perKey} events handled`);

    expect(received.list).toHaveLength(keys.length * perKey);
    for (const key of keys) {
      const mine = received.list.filter((e) => e.key === key);
      expect(mine.map((e) => e.seq)).toEqual(Array.from({ length: perKey }, (_, i) => i));
      expect(mine.every((e) => e.note === `${key} #${e.seq}`)).toBe(true);
      expect(new Set(mine.map((e) => e.partition)).size).toBe(1);
    }
    // kafkajs' murmur2 partitioner spreads these keys over all three partitions, so per-key order held while the
    // consumer interleaved partitions; a broker that put everything on one partition would fail here.
    expect(new Set(received.list.map((e) => e.partition)).size).toBe(PARTITIONS);
  }, 30_000);
});
