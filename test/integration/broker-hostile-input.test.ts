import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Admin, Producer } from 'kafkajs';
import { ApiKey, BrokerLogger, SUPPORTED_VERSIONS } from '@lgsp/kafka-broker';
import { RawClient } from '@lgsp/test-support/raw-client';
import { startTestBroker, TestBroker } from '@lgsp/test-support/test-broker';

/**
 * Hostile and broken frames: each must get an error response or a closed connection plus a log line — never a
 * crash, never an unclassified handler failure — while a kafkajs client on another connection keeps working.
 */
describe('broker under hostile input', () => {
  let tb: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const logs: { level: string; msg: string; obj: object }[] = [];
  const logger: BrokerLogger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (obj, msg) => logs.push({ level: 'warn', msg, obj }),
    error: (obj, msg) => logs.push({ level: 'error', msg, obj }),
  };

  beforeAll(async () => {
    tb = await startTestBroker({ logger, maxRequestBytes: 8 * 1024 * 1024 });
    admin = tb.kafka('bystander').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bystander', numPartitions: 2 }] });
    producer = tb.kafka('bystander').producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await tb.stop();
  });

  beforeEach(() => {
    logs.length = 0;
  });

  /** The kafkajs client on its own, long-lived connections is still served. */
  async function bystanderStillServed(): Promise<void> {
    const [res] = await producer.send({ topic: 'bystander', acks: -1, messages: [{ value: 'still here' }] });
    expect(res.errorCode).toBe(0);
    expect(await admin.listTopics()).toContain('bystander');
  }

  function expectNoHandlerFailure(): void {
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  }

  async function expectClosedWithLog(send: (c: RawClient) => void, reason: RegExp): Promise<void> {
    const c = await RawClient.open(tb.port);
    send(c);
    expect(await c.response()).toBeNull(); // closed, no response
    expect(logs.some((l) => l.level === 'warn' && reason.test(JSON.stringify(l.obj)))).toBe(true);
    expectNoHandlerFailure();
    await bystanderStillServed();
  }

  it('closes a connection that sends random bytes', async () => {
    // A size prefix that is out of range for sure, followed by noise.
    await expectClosedWithLog((c) => c.send(Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xf0]), randomBytes(60)])), /frame size/);
  });

  it('refuses a 2 GiB size prefix at once, without waiting for (or buffering) the body', async () => {
    await expectClosedWithLog((c) => c.send(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 18, 0, 0])), /frame size 2147483647/);
  });

  it('closes on a frame too short to hold a request header', async () => {
    await expectClosedWithLog((c) => c.send(Buffer.from([0, 0, 0, 4, 0, 18, 0, 0])), /frame size 4/);
  });

  it('closes on a truncated header (client id longer than the frame)', async () => {
    const frame = Buffer.alloc(4 + 12);
    frame.writeInt32BE(12, 0);
    frame.writeInt16BE(ApiKey.Metadata, 4);
    frame.writeInt16BE(1, 6);
    frame.writeInt32BE(7, 8);
    frame.writeInt16BE(500, 12); // client id claims 500 bytes; 2 follow
    await expectClosedWithLog((c) => c.send(frame), /truncated/);
  });

  it('closes on an unknown API key', async () => {
    await expectClosedWithLog((c) => c.send(RawClient.frame(999, 0, 1)), /unknown API key 999/);
  });

  it('closes on an unsupported version of a known API', async () => {
    await expectClosedWithLog((c) => c.send(RawClient.frame(ApiKey.Metadata, 42, 1)), /Metadata v42 is not supported/);
  });

  it('answers ApiVersions in an unknown version with error 35 and a v0 body, as Kafka does', async () => {
    const c = await RawClient.open(tb.port);
    c.send(RawClient.frame(ApiKey.ApiVersions, 99, 4242));
    const res = await c.response();
    expect(res).not.toBeNull();
    expect(res!.readInt32BE(0)).toBe(4242); // correlation id
    expect(res!.readInt16BE(4)).toBe(35); // UNSUPPORTED_VERSION
    const count = res!.readInt32BE(6);
    expect(count).toBe(SUPPORTED_VERSIONS.size);
    const advertised = new Map<number, [number, number]>();
    for (let i = 0; i < count; i++) {
      const at = 10 + i * 6;
      advertised.set(res!.readInt16BE(at), [res!.readInt16BE(at + 2), res!.readInt16BE(at + 4)]);
    }
    expect(advertised.get(ApiKey.OffsetFetch)).toEqual([1, 4]); // never max 0: kafkajs would crash
    expect(c.closed).toBe(false);
    c.destroy();
  });

  it('closes on a malformed body (array count beyond the frame) and keeps serving', async () => {
    const body = Buffer.alloc(4);
    body.writeInt32BE(1_000_000, 0); // one million topics in zero bytes
    await expectClosedWithLog((c) => c.send(RawClient.frame(ApiKey.Metadata, 1, 3, body)), /malformed Metadata/);
  });

  it('rejects a produce whose record batch fails its CRC with CORRUPT_MESSAGE, writing nothing', async () => {
    const before = (await admin.fetchTopicOffsets('bystander')).find((p) => p.partition === 0)!.high;
    const batch = Buffer.alloc(61 + 8);
    batch.writeInt32BE(batch.length - 12, 8);
    batch.writeInt8(2, 16); // magic
    batch.writeInt32BE(0, 57 - 4 + 4); // records count 0 (and the CRC is wrong anyway)
    batch.writeUInt32BE(0xdeadbeef, 17);
    const topic = Buffer.from('bystander');
    const body = Buffer.alloc(2 + 2 + 4 + 4 + 2 + topic.length + 4 + 4 + 4);
    let o = 0;
    o = body.writeInt16BE(-1, o); // transactional id: null
    o = body.writeInt16BE(-1, o); // acks
    o = body.writeInt32BE(1000, o); // timeout
    o = body.writeInt32BE(1, o); // one topic
    o = body.writeInt16BE(topic.length, o);
    o += topic.copy(body, o);
    o = body.writeInt32BE(1, o); // one partition
    o = body.writeInt32BE(0, o); // partition 0
    body.writeInt32BE(batch.length, o);
    const c = await RawClient.open(tb.port);
    c.send(RawClient.frame(ApiKey.Produce, 3, 9, Buffer.concat([body, batch])));
    const res = await c.response();
    expect(res).not.toBeNull();
    // correlation(4) topics(4) name(2+9) partitions(4) index(4) error(2)
    expect(res!.readInt16BE(4 + 4 + 2 + topic.length + 4 + 4)).toBe(2);
    c.destroy();
    const after = (await admin.fetchTopicOffsets('bystander')).find((p) => p.partition === 0)!.high;
    expect(after).toBe(before);
  });

  it('survives any random frame (property-based): a response, a close, or a held long-poll — never a crash', async () => {
    const keys = [...SUPPORTED_VERSIONS.keys()].filter((k) => k !== ApiKey.Produce); // produce bodies are covered above
    const frameArb = fc.oneof(
      // A well-framed request for a real API and version with a random body.
      fc.record({
        apiKey: fc.constantFrom(...keys),
        versionPick: fc.nat(),
        body: fc.uint8Array({ maxLength: 200 }),
      }).map(({ apiKey, versionPick, body }) => {
        const range = SUPPORTED_VERSIONS.get(apiKey)!;
        const version = range.min + (versionPick % (range.max - range.min + 1));
        return RawClient.frame(apiKey, version, 1, Buffer.from(body));
      }),
      // Any bytes at all.
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(frameArb, async (frame) => {
        const c = await RawClient.open(tb.port);
        c.send(frame);
        await Promise.race([c.response(100).catch(() => null), new Promise((r) => setTimeout(r, 100))]);
        c.destroy();
        expectNoHandlerFailure();
      }),
      { numRuns: 300 },
    );
    await bystanderStillServed();
  }, 120_000);

  it('keeps memory bounded when a client sends fetches but never reads the responses', async () => {
    // ~4 MiB of data to fetch again and again.
    const value = Buffer.alloc(64 * 1024, 1);
    for (let i = 0; i < 8; i++) await producer.send({ topic: 'bystander', messages: Array.from({ length: 8 }, () => ({ value, partition: 1 })) });
    const topic = Buffer.from('bystander');
    const fetchBody = Buffer.alloc(4 + 4 + 4 + 4 + 1 + 4 + 2 + topic.length + 4 + 4 + 8 + 4);
    let o = 0;
    o = fetchBody.writeInt32BE(-1, o); // replica
    o = fetchBody.writeInt32BE(0, o); // max wait
    o = fetchBody.writeInt32BE(1, o); // min bytes
    o = fetchBody.writeInt32BE(16 * 1024 * 1024, o); // max bytes
    o = fetchBody.writeInt8(0, o); // isolation
    o = fetchBody.writeInt32BE(1, o);
    o = fetchBody.writeInt16BE(topic.length, o);
    o += topic.copy(fetchBody, o);
    o = fetchBody.writeInt32BE(1, o);
    o = fetchBody.writeInt32BE(1, o); // partition 1
    o = fetchBody.writeBigInt64BE(0n, o); // from the start
    fetchBody.writeInt32BE(16 * 1024 * 1024, o);
    const request = RawClient.frame(ApiKey.Fetch, 4, 1, fetchBody);

    const stuck = await RawClient.open(tb.port);
    stuck.socket.pause(); // never read
    const before = process.memoryUsage().arrayBuffers;
    // 500 fetches × 4 MiB would be 2 GiB if the broker buffered every response.
    for (let i = 0; i < 500; i++) stuck.send(request);
    await new Promise((r) => setTimeout(r, 1500));
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(256 * 1024 * 1024);
    await bystanderStillServed();
    stuck.destroy();
  }, 30_000);
});
