import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { Consumer, KafkaMessage } from 'kafkajs';
import { KafkaHeader, platformTopics } from '@lgsp/contracts';
import {
  DeadlineExceededError,
  EventConsumer,
  EventPublisher,
  headersToRecord,
  IncomingMessage,
  MessagingConnection,
  MessagingLogger,
  NonRetryableError,
  readTopicToEnd,
  RequestReplyClient,
  RequestResponder,
} from '@lgsp/messaging';
import { startTestBroker, TestBroker, waitFor } from '@lgsp/test-support/test-broker';
// Internal: the tests below count the produce requests of the publisher's own kafkajs producer.
import { connectionCore } from '../../libs/messaging/src/messaging-connection';

/**
 * `@lgsp/messaging` against the embedded broker through kafkajs: events, request/reply between "gateway replicas" and a
 * provider, retries and dead letters, resuming from commits, and the connection's own health and shutdown.
 */

interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  fields: Record<string, unknown>;
  message: string;
}

function capturingLogger(lines: LogLine[]): MessagingLogger {
  const at = (level: LogLine['level']) => (fields: object, message: string) => void lines.push({ level, fields: fields as Record<string, unknown>, message });
  return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

// The module object itself (not an import namespace copy), so that kafkajs' own `net.connect` calls can be redirected.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net: typeof import('node:net') = require('node:net');

/**
 * A TCP relay to the broker that holds every byte coming back from it for `delayMs`: a slow network, so that each
 * request/response round trip a client makes takes visibly longer than a message written over a fast connection.
 */
async function slowLink(brokerPort: number, delayMs: number, connect: typeof net.connect): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = net.createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: brokerPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => (s === client ? upstream : client).destroy());
    }
    client.pipe(upstream);
    upstream.on('data', (chunk) => setTimeout(() => client.writable && client.write(chunk), delayMs));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const json = (m: { value: Buffer }) => JSON.parse(m.value.toString('utf8'));

describe('@lgsp/messaging on the embedded broker', () => {
  let tb: TestBroker;
  let connection: MessagingConnection;
  const logs: LogLine[] = [];
  const rawConsumers: Consumer[] = [];

  beforeAll(async () => {
    tb = await startTestBroker();
    connection = new MessagingConnection({ brokers: [tb.bootstrap], clientId: 'messaging-test' }, capturingLogger(logs));
  });

  afterAll(async () => {
    await connection.close();
    await Promise.all(rawConsumers.map((c) => c.disconnect()));
    await tb.stop();
  });

  /** Every record of `topic`, read with plain kafkajs (not the code under test), once `count` are there. */
  async function readAll(topic: string, count: number): Promise<KafkaMessage[]> {
    const seen: KafkaMessage[] = [];
    const consumer = tb.kafka('reader').consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    rawConsumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    await waitFor(() => seen.length >= count, 15_000, `${count} records on ${topic}`);
    await consumer.disconnect();
    return seen;
  }

  async function partitionCount(topic: string): Promise<number> {
    const admin = tb.kafka().admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0].partitions.length;
    } finally {
      await admin.disconnect();
    }
  }

  async function committed(groupId: string, topic: string): Promise<number[]> {
    const admin = tb.kafka().admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return t.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
    } finally {
      await admin.disconnect();
    }
  }

  function publisher(): Promise<EventPublisher> {
    const p = new EventPublisher(connection);
    return p.start().then(() => p);
  }

  describe('events', () => {
    it('round-trips key, value and headers from publish to an EventConsumer, at the offset publish reported', async () => {
      const topic = 'it.events.round-trip';
      const events = await publisher();
      const received: IncomingMessage[] = [];
      const consumer = new EventConsumer(connection, { topics: [topic], groupId: 'it.round-trip', handler: async (e) => void received.push(e) });
      await consumer.start();

      const before = Date.now();
      const written = await events.publish(topic, {
        key: 'case-42',
        value: JSON.stringify({ status: 'received' }),
        headers: { [KafkaHeader.RequestId]: 'req-1', [KafkaHeader.TraceParent]: '00-abc-def-01' },
      });
      const second = await events.publish(topic, { value: Buffer.from([0, 1, 2, 255]) });
      await waitFor(() => received.length === 2, 10_000, 'both events');

      expect(received[0]).toMatchObject({ topic, partition: written.partition, offset: written.offset, key: 'case-42' });
      expect(json(received[0])).toEqual({ status: 'received' });
      expect(received[0].headers).toEqual({ [KafkaHeader.RequestId]: 'req-1', [KafkaHeader.TraceParent]: '00-abc-def-01' });
      expect(received[0].timestamp).toBeGreaterThanOrEqual(before - 1000);
      expect(received[1]).toMatchObject({ offset: second.offset, key: null, headers: {} });
      expect(received[1].value).toEqual(Buffer.from([0, 1, 2, 255]));
      expect(BigInt(second.offset)).toBe(BigInt(written.offset) + 1n);

      await consumer.stop();
      await events.stop();
    });

    it('publishMany reports each record’s own partition and offset', async () => {
      const topic = 'it.events.many';
      await connection.ensureTopics([{ topic, partitions: 3 }]);
      const events = await publisher();
      const messages = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}`, headers: { n: String(i) } }));
      const positions = await events.publishMany(topic, messages);
      expect(positions).toHaveLength(30);
      expect(new Set(positions.map((p) => p.partition)).size).toBeGreaterThan(1);
      expect(await events.publishMany(topic, [])).toEqual([]);

      // Read back independently: the record at each reported position must be the one published there.
      const byPosition = new Map<string, string>();
      const consumer = tb.kafka('reader').consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
      rawConsumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => void byPosition.set(`${partition}/${message.offset}`, message.value!.toString()) });
      await waitFor(() => byPosition.size === 30, 10_000, '30 records');
      await consumer.disconnect();
      positions.forEach((p, i) => expect(byPosition.get(`${p.partition}/${p.offset}`)).toBe(`v${i}`));

      await events.stop();
    });

    it('sends the publishes of one event-loop turn in one produce request, each caller still getting its own positions', async () => {
      const topics = ['it.events.coalesced-a', 'it.events.coalesced-b'];
      await connection.ensureTopics(topics.map((topic) => ({ topic, partitions: 3 })));
      // Counts the Produce requests the publisher's kafkajs producer sends (instrumentation events, test-only hook).
      const kafka = connectionCore(connection).kafka;
      const makeProducer = kafka.producer.bind(kafka);
      let produceRequests = 0;
      const spy = jest.spyOn(kafka, 'producer').mockImplementation((config) => {
        const producer = makeProducer(config);
        producer.on(producer.events.REQUEST, (e) => void (e.payload.apiName === 'Produce' && produceRequests++));
        return producer;
      });
      const events = await publisher();
      spy.mockRestore();

      const calls = Array.from({ length: 40 }, (_, i) =>
        i % 4 === 0
          ? events.publishMany(topics[i % 2], [{ key: `m${i}`, value: `v${i}.0` }, { key: `n${i}`, value: `v${i}.1` }])
          : events.publish(topics[i % 2], { key: `k${i}`, value: `v${i}` }).then((p) => [p]),
      );
      const positions = await Promise.all(calls);
      expect(produceRequests).toBe(1);

      const readBack = new Map<string, string>();
      for (const topic of topics) {
        for (const m of await readTopicToEnd(connection, topic)) readBack.set(`${topic}/${m.partition}/${m.offset}`, m.value.toString('utf8'));
      }
      expect(readBack.size).toBe(50);
      positions.forEach((list, i) => {
        const values = i % 4 === 0 ? [`v${i}.0`, `v${i}.1`] : [`v${i}`];
        expect(list.map((p) => readBack.get(`${topics[i % 2]}/${p.partition}/${p.offset}`))).toEqual(values);
      });

      // A later turn is a new request.
      await events.publish(topics[0], { value: 'later' });
      expect(produceRequests).toBe(2);
      await events.stop();
    });

    it('keeps one produce request under way: what is published meanwhile, over many turns, goes in the next one', async () => {
      const topic = 'it.events.one-in-flight';
      await connection.ensureTopics([{ topic, partitions: 2 }]);
      const events = await publisher();
      const producer = (events as unknown as { slot: { producer: { sendBatch: (...a: unknown[]) => Promise<unknown> } } }).slot.producer;
      const realSend = producer.sendBatch.bind(producer);
      // The first request's answer is held back until the test lets it through, as a slow broker would.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const sent: number[] = [];
      jest.spyOn(producer, 'sendBatch').mockImplementation(async (...args: unknown[]) => {
        const request = args[0] as { topicMessages: { messages: unknown[] }[] };
        sent.push(request.topicMessages.reduce((n, t) => n + t.messages.length, 0));
        const answer = realSend(...args);
        if (sent.length === 1) await held;
        return answer;
      });

      const first = events.publish(topic, { value: 'first' });
      const later: Promise<unknown>[] = [];
      try {
        await waitFor(() => sent.length === 1, 5000, 'the first produce request');
        for (let turn = 0; turn < 5; turn++) {
          later.push(events.publish(topic, { value: `turn-${turn}` }));
          await new Promise((r) => setImmediate(r));
        }
        expect(sent).toEqual([1]);
      } finally {
        release();
      }
      await Promise.all([first, ...later]);
      expect(sent).toEqual([1, 5]);
      expect((await readTopicToEnd(connection, topic)).map((m) => m.value.toString()).sort()).toEqual(['first', 'turn-0', 'turn-1', 'turn-2', 'turn-3', 'turn-4']);
      await events.stop();
    });

    it('fails every caller of a produce request the broker cannot take, and serves the next ones with a new producer', async () => {
      const topic = 'it.events.coalesced-failure';
      await connection.ensureTopics([{ topic, partitions: 1 }]);
      const events = await publisher();
      const slotProducer = (events as unknown as { slot: { producer: { sendBatch: (...a: unknown[]) => Promise<unknown> } } }).slot.producer;
      jest.spyOn(slotProducer, 'sendBatch').mockRejectedValueOnce(new Error('broker said no'));
      const failed = await Promise.allSettled([events.publish(topic, { value: 'a' }), events.publish(topic, { value: 'b' })]);
      expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      const next = await events.publish(topic, { value: 'c' });
      expect((await readTopicToEnd(connection, topic)).map((m) => `${m.offset}:${m.value.toString()}`)).toContain(`${next.offset}:c`);
      await events.stop();
    });
  });

  describe('request/reply', () => {
    const replyTopic = platformTopics('it').gatewayReplies;
    const echoTopic = platformTopics('it').serviceRequests('echo');
    let responder: RequestResponder;
    let handled: IncomingMessage[];
    let client: RequestReplyClient;

    beforeAll(async () => {
      handled = [];
      responder = new RequestResponder(connection, {
        topic: echoTopic,
        groupId: 'it.service.echo',
        partitions: 3,
        handler: async (request) => {
          handled.push(request);
          const body = json(request);
          if (body.sleepMs) await delay(body.sleepMs);
          if (body.fail === 'coded') throw Object.assign(new Error('no such citizen'), { status: 404, code: 'CITIZEN_NOT_FOUND' });
          if (body.fail === 'plain') throw new Error('database unreachable');
          return { value: JSON.stringify({ echo: body }), headers: { [KafkaHeader.ContentType]: 'application/json' } };
        },
      });
      await responder.start();
      client = new RequestReplyClient(connection, { replyTopic, instanceId: 'replica-a', defaultDeadlineMs: 5000 });
      await client.start();
    });
    afterAll(async () => {
      await client.stop();
      await responder.stop();
    });

    it('matches concurrent replies to their requests and carries the protocol headers', async () => {
      const requests = Array.from({ length: 12 }, (_, i) => ({
        // Uneven handler times on three partitions make replies come back out of order.
        body: { n: i, sleepMs: (i * 37) % 120 },
        key: `key-${i}`,
      }));
      const replies = await Promise.all(
        requests.map((r, i) => client.request(echoTopic, { key: r.key, value: JSON.stringify(r.body), headers: { [KafkaHeader.RequestId]: `rid-${i}` } })),
      );
      replies.forEach((reply, i) => {
        expect(json(reply)).toEqual({ echo: requests[i].body });
        expect(reply.topic).toBe(replyTopic);
        expect(reply.headers[KafkaHeader.RequestId]).toBe(`rid-${i}`);
        expect(reply.headers[KafkaHeader.ContentType]).toBe('application/json');
      });

      const served = handled.filter((h) => h.headers[KafkaHeader.RequestId]?.startsWith('rid-'));
      expect(served).toHaveLength(12);
      for (const request of served) {
        expect(request.headers[KafkaHeader.ReplyTo]).toBe(replyTopic);
        expect(request.headers[KafkaHeader.CorrelationId]).toMatch(/^[0-9a-f-]{36}$/);
        const deadline = Number(request.headers[KafkaHeader.Deadline]);
        expect(deadline).toBeGreaterThan(Date.now());
        expect(deadline).toBeLessThanOrEqual(Date.now() + 5000);
      }
      expect(new Set(served.map((h) => h.headers[KafkaHeader.CorrelationId])).size).toBe(12);
    });

    it('rejects at the deadline with DeadlineExceededError and ignores the late reply', async () => {
      const started = Date.now();
      const error = await client.request(echoTopic, { value: JSON.stringify({ late: true, sleepMs: 1200 }) }, { deadlineMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect((error as DeadlineExceededError).deadlineMs).toBe(300);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(Date.now() - started).toBeLessThan(1100); // at the deadline, not when the reply came

      // The provider still answers (the deadline had not passed when it started); the answer lands on the reply topic...
      const { correlationId } = error as DeadlineExceededError;
      await waitFor(
        async () => (await readAll(replyTopic, 1)).some((m) => headersToRecord(m.headers)[KafkaHeader.CorrelationId] === correlationId),
        10_000,
        'the late reply on the reply topic',
      );
      // ...and the client, having forgotten the request, shrugs it off and keeps working.
      const after = await client.request(echoTopic, { value: JSON.stringify({ after: true }) });
      expect(json(after)).toEqual({ echo: { after: true } });
    });

    it('gives each of two replicas on one reply topic only its own answers', async () => {
      const other = new RequestReplyClient(connection, { replyTopic, instanceId: 'replica-b' });
      await other.start();
      const ask = (c: RequestReplyClient, who: string, i: number) =>
        c.request(echoTopic, { value: JSON.stringify({ who, i, sleepMs: (i * 13) % 50 }) }).then((r) => json(r).echo);
      const [fromA, fromB] = await Promise.all([
        Promise.all(Array.from({ length: 8 }, (_, i) => ask(client, 'a', i))),
        Promise.all(Array.from({ length: 8 }, (_, i) => ask(other, 'b', i))),
      ]);
      expect(fromA.map((e) => `${e.who}${e.i}`)).toEqual(Array.from({ length: 8 }, (_, i) => `a${i}`));
      expect(fromB.map((e) => `${e.who}${e.i}`)).toEqual(Array.from({ length: 8 }, (_, i) => `b${i}`));
      await other.stop();
    });

    it('serves the requests fetched together from one partition at once, not one reply round trip after another', async () => {
      const topic = platformTopics('it').serviceRequests('one-partition');
      let inHandler = 0;
      let mostAtOnce = 0;
      const oneAtATime = new RequestResponder(connection, {
        topic,
        groupId: 'it.service.one-partition',
        partitions: 1,
        handler: async (request) => {
          mostAtOnce = Math.max(mostAtOnce, ++inHandler);
          await delay(150);
          inHandler--;
          return { value: request.value };
        },
      });
      await oneAtATime.start();
      try {
        // Published in one turn, so they reach the single partition in one record batch and one fetch.
        const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => client.request(topic, { key: 'same-key', value: `r${i}` })));
        expect(replies.map((r) => r.value.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
        expect(mostAtOnce).toBeGreaterThan(1);
      } finally {
        await oneAtATime.stop();
      }
    });

    it('can publish its requests through a shared publisher, which its stop() leaves running for its owner', async () => {
      const shared = await publisher();
      const sharing = new RequestReplyClient(connection, { replyTopic, instanceId: 'replica-shared', publisher: shared });
      await sharing.start();
      const sent = jest.spyOn(shared, 'publish');
      expect(json(await sharing.request(echoTopic, { value: JSON.stringify({ via: 'shared' }) }))).toEqual({ echo: { via: 'shared' } });
      expect(sent).toHaveBeenCalledWith(echoTopic, expect.objectContaining({ value: JSON.stringify({ via: 'shared' }) }));
      await sharing.stop();
      // Still the owner's to use (and to stop).
      await expect(shared.publish('it.events.after-shared', { value: 'still open' })).resolves.toMatchObject({ offset: '0' });
      await shared.stop();
    });

    it('turns a handler error into a reply with lgsp-status and lgsp-error-code', async () => {
      const coded = await client.request(echoTopic, { value: JSON.stringify({ fail: 'coded' }), headers: { [KafkaHeader.RequestId]: 'rid-err' } });
      expect(coded.headers[KafkaHeader.Status]).toBe('404');
      expect(coded.headers[KafkaHeader.ErrorCode]).toBe('CITIZEN_NOT_FOUND');
      expect(coded.headers[KafkaHeader.RequestId]).toBe('rid-err');
      expect(json(coded)).toEqual({ error: { code: 'CITIZEN_NOT_FOUND', message: 'no such citizen' } });

      const plain = await client.request(echoTopic, { value: JSON.stringify({ fail: 'plain' }) });
      expect(plain.headers[KafkaHeader.Status]).toBe('500');
      expect(plain.headers[KafkaHeader.ErrorCode]).toBe('PROVIDER_ERROR');
      expect(json(plain)).toEqual({ error: { code: 'PROVIDER_ERROR', message: 'database unreachable' } });
    });

    it('skips a request whose deadline has passed, and logs it', async () => {
      const events = await publisher();
      const expiredId = randomUUID();
      await events.publish(echoTopic, {
        key: 'same-partition',
        value: JSON.stringify({ expired: true }),
        headers: { [KafkaHeader.ReplyTo]: replyTopic, [KafkaHeader.CorrelationId]: expiredId, [KafkaHeader.Deadline]: String(Date.now() - 1) },
      });
      // A live request behind it on the same partition: once it is answered, the expired one has been dealt with.
      const live = await client.request(echoTopic, { key: 'same-partition', value: JSON.stringify({ live: true }) });
      expect(json(live)).toEqual({ echo: { live: true } });

      expect(handled.some((h) => h.headers[KafkaHeader.CorrelationId] === expiredId)).toBe(false);
      expect(logs.some((l) => l.message === 'request past its deadline skipped' && l.fields.correlationId === expiredId)).toBe(true);
      const replies = await readAll(replyTopic, 1);
      expect(replies.some((m) => headersToRecord(m.headers)[KafkaHeader.CorrelationId] === expiredId)).toBe(false);
      await events.stop();
    });

    it('start() resolves only once the reply consumer\'s position is fixed, even over a slow link', async () => {
      // Over a slow link a new member resolves its position (OffsetFetch, then ListOffsets "latest") long after it has
      // joined. A record written over a fast connection in that gap lies before the position it then gets, and would
      // never be seen: readiness at "joined" would fail here, readiness at "first fetch done" must not.
      const fast = await publisher();
      const connect = net.connect;
      const link = await slowLink(tb.port, 80, connect);
      const spy = jest.spyOn(net, 'connect').mockImplementation(((options: { host: string; port: number }, listener?: () => void) =>
        connect({ ...options, port: options.port === tb.port ? link.port : options.port }, listener)) as unknown as typeof net.connect);
      const slowLogs: LogLine[] = [];
      const slow = new MessagingConnection({ brokers: [tb.bootstrap], clientId: 'slow-link' }, capturingLogger(slowLogs));
      try {
        const client = new RequestReplyClient(slow, { replyTopic, instanceId: `slow-${randomUUID()}` });
        await client.start();
        const probe = randomUUID();
        await fast.publish(replyTopic, { value: 'probe', headers: { [KafkaHeader.CorrelationId]: probe } });
        await waitFor(() => slowLogs.some((l) => l.fields.correlationId === probe), 5000, 'the record written right after start()');
      } finally {
        await slow.close();
        spy.mockRestore();
        await link.close();
        await fast.stop();
      }
    });

    it('rejects pending requests with "client stopped" when stopped, and refuses new ones', async () => {
      const stopping = new RequestReplyClient(connection, { replyTopic, instanceId: 'replica-stopping' });
      await stopping.start();
      const outcome = stopping.request(echoTopic, { value: JSON.stringify({ sleepMs: 1500 }) }, { deadlineMs: 10_000 }).catch((e: unknown) => e);
      await delay(100);
      await stopping.stop();
      expect(await outcome).toEqual(new Error('client stopped'));
      await expect(stopping.request(echoTopic, { value: '{}' })).rejects.toThrow('not started');
    });
  });

  describe('retries and dead letters', () => {
    it('retries, then dead-letters with origin headers while later messages keep flowing', async () => {
      const topic = 'it.events.flaky';
      const attempts = new Map<string, number>();
      const done: string[] = [];
      const events = await publisher();
      const consumer = new EventConsumer(connection, {
        topics: [topic],
        groupId: 'it.flaky',
        maxAttempts: 3,
        retryBackoffMs: 20,
        handler: async (event) => {
          const value = event.value.toString();
          const n = (attempts.get(value) ?? 0) + 1;
          attempts.set(value, n);
          if (value === 'poison') throw new Error('cannot apply poison');
          if (value === 'flaky' && n < 3) throw new Error('try again');
          done.push(value);
        },
      });
      await consumer.start();

      const poison = await events.publish(topic, { key: 'p', value: 'poison', headers: { [KafkaHeader.RequestId]: 'rid-poison' } });
      await events.publishMany(topic, [{ value: 'flaky' }, { value: 'after-1' }, { value: 'after-2' }]);
      await waitFor(() => done.length === 3, 10_000, 'the messages behind the poison one');
      expect(done).toEqual(['flaky', 'after-1', 'after-2']);
      expect(attempts.get('poison')).toBe(3);
      expect(attempts.get('flaky')).toBe(3);

      const [dead] = await readAll(platformTopics('it').deadLetter(topic), 1);
      expect(dead.key!.toString()).toBe('p');
      expect(dead.value!.toString()).toBe('poison');
      expect(headersToRecord(dead.headers)).toEqual({
        [KafkaHeader.RequestId]: 'rid-poison',
        [KafkaHeader.OriginTopic]: topic,
        [KafkaHeader.OriginPartition]: String(poison.partition),
        [KafkaHeader.OriginOffset]: poison.offset,
        [KafkaHeader.Failure]: 'cannot apply poison',
        [KafkaHeader.Attempts]: '3',
      });
      expect(logs.some((l) => l.level === 'error' && l.message === 'event dead-lettered' && l.fields.offset === poison.offset)).toBe(true);

      await consumer.stop(); // commits on the way out
      expect(await committed('it.flaky', topic)).toEqual([4]);
      await events.stop();
    });

    it('dead-letters a NonRetryableError at once, without retrying', async () => {
      const topic = 'it.events.invalid';
      const attempts: string[] = [];
      const events = await publisher();
      const consumer = new EventConsumer(connection, {
        topics: [topic],
        groupId: 'it.invalid',
        retryBackoffMs: 5000, // a retry would blow the test's time budget
        handler: async (event) => {
          attempts.push(event.value.toString());
          if (event.value.toString() === 'bad') throw new NonRetryableError('field "issuer" is required');
        },
      });
      await consumer.start();
      await events.publishMany(topic, [{ value: 'bad' }, { value: 'good' }]);
      await waitFor(() => attempts.includes('good'), 5000, 'the good message');
      expect(attempts).toEqual(['bad', 'good']);

      const [dead] = await readAll(platformTopics('it').deadLetter(topic), 1);
      expect(headersToRecord(dead.headers)).toMatchObject({ [KafkaHeader.Failure]: 'field "issuer" is required', [KafkaHeader.Attempts]: '1' });
      await consumer.stop();
      await events.stop();
    });

    it('resumes from committed offsets after a restart, re-processing nothing that was committed', async () => {
      const topic = 'it.events.resume';
      const events = await publisher();
      await events.publishMany(topic, Array.from({ length: 5 }, (_, i) => ({ value: `first-${i}` })));

      const first: string[] = [];
      const one = new EventConsumer(connection, { topics: [topic], groupId: 'it.resume', handler: async (e) => void first.push(e.value.toString()) });
      await one.start();
      await waitFor(() => first.length === 5, 10_000, 'the first five');
      await one.stop();

      await events.publishMany(topic, Array.from({ length: 3 }, (_, i) => ({ value: `second-${i}` })));
      const second: string[] = [];
      const two = new EventConsumer(connection, { topics: [topic], groupId: 'it.resume', handler: async (e) => void second.push(e.value.toString()) });
      await two.start();
      await waitFor(() => second.length >= 3, 10_000, 'the three new ones');
      await delay(300);
      expect(second).toEqual(['second-0', 'second-1', 'second-2']);
      await two.stop();
      await events.stop();
    });
  });

  describe('the connection', () => {
    it('ensureTopics creates what is missing and is idempotent', async () => {
      await connection.ensureTopics([{ topic: 'it.ensure.a', partitions: 3 }, { topic: 'it.ensure.b' }]);
      await connection.ensureTopics([{ topic: 'it.ensure.a', partitions: 3 }, { topic: 'it.ensure.b' }]);
      // Existing and new together, and a repeated name: neither makes it fail.
      await connection.ensureTopics([{ topic: 'it.ensure.a' }, { topic: 'it.ensure.c', partitions: 2 }, { topic: 'it.ensure.c', partitions: 2 }]);
      expect(await partitionCount('it.ensure.a')).toBe(3);
      expect(await partitionCount('it.ensure.b')).toBe(1);
      expect(await partitionCount('it.ensure.c')).toBe(2);

      // Asking for more than exists is reported, not silently "fixed" (that would move keys between partitions).
      await connection.ensureTopics([{ topic: 'it.ensure.b', partitions: 4 }]);
      expect(await partitionCount('it.ensure.b')).toBe(1);
      expect(logs.some((l) => l.message === 'topic has fewer partitions than asked for' && l.fields.topic === 'it.ensure.b')).toBe(true);
    });

    it('ping answers while the broker runs and rejects within its timeout once it is stopped', async () => {
      const own = await startTestBroker();
      const c = new MessagingConnection({ brokers: [own.bootstrap], clientId: 'ping-test' }, capturingLogger([]));
      try {
        await c.ping(2000);
        await c.ping(2000);
        await own.stop();
        const started = Date.now();
        await expect(c.ping(500)).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(1500);
      } finally {
        await c.close();
      }
      await expect(c.ping()).rejects.toThrow('closed');
    });

    it('ping rejects at its timeout when the broker accepts connections but never answers', async () => {
      const sockets = new Set<Socket>();
      const silent = net.createServer((s) => void sockets.add(s.on('error', () => undefined)));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const c = new MessagingConnection({ brokers: [`127.0.0.1:${(silent.address() as { port: number }).port}`], clientId: 'ping-silent' }, capturingLogger([]));
      try {
        const started = Date.now();
        await expect(c.ping(400)).rejects.toThrow('Kafka did not answer within 400 ms');
        expect(Date.now() - started).toBeGreaterThanOrEqual(390);
        expect(Date.now() - started).toBeLessThan(1000);
      } finally {
        await c.close();
        sockets.forEach((s) => s.destroy());
        await new Promise<void>((r) => silent.close(() => r()));
      }
    });

    it('close() stops consumers before producers, and what it closed cannot be started again', async () => {
      const own = new MessagingConnection({ brokers: [tb.bootstrap], clientId: 'close-test' }, capturingLogger([]));
      const topic = 'it.close';
      const order: string[] = [];
      const events = new EventPublisher(own);
      await events.start();
      const consumer = new EventConsumer(own, {
        topics: [topic],
        groupId: 'it.close',
        handler: async (e) => {
          // A handler still running at shutdown publishes with a producer that must still be open.
          order.push('handling');
          await delay(300);
          await events.publish(`${topic}.out`, { value: e.value });
          order.push('published');
        },
      });
      await consumer.start();
      await events.publish(topic, { value: 'x' });
      await waitFor(() => order.includes('handling'), 5000, 'the handler to start');
      await own.close();
      expect(order).toEqual(['handling', 'published']);
      expect(await committed('it.close', topic)).toEqual([1]);
      await expect(new EventPublisher(own).start()).rejects.toThrow('closed');
    });

    it('a close() while components are starting fails their start() and leaves nothing running', async () => {
      for (const pauseMs of [0, 30, 120]) {
        const own = new MessagingConnection({ brokers: [tb.bootstrap], clientId: 'close-early' }, capturingLogger([]));
        const starts = [
          new RequestReplyClient(own, { replyTopic: 'it.close-early.replies', instanceId: `x-${pauseMs}` }).start(),
          // Groups of their own per round: kafkajs cannot leave a group it is still joining, so a member closed then
          // stays in the broker's view until its session times out and would hold up the next round's rebalance.
          new RequestResponder(own, { topic: 'it.close-early.requests', groupId: `it.close-early.r${pauseMs}`, handler: async (r) => ({ value: r.value }) }).start(),
          new EventConsumer(own, { topics: ['it.close-early.events'], groupId: `it.close-early.e${pauseMs}`, handler: async () => undefined }).start(),
        ].map((p) => p.then(() => 'started', (e: Error) => e.message));
        await delay(pauseMs);
        await own.close();
        // Each either finished starting before the close (and was then stopped by it) or failed; none hangs.
        for (const outcome of await Promise.all(starts)) expect(outcome).toMatch(/^started$|connection was closed while starting/);
      }
      // --detectOpenHandles (and jest exiting at all) is the check that nothing kept running.
    }, 20_000);
  });
});

describe('readTopicToEnd', () => {
  let tb: TestBroker;
  beforeAll(async () => (tb = await startTestBroker()));
  afterAll(() => tb.stop());

  it('returns every record up to the end the topic had, in partition and offset order, and leaves no group behind', async () => {
    const connection = new MessagingConnection({ brokers: [tb.bootstrap], clientId: 'reader-test' });
    try {
      expect(await readTopicToEnd(connection, 'does-not-exist')).toEqual([]);
      await connection.ensureTopics([{ topic: 'to-read', partitions: 2 }]);
      const publisher = new EventPublisher(connection);
      await publisher.start();
      await publisher.publishMany('to-read', Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 3}`, value: `v${i}` })));
      const records = await readTopicToEnd(connection, 'to-read');
      expect(records).toHaveLength(30);
      expect(new Set(records.map((r) => r.value.toString()))).toEqual(new Set(Array.from({ length: 30 }, (_, i) => `v${i}`)));
      for (let i = 1; i < records.length; i++) {
        const [a, b] = [records[i - 1], records[i]];
        expect(a.partition < b.partition || (a.partition === b.partition && Number(a.offset) < Number(b.offset))).toBe(true);
      }
      const admin = tb.kafka().admin();
      await admin.connect();
      expect((await admin.listGroups()).groups.filter((g) => g.groupId.startsWith('lgsp-reader-'))).toEqual([]);
      await admin.disconnect();
      await publisher.stop();
    } finally {
      await connection.close();
    }
  });
});
