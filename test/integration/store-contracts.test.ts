import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { MessageLogRecord } from '@lgsp/message-log';
import { InMemoryMessageLogIndex, MessageLogIndex, MessageLogQuery } from '../../apps/gateway/src/message-log/message-log-index';
import { RedisMessageLogIndex } from '../../apps/gateway/src/message-log/redis-message-log-index';
import { createStores } from '../../apps/gateway/src/platform/store.providers';
import { IdempotencyStore, InMemoryIdempotencyStore, StoredAnswer } from '../../apps/gateway/src/routing/idempotency-store';
import { RedisIdempotencyStore } from '../../apps/gateway/src/routing/redis-idempotency-store';
import { keysUnder } from '@lgsp/test-support/redis-keys';

/**
 * One contract per state port, run against the in-process adapter and the Redis one (DESIGN.md decision 2).
 * The Redis cases need a real Redis at REDIS_URL; when there is none they fail rather than skip, because CI has
 * one and a silently skipped adapter is an untested adapter. Every key this run writes starts with RUN_ID and is
 * deleted at the end.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN_ID = `lgsp-test-${randomBytes(6).toString('hex')}`;

let redisConnection: Promise<Redis> | undefined;
function testRedis(): Promise<Redis> {
  redisConnection ??= (async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: () => null });
    let socketError: Error | undefined;
    redis.on('error', (err: Error) => (socketError = err)); // reported through the failure below
    try {
      await redis.connect();
      await redis.ping();
      return redis;
    } catch (err) {
      if (redis.status !== 'end') redis.disconnect();
      throw new Error(`the Redis contract cases need a Redis at REDIS_URL=${REDIS_URL} (CI provides one): ${(socketError ?? (err as Error)).message}`);
    }
  })();
  return redisConnection;
}

/** A fresh namespace per store, so that tests sharing the server never see each other's keys. */
let namespaces = 0;
const namespace = () => `${RUN_ID}:${++namespaces}:`;

afterAll(async () => {
  const redis = await redisConnection?.catch(() => undefined);
  if (!redis) return;
  const keys = await keysUnder(redis, RUN_ID);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  await redis.quit();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Adapters {
  readonly name: string;
  idempotency(ttlMs: number): Promise<IdempotencyStore>;
  index(): Promise<MessageLogIndex>;
}

const adapters: Adapters[] = [
  {
    name: 'in-memory',
    idempotency: async (ttlMs) => new InMemoryIdempotencyStore(ttlMs),
    index: async () => new InMemoryMessageLogIndex(),
  },
  {
    name: 'Redis',
    idempotency: async (ttlMs) => new RedisIdempotencyStore(await testRedis(), `${namespace()}idempotency:`, ttlMs),
    index: async () => new RedisMessageLogIndex(await testRedis(), `${namespace()}message-log:`),
  },
];

const DAY_MS = 24 * 60 * 60 * 1000;

function answer(body: Buffer | string, status = 200, requestHash = 'hash-a'): StoredAnswer {
  return { requestHash, status, headers: { 'content-type': 'application/octet-stream', 'x-note': 'Thanh Hóa' }, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

describe.each(adapters)('IdempotencyStore contract: $name', (adapter) => {
  it('has nothing for an unknown request id', async () => {
    const store = await adapter.idempotency(DAY_MS);
    expect(await store.get('h56-qlvb-so-tu-phap', 'never-seen')).toBeUndefined();
  });

  it('gives back the stored answer whole, binary body included', async () => {
    const store = await adapter.idempotency(DAY_MS);
    // Every byte value, a sequence that is not UTF-8, and bytes that look like a length header.
    const body = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from([1, 0, 0, 0, 9]), randomBytes(256 * 1024)]);
    const stored = answer(body, 201, 'sha256-of-request');
    await store.put('h56-qlvb-so-tu-phap', 'req-bin-1', stored);
    const got = await store.get('h56-qlvb-so-tu-phap', 'req-bin-1');
    expect(got).toBeDefined();
    expect(Buffer.isBuffer(got!.body)).toBe(true);
    expect(got!.body.equals(body)).toBe(true);
    expect(got).toEqual({ requestHash: 'sha256-of-request', status: 201, headers: { 'content-type': 'application/octet-stream', 'x-note': 'Thanh Hóa' }, body: expect.any(Buffer) });
  });

  it('keeps an empty body empty', async () => {
    const store = await adapter.idempotency(DAY_MS);
    await store.put('h56-qlvb-so-tu-phap', 'req-empty', answer(Buffer.alloc(0), 204));
    const got = await store.get('h56-qlvb-so-tu-phap', 'req-empty');
    expect(got?.status).toBe(204);
    expect(got?.body.length).toBe(0);
  });

  it('forgets an answer once its time is up, and then takes a new one', async () => {
    const store = await adapter.idempotency(200);
    await store.put('h56-qlvb-so-tu-phap', 'req-ttl', answer('first'));
    expect((await store.get('h56-qlvb-so-tu-phap', 'req-ttl'))?.body.toString()).toBe('first');
    await sleep(350);
    expect(await store.get('h56-qlvb-so-tu-phap', 'req-ttl')).toBeUndefined();
    await store.put('h56-qlvb-so-tu-phap', 'req-ttl', answer('after expiry'));
    expect((await store.get('h56-qlvb-so-tu-phap', 'req-ttl'))?.body.toString()).toBe('after expiry');
  });

  it('keeps the first answer for an id: a second put neither replaces it nor extends its time', async () => {
    const store = await adapter.idempotency(600);
    await store.put('h56-qlvb-so-tu-phap', 'req-first', answer('first', 200, 'hash-1'));
    await sleep(300);
    await store.put('h56-qlvb-so-tu-phap', 'req-first', answer('second', 409, 'hash-2'));
    expect(await store.get('h56-qlvb-so-tu-phap', 'req-first')).toMatchObject({ status: 200, requestHash: 'hash-1' });
    expect((await store.get('h56-qlvb-so-tu-phap', 'req-first'))?.body.toString()).toBe('first');
    // 750 ms after the first put: gone, though a replacing second put would have lived until 900 ms.
    await sleep(450);
    expect(await store.get('h56-qlvb-so-tu-phap', 'req-first')).toBeUndefined();
  });

  it('settles on one answer when puts for one id race', async () => {
    const store = await adapter.idempotency(DAY_MS);
    const candidates = Array.from({ length: 20 }, (_, i) => answer(`answer-${i}`, 200, `hash-${i}`));
    await Promise.all(candidates.map((a) => store.put('h56-qlvb-so-tu-phap', 'req-race', a)));
    const seen = await Promise.all(Array.from({ length: 5 }, () => store.get('h56-qlvb-so-tu-phap', 'req-race')));
    expect(new Set(seen.map((a) => a?.requestHash)).size).toBe(1);
    expect(candidates.map((a) => a.requestHash)).toContain(seen[0]!.requestHash);
  });

  it('keeps clients apart: one client never sees or blocks another\'s request id', async () => {
    const store = await adapter.idempotency(DAY_MS);
    await store.put('h56-qlvb-so-tu-phap', 'shared-id', answer('qlvb'));
    expect(await store.get('h56-motcua-tp-thanh-hoa', 'shared-id')).toBeUndefined();
    await store.put('h56-motcua-tp-thanh-hoa', 'shared-id', answer('motcua'));
    expect((await store.get('h56-qlvb-so-tu-phap', 'shared-id'))?.body.toString()).toBe('qlvb');
    expect((await store.get('h56-motcua-tp-thanh-hoa', 'shared-id'))?.body.toString()).toBe('motcua');
    // Request ids may contain ':'; the pair must not be confused with another split of the same characters.
    await store.put('a', 'b:c', answer('a / b:c'));
    expect(await store.get('a:b', 'c')).toBeUndefined();
    await store.put('a:b', 'c', answer('a:b / c'));
    expect((await store.get('a', 'b:c'))?.body.toString()).toBe('a / b:c');
    expect((await store.get('a:b', 'c'))?.body.toString()).toBe('a:b / c');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Message-log index

const CLIENTS = ['h56-qlvb-so-tu-phap', 'h56-motcua-tp-thanh-hoa', 'h56-operator', null];
const SERVICES = ['ping', 'document-exchange.documents', 'national.population'];
const STATUSES = [200, 202, 200, 403, 404, 504, 401, 200];
const ISSUES = ['000.00.22.H56-260101-0001', '000.00.22.H56-260101-0002'];
const T0 = Date.parse('2026-01-05T01:00:00.000Z');

let recordIds = 0;
const chainSeq = new Map<string, number>();

/** A plausible record; `i` varies every field on its own period so that filters overlap in many ways. */
function record(i: number, overrides: Partial<MessageLogRecord> = {}): MessageLogRecord {
  const chain = overrides.chain ?? (i % 3 === 0 ? 'gw-b' : 'gw-a');
  const seq = chainSeq.get(chain) ?? 0;
  chainSeq.set(chain, seq + 1);
  const status = STATUSES[i % STATUSES.length];
  // Arrival order and requestInAt mostly agree but not always, as with several replicas.
  const at = T0 + i * 1000 + (i % 4 === 1 ? 2500 : 0);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: `rec-${++recordIds}-${randomBytes(4).toString('hex')}`,
    requestId: `req-${Math.floor(i / 3)}`,
    client: CLIENTS[i % CLIENTS.length],
    clientMember: '000.00.02.H56',
    service: i % 11 === 7 ? null : SERVICES[i % SERVICES.length],
    method: 'POST',
    path: '/documents',
    issue: i % 5 === 0 ? ISSUES[(i / 5) % 2] : null,
    requestInAt: iso(at),
    requestOutAt: iso(at + 3),
    responseInAt: status === 504 ? null : iso(at + 40),
    responseOutAt: iso(at + 42),
    requestBytes: 120 + i,
    responseBytes: 64,
    status,
    succeeded: status < 400,
    faultCode: status < 400 ? null : `FAULT_${status}`,
    faultMessage: status < 400 ? null : 'refused',
    requestHash: null,
    requestBody: i % 7 === 0 ? Buffer.from(`{"n":${i},"ten":"Nguyễn Văn A"}`).toString('base64') : null,
    responseBody: null,
    contentType: 'application/json',
    chain,
    seq,
    prevHash: seq === 0 ? '' : `hash-${chain}-${seq - 1}`,
    hash: `hash-${chain}-${seq}`,
    ...overrides,
  };
}

/** What a query must return, written from the port's documented meaning rather than from either adapter. */
function expectedIds(added: MessageLogRecord[], q: Omit<MessageLogQuery, 'limit' | 'cursor'>): string[] {
  return added
    .filter((r) => q.client === undefined || r.client === q.client)
    .filter((r) => q.service === undefined || r.service === q.service)
    .filter((r) => q.requestId === undefined || r.requestId === q.requestId)
    .filter((r) => q.issue === undefined || r.issue === q.issue)
    .filter((r) => (q.status === undefined ? true : q.status === 'succeeded' ? r.succeeded : q.status === 'failed' ? !r.succeeded : String(r.status) === q.status))
    .filter((r) => !q.from || Date.parse(r.requestInAt) >= q.from.getTime())
    .filter((r) => !q.to || Date.parse(r.requestInAt) <= q.to.getTime())
    .map((r) => r.id)
    .reverse();
}

/** Follows cursors to the end, checking the shape of every page on the way. */
async function allPages(index: MessageLogIndex, q: Omit<MessageLogQuery, 'limit' | 'cursor'>, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages <= 10_000; pages++) {
    const page = await index.search({ ...q, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((r) => r.id));
    if (page.nextCursor === null) return { ids, pages };
    // A page that promises more is full.
    expect(page.items).toHaveLength(limit);
    expect(page.nextCursor).not.toBe(cursor);
    cursor = page.nextCursor;
  }
  throw new Error('the cursor never reached the end');
}

async function addAll(index: MessageLogIndex, records: MessageLogRecord[]): Promise<void> {
  for (const r of records) await index.add(r);
}

describe.each(adapters)('MessageLogIndex contract: $name', (adapter) => {
  describe('over a shared data set', () => {
    // Enough records that a sparse filter walks several of the Redis adapter's read batches.
    const data = Array.from({ length: 1200 }, (_, i) => record(i));
    let index: MessageLogIndex;

    beforeAll(async () => {
      index = await adapter.index();
      await addAll(index, data);
    }, 60_000);

    it('counts every record', async () => {
      expect(await index.size()).toBe(data.length);
    });

    it('returns records whole, newest first', async () => {
      const page = await index.search({ limit: 5 });
      expect(page.items).toEqual(data.slice(-5).reverse());
      expect(page.nextCursor).not.toBeNull();
    });

    const from = new Date(T0 + 300_000);
    const to = new Date(T0 + 700_000);
    const filters: [string, Omit<MessageLogQuery, 'limit' | 'cursor'>][] = [
      ['client', { client: 'h56-motcua-tp-thanh-hoa' }],
      ['service', { service: 'national.population' }],
      ['status succeeded', { status: 'succeeded' }],
      ['status failed', { status: 'failed' }],
      ['status 404', { status: '404' }],
      ['requestId', { requestId: 'req-42' }],
      ['issue', { issue: ISSUES[1] }],
      ['from', { from }],
      ['to', { to }],
      ['from and to', { from, to }],
      ['client, service and outcome', { client: 'h56-qlvb-so-tu-phap', service: 'ping', status: 'failed' }],
      ['service and time window', { service: 'document-exchange.documents', from, to }],
      ['issue and status code', { issue: ISSUES[0], status: '200' }],
    ];

    it.each(filters)('filters by %s', async (_, q) => {
      const want = expectedIds(data, q);
      expect(want.length).toBeGreaterThan(0); // the data set exercises this filter
      expect(want.length).toBeLessThan(data.length);
      const page = await index.search({ ...q, limit: 200 });
      expect(page.items.map((r) => r.id)).toEqual(want.slice(0, 200));
      expect(page.nextCursor === null).toBe(want.length <= 200);
    });

    it.each<[string, Omit<MessageLogQuery, 'limit' | 'cursor'>]>([
      ['an unknown client', { client: 'nobody' }],
      ['a status no record has', { status: '599' }],
      ['filters no record meets together', { requestId: 'req-2', issue: ISSUES[1] }],
      ['a window before the first record', { to: new Date(T0 - 1) }],
    ])('finds nothing for %s', async (_, q) => {
      expect(expectedIds(data, q)).toEqual([]);
      expect(await index.search({ ...q, limit: 10 })).toEqual({ items: [], nextCursor: null });
    });

    it('leaves records without a client out of a client filter', async () => {
      const { items } = await index.search({ client: 'h56-operator', limit: 200 });
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((r) => r.client === 'h56-operator')).toBe(true);
    });

    it.each<[string, Omit<MessageLogQuery, 'limit' | 'cursor'>, number]>([
      ['everything, one per page', {}, 1],
      ['everything', {}, 50],
      ['one service', { service: 'ping' }, 7],
      ['a sparse combination', { client: 'h56-motcua-tp-thanh-hoa', service: 'national.population', status: 'failed', from }, 3],
      ['a time window', { from, to }, 4],
      ['one request id', { requestId: 'req-42' }, 1],
    ])('pages through %s with no duplicate and no gap', async (_, q, limit) => {
      const want = expectedIds(data, q);
      expect(want.length).toBeGreaterThan(limit);
      const { ids, pages } = await allPages(index, q, limit);
      expect(ids).toEqual(want);
      expect(new Set(ids).size).toBe(ids.length);
      // No trailing empty page when the last page is exactly full.
      expect(pages).toBe(Math.ceil(want.length / limit));
    }, 30_000);

    it('ends with a null cursor when the matches fill the last page exactly', async () => {
      const q = { requestId: 'req-42' };
      const want = expectedIds(data, q);
      expect(want).toHaveLength(3);
      const page = await index.search({ ...q, limit: 3 });
      expect(page.items.map((r) => r.id)).toEqual(want);
      expect(page.nextCursor).toBeNull();
    });
  });

  it('is empty at first', async () => {
    const index = await adapter.index();
    expect(await index.size()).toBe(0);
    expect(await index.search({ limit: 10 })).toEqual({ items: [], nextCursor: null });
  });

  it('keeps a cursor stable while newer records arrive between pages', async () => {
    const index = await adapter.index();
    const first = Array.from({ length: 10 }, (_, i) => record(i, { service: 'ping' }));
    await addAll(index, first);
    const q = { service: 'ping' };
    const page1 = await index.search({ ...q, limit: 4 });
    const later = Array.from({ length: 5 }, (_, i) => record(i, { service: 'ping' }));
    await addAll(index, later);
    const page2 = await index.search({ ...q, limit: 4, cursor: page1.nextCursor! });
    const page3 = await index.search({ ...q, limit: 4, cursor: page2.nextCursor! });
    expect(page3.nextCursor).toBeNull();
    expect([...page1.items, ...page2.items, ...page3.items].map((r) => r.id)).toEqual(expectedIds(first, q));
    // A new search from the top starts with the newcomers.
    expect((await index.search({ ...q, limit: 5 })).items.map((r) => r.id)).toEqual(expectedIds(later, q));
  });

  it('adds a record once: a rebuild re-adding everything changes nothing, not even the order', async () => {
    const index = await adapter.index();
    const records = Array.from({ length: 30 }, (_, i) => record(i));
    await addAll(index, records);
    const before = await index.search({ limit: 100 });
    await addAll(index, records);
    await index.add(records[0]);
    expect(await index.size()).toBe(30);
    expect(await index.search({ limit: 100 })).toEqual(before);
    expect((await index.search({ limit: 1 })).items[0].id).toBe(records[29].id);
  });

  it('keeps the first version of a record id and indexes it only under its first fields', async () => {
    const index = await adapter.index();
    const original = record(0, { client: 'h56-qlvb-so-tu-phap', service: 'ping', status: 200, succeeded: true, issue: null });
    await index.add(original);
    await index.add({ ...original, client: 'h56-motcua-tp-thanh-hoa', service: 'national.population', status: 404, succeeded: false, issue: ISSUES[0] });
    expect(await index.size()).toBe(1);
    expect((await index.search({ limit: 10 })).items).toEqual([original]);
    for (const q of [{ client: 'h56-motcua-tp-thanh-hoa' }, { service: 'national.population' }, { status: 'failed' }, { status: '404' }, { issue: ISSUES[0] }]) {
      expect((await index.search({ ...q, limit: 10 })).items).toEqual([]);
    }
  });

  it('takes concurrent adds without losing or doubling any', async () => {
    const index = await adapter.index();
    const records = Array.from({ length: 100 }, (_, i) => record(i));
    await Promise.all([...records, ...records].map((r) => index.add(r)));
    expect(await index.size()).toBe(100);
    const { ids } = await allPages(index, {}, 30);
    expect(new Set(ids)).toEqual(new Set(records.map((r) => r.id)));
    expect(ids).toHaveLength(100);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// What only the Redis adapters promise: sharing between replicas, namespacing, expiry in Redis itself, trimming.

describe('Redis adapters: sharing and layout', () => {
  it('shares answers between replicas on one prefix, and not across prefixes, with every key under it and expiring', async () => {
    const redis = await testRedis();
    const prefix = `${namespace()}idempotency:`;
    const replicaA = new RedisIdempotencyStore(redis, prefix, 60_000);
    const replicaB = new RedisIdempotencyStore(redis, prefix, 60_000);
    const otherPlatform = new RedisIdempotencyStore(redis, `${namespace()}idempotency:`, 60_000);
    await replicaA.put('h56-qlvb-so-tu-phap', 'req-shared', answer('from A'));
    await replicaB.put('h56-qlvb-so-tu-phap', 'req-shared', answer('from B'));
    expect((await replicaB.get('h56-qlvb-so-tu-phap', 'req-shared'))?.body.toString()).toBe('from A');
    expect(await otherPlatform.get('h56-qlvb-so-tu-phap', 'req-shared')).toBeUndefined();
    const keys = await keysUnder(redis, prefix);
    expect(keys).toEqual([`${prefix}h56-qlvb-so-tu-phap:req-shared`]);
    const ttl = await redis.pttl(keys[0]);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('lets a restarting replica rebuild into a shared index while another keeps adding, without duplicates', async () => {
    const redis = await testRedis();
    const prefix = `${namespace()}message-log:`;
    const running = new RedisMessageLogIndex(redis, prefix);
    const logged = Array.from({ length: 200 }, (_, i) => record(i));
    await addAll(running, logged.slice(0, 150));
    const restarted = new RedisMessageLogIndex(redis, prefix);
    // The restarted replica replays the whole topic while the running one indexes the newest exchanges.
    await Promise.all([addAll(restarted, logged), addAll(running, logged.slice(150))]);
    expect(await restarted.size()).toBe(200);
    const { ids } = await allPages(restarted, {}, 64);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    expect(ids.slice(50)).toEqual(logged.slice(0, 150).map((r) => r.id).reverse());
    expect(await new RedisMessageLogIndex(redis, `${namespace()}message-log:`).size()).toBe(0);
    expect((await keysUnder(redis, prefix)).every((k) => k.startsWith(prefix))).toBe(true);
  });

  it('trims to the newest records, from every set, and a later rebuild does not bring the rest back', async () => {
    const redis = await testRedis();
    const prefix = `${namespace()}message-log:`;
    const index = new RedisMessageLogIndex(redis, prefix);
    const records = Array.from({ length: 600 }, (_, i) => record(i));
    await addAll(index, records);
    expect(await index.trim(100)).toBe(500);
    expect(await index.size()).toBe(100);
    const kept = records.slice(-100);
    expect((await allPages(index, {}, 40)).ids).toEqual(kept.map((r) => r.id).reverse());
    expect((await index.search({ client: 'h56-qlvb-so-tu-phap', limit: 200 })).items.map((r) => r.id)).toEqual(expectedIds(kept, { client: 'h56-qlvb-so-tu-phap' }));
    // No set still names a dropped record, and sets that only held dropped records are gone.
    const keptIds = new Set(kept.map((r) => r.id));
    for (const key of await keysUnder(redis, prefix)) {
      const type = await redis.type(key);
      if (type === 'zset') expect((await redis.zrange(key, 0, -1)).every((id) => keptIds.has(id))).toBe(true);
    }
    expect(await redis.hlen(`${prefix}records`)).toBe(100);
    expect(await redis.exists(`${prefix}by-request:req-0`)).toBe(0);

    const rebuilt = new RedisMessageLogIndex(redis, prefix);
    await addAll(rebuilt, records);
    expect(await rebuilt.size()).toBe(100);
    expect((await rebuilt.search({ limit: 100 })).items.map((r) => r.id)).toEqual(kept.map((r) => r.id).reverse());
    expect(await index.trim(100)).toBe(0);
  }, 30_000);
});

describe('createStores', () => {
  it('serves the ports in-process when REDIS_URL is not set', async () => {
    const stores = await createStores({ instance: 'lgsp-h56' });
    expect(stores.idempotency).toBeInstanceOf(InMemoryIdempotencyStore);
    expect(stores.messageLogIndex).toBeInstanceOf(InMemoryMessageLogIndex);
    expect(stores.redis).toBeNull();
    await stores.close();
  });

  it('stops the boot with an error naming REDIS_URL, without its password, when Redis cannot be reached', async () => {
    const failing = createStores({ redisUrl: 'redis://:s3cret-pw@127.0.0.1:1', instance: 'lgsp-h56' });
    await expect(failing).rejects.toThrow(/^REDIS_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:1.*cannot reach Redis/);
    await expect(failing).rejects.not.toThrow(/s3cret-pw/);
  });

  it('uses Redis adapters under the platform instance when REDIS_URL is set', async () => {
    await testRedis();
    const instance = `${RUN_ID}-f`;
    const stores = await createStores({ redisUrl: REDIS_URL, instance });
    try {
      expect(stores.idempotency).toBeInstanceOf(RedisIdempotencyStore);
      expect(stores.messageLogIndex).toBeInstanceOf(RedisMessageLogIndex);
      await stores.idempotency.put('h56-qlvb-so-tu-phap', 'req-1', answer('x'));
      await stores.messageLogIndex.add(record(1));
      const keys = await keysUnder(stores.redis!, instance);
      expect(keys).toContain(`${instance}:gateway:idempotency:h56-qlvb-so-tu-phap:req-1`);
      expect(keys).toContain(`${instance}:gateway:message-log:records`);
    } finally {
      await stores.close();
    }
    expect(stores.redis!.status).toBe('end');
  });
});
