import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { MessageLogRecord } from '@lgsp/message-log';
import { InMemoryMessageLogIndex, MessageLogIndex, MessageLogQuery } from '../../apps/gateway/src/message-log/message-log-index';
import { RedisMessageLogIndex } from '../../apps/gateway/src/message-log/redis-message-log-index';
import { createStores } from '../../apps/gateway/src/platform/store.providers';
import { IdempotencyStore, InMemoryIdempotencyStore, Reservation, StoredAnswer } from '../../apps/gateway/src/routing/idempotency-store';
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

/** Long enough that no reservation a test makes lapses unless the test waits for it. */
const PENDING_MS = 60_000;

/** Reserves the id and stores the answer under it, as an exchange that completes does. */
async function remember(store: IdempotencyStore, clientId: string, requestId: string, stored: StoredAnswer): Promise<void> {
  const reservation = await store.begin(clientId, requestId, stored.requestHash, PENDING_MS);
  if (reservation.kind !== 'started') throw new Error(`expected to reserve ${clientId}/${requestId}; found it ${reservation.kind}`);
  expect(await store.complete(clientId, requestId, reservation.token, stored)).toBe(true);
}

/** What the store holds for an id, seen through `begin`; a reservation the look made is given back at once. */
async function held(store: IdempotencyStore, clientId: string, requestId: string): Promise<StoredAnswer | 'in-progress' | undefined> {
  const reservation = await store.begin(clientId, requestId, 'hash-of-the-look', PENDING_MS);
  if (reservation.kind === 'answered') return reservation.answer;
  if (reservation.kind === 'in-progress') return 'in-progress';
  await store.abandon(clientId, requestId, reservation.token);
  return undefined;
}

async function heldBody(store: IdempotencyStore, clientId: string, requestId: string): Promise<string | undefined> {
  const found = await held(store, clientId, requestId);
  if (found === 'in-progress') return found;
  return found?.body.toString();
}

function started(reservation: Reservation): string {
  if (reservation.kind !== 'started') throw new Error(`expected 'started'; got ${JSON.stringify(reservation)}`);
  return reservation.token;
}

describe.each(adapters)('IdempotencyStore contract: $name', (adapter) => {
  it('starts the first exchange for an unknown request id, and reports it in progress to the next', async () => {
    const store = await adapter.idempotency(DAY_MS);
    const first = await store.begin('h56-qlvb-so-tu-phap', 'never-seen', 'hash-1', PENDING_MS);
    expect(first).toEqual({ kind: 'started', token: expect.any(String) });
    expect(await store.begin('h56-qlvb-so-tu-phap', 'never-seen', 'hash-1', PENDING_MS)).toEqual({ kind: 'in-progress', requestHash: 'hash-1' });
    // The hash is the reserving request's, so a caller can tell a duplicate from a reused id.
    expect(await store.begin('h56-qlvb-so-tu-phap', 'never-seen', 'hash-2', PENDING_MS)).toEqual({ kind: 'in-progress', requestHash: 'hash-1' });
  });

  it('gives back the stored answer whole, binary body included', async () => {
    const store = await adapter.idempotency(DAY_MS);
    // Every byte value, a sequence that is not UTF-8, and bytes that look like a length header or a frame byte.
    const body = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from([1, 0, 0, 0, 9, 2, 32]), randomBytes(256 * 1024)]);
    const stored = answer(body, 201, 'sha256-of-request');
    await remember(store, 'h56-qlvb-so-tu-phap', 'req-bin-1', stored);
    const got = await store.begin('h56-qlvb-so-tu-phap', 'req-bin-1', 'sha256-of-request', PENDING_MS);
    expect(got.kind).toBe('answered');
    const { answer: replayed } = got as { answer: StoredAnswer };
    expect(Buffer.isBuffer(replayed.body)).toBe(true);
    expect(replayed.body.equals(body)).toBe(true);
    expect(replayed).toEqual({ requestHash: 'sha256-of-request', status: 201, headers: { 'content-type': 'application/octet-stream', 'x-note': 'Thanh Hóa' }, body: expect.any(Buffer) });
  });

  it('keeps an empty body empty', async () => {
    const store = await adapter.idempotency(DAY_MS);
    await remember(store, 'h56-qlvb-so-tu-phap', 'req-empty', answer(Buffer.alloc(0), 204));
    const got = await held(store, 'h56-qlvb-so-tu-phap', 'req-empty');
    expect(got).toMatchObject({ status: 204 });
    expect((got as StoredAnswer).body.length).toBe(0);
  });

  it('forgets an answer once its time is up, and then starts a new exchange for the id', async () => {
    const store = await adapter.idempotency(200);
    await remember(store, 'h56-qlvb-so-tu-phap', 'req-ttl', answer('first'));
    expect(await heldBody(store, 'h56-qlvb-so-tu-phap', 'req-ttl')).toBe('first');
    await sleep(350);
    await remember(store, 'h56-qlvb-so-tu-phap', 'req-ttl', answer('after expiry'));
    expect(await heldBody(store, 'h56-qlvb-so-tu-phap', 'req-ttl')).toBe('after expiry');
  });

  it('keeps an answer for the full time from completion, however short the reservation was', async () => {
    const store = await adapter.idempotency(500);
    const token = started(await store.begin('h56-qlvb-so-tu-phap', 'req-full-ttl', 'hash-a', 150));
    await sleep(100);
    expect(await store.complete('h56-qlvb-so-tu-phap', 'req-full-ttl', token, answer('done'))).toBe(true);
    // 350 ms after begin: past the reservation's 150 ms, within the answer's 500 ms from completion.
    await sleep(250);
    expect(await heldBody(store, 'h56-qlvb-so-tu-phap', 'req-full-ttl')).toBe('done');
    await sleep(400);
    expect(await held(store, 'h56-qlvb-so-tu-phap', 'req-full-ttl')).toBeUndefined();
  });

  it('lets exactly one of many concurrent callers start, and tells the others it is in progress', async () => {
    const store = await adapter.idempotency(DAY_MS);
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => store.begin('h56-qlvb-so-tu-phap', 'req-race', `hash-${i}`, PENDING_MS)));
    const winners = outcomes.flatMap((o, i) => (o.kind === 'started' ? [i] : []));
    expect(winners).toHaveLength(1);
    const losers = outcomes.filter((o) => o.kind !== 'started');
    expect(losers).toHaveLength(49);
    expect(new Set(losers.map((o) => JSON.stringify(o)))).toEqual(new Set([JSON.stringify({ kind: 'in-progress', requestHash: `hash-${winners[0]}` })]));
  });

  it('frees a reservation nobody completes once its pending time is up', async () => {
    const store = await adapter.idempotency(DAY_MS);
    started(await store.begin('h56-qlvb-so-tu-phap', 'req-crashed', 'hash-a', 150));
    expect((await store.begin('h56-qlvb-so-tu-phap', 'req-crashed', 'hash-a', 150)).kind).toBe('in-progress');
    await sleep(300);
    expect((await store.begin('h56-qlvb-so-tu-phap', 'req-crashed', 'hash-a', 150)).kind).toBe('started');
  });

  it('frees the id when its holder abandons it, and only then', async () => {
    const store = await adapter.idempotency(DAY_MS);
    const token = started(await store.begin('h56-qlvb-so-tu-phap', 'req-abandon', 'hash-a', PENDING_MS));
    const other = started(await store.begin('h56-qlvb-so-tu-phap', 'req-other', 'hash-a', PENDING_MS));
    await store.abandon('h56-qlvb-so-tu-phap', 'req-abandon', other);
    expect(await held(store, 'h56-qlvb-so-tu-phap', 'req-abandon')).toBe('in-progress');
    await store.abandon('h56-qlvb-so-tu-phap', 'req-abandon', token);
    expect((await store.begin('h56-qlvb-so-tu-phap', 'req-abandon', 'hash-a', PENDING_MS)).kind).toBe('started');
    // Abandoning an answered id changes nothing: only a reservation can be given back.
    await remember(store, 'h56-qlvb-so-tu-phap', 'req-answered', answer('kept'));
    await store.abandon('h56-qlvb-so-tu-phap', 'req-answered', token);
    expect(await heldBody(store, 'h56-qlvb-so-tu-phap', 'req-answered')).toBe('kept');
  });

  it('keeps a late answer when its lapsed reservation was taken by nobody', async () => {
    const store = await adapter.idempotency(DAY_MS);
    const token = started(await store.begin('h56-qlvb-so-tu-phap', 'req-late', 'hash-a', 100));
    await sleep(200);
    expect(await store.complete('h56-qlvb-so-tu-phap', 'req-late', token, answer('late but done'))).toBe(true);
    expect(await heldBody(store, 'h56-qlvb-so-tu-phap', 'req-late')).toBe('late but done');
  });

  it('leaves a newer reservation and its answer alone when a lapsed holder completes or abandons late', async () => {
    const store = await adapter.idempotency(600);
    const lapsed = started(await store.begin('h56-qlvb-so-tu-phap', 'req-taken', 'hash-1', 100));
    await sleep(200);
    const newer = started(await store.begin('h56-qlvb-so-tu-phap', 'req-taken', 'hash-2', PENDING_MS));
    await store.abandon('h56-qlvb-so-tu-phap', 'req-taken', lapsed);
    expect(await store.complete('h56-qlvb-so-tu-phap', 'req-taken', lapsed, answer('lapsed', 200, 'hash-1'))).toBe(false);
    expect(await store.begin('h56-qlvb-so-tu-phap', 'req-taken', 'hash-1', PENDING_MS)).toEqual({ kind: 'in-progress', requestHash: 'hash-2' });
    expect(await store.complete('h56-qlvb-so-tu-phap', 'req-taken', newer, answer('newer', 201, 'hash-2'))).toBe(true);
    await sleep(300);
    // A complete after the answer neither replaces it nor extends its time.
    expect(await store.complete('h56-qlvb-so-tu-phap', 'req-taken', lapsed, answer('lapsed', 200, 'hash-1'))).toBe(false);
    expect(await held(store, 'h56-qlvb-so-tu-phap', 'req-taken')).toMatchObject({ status: 201, requestHash: 'hash-2' });
    expect(await heldBody(store, 'h56-qlvb-so-tu-phap', 'req-taken')).toBe('newer');
    // 750 ms after the answer: gone, though a replacing second complete would have lived until 900 ms.
    await sleep(450);
    expect(await held(store, 'h56-qlvb-so-tu-phap', 'req-taken')).toBeUndefined();
  });

  it('refuses a pending time that is not a positive whole number of ms', async () => {
    const store = await adapter.idempotency(DAY_MS);
    for (const bad of [0, -5, 1.5, Number.NaN]) {
      await expect(store.begin('h56-qlvb-so-tu-phap', 'req-bad-ttl', 'hash-a', bad)).rejects.toThrow(RangeError);
    }
    expect((await store.begin('h56-qlvb-so-tu-phap', 'req-bad-ttl', 'hash-a', PENDING_MS)).kind).toBe('started');
  });

  it('keeps clients apart: one client never sees or blocks another\'s request id', async () => {
    const store = await adapter.idempotency(DAY_MS);
    await remember(store, 'h56-qlvb-so-tu-phap', 'shared-id', answer('qlvb'));
    expect(await held(store, 'h56-motcua-tp-thanh-hoa', 'shared-id')).toBeUndefined();
    await remember(store, 'h56-motcua-tp-thanh-hoa', 'shared-id', answer('motcua'));
    expect(await heldBody(store, 'h56-qlvb-so-tu-phap', 'shared-id')).toBe('qlvb');
    expect(await heldBody(store, 'h56-motcua-tp-thanh-hoa', 'shared-id')).toBe('motcua');
    // Request ids may contain ':'; the pair must not be confused with another split of the same characters.
    await remember(store, 'a', 'b:c', answer('a / b:c'));
    expect(await held(store, 'a:b', 'c')).toBeUndefined();
    await remember(store, 'a:b', 'c', answer('a:b / c'));
    expect(await heldBody(store, 'a', 'b:c')).toBe('a / b:c');
    expect(await heldBody(store, 'a:b', 'c')).toBe('a:b / c');
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
// The index's bound: a searchable window of the newest records (the log topic keeps them all). The in-process
// adapter enforces it on every add; the Redis adapter when `trim` runs (MessageLogIndexTrimmer, on every replica).

interface BoundedIndex {
  readonly index: MessageLogIndex;
  /** Brings the index back within its bound, as the running gateway does. */
  enforce(): Promise<void>;
}

const boundedAdapters: { name: string; bounded(maxRecords: number): Promise<BoundedIndex> }[] = [
  {
    name: 'in-memory',
    bounded: async (maxRecords) => ({ index: new InMemoryMessageLogIndex({ maxRecords }), enforce: async () => {} }),
  },
  {
    name: 'Redis',
    bounded: async (maxRecords) => {
      const index = new RedisMessageLogIndex(await testRedis(), `${namespace()}message-log:`);
      return { index, enforce: async () => void (await index.trim(maxRecords)) };
    },
  },
];

describe.each(boundedAdapters)('MessageLogIndex bound: $name', (adapter) => {
  const byClient = { client: 'h56-motcua-tp-thanh-hoa' };
  const byService = { service: 'ping' };

  it('keeps the newest records only, and every filter sees only those', async () => {
    const { index, enforce } = await adapter.bounded(120);
    const records = Array.from({ length: 500 }, (_, i) => record(i));
    await addAll(index, records);
    await enforce();
    const kept = records.slice(-120);
    expect(await index.size()).toBe(120);
    expect((await allPages(index, {}, 25)).ids).toEqual(expectedIds(kept, {}));
    for (const q of [byClient, byService, { status: 'failed' }, { client: 'h56-qlvb-so-tu-phap', service: 'national.population' }]) {
      const want = expectedIds(kept, q);
      expect(want.length).toBeGreaterThan(0);
      expect((await allPages(index, q, 7)).ids).toEqual(want);
    }
    // Nothing evicted is found by any route: not by its request id, not by its client.
    expect(await index.search({ requestId: records[0].requestId, limit: 10 })).toEqual({ items: [], nextCursor: null });
    const keptIds = new Set(kept.map((r) => r.id));
    expect((await index.search({ ...byClient, limit: 200 })).items.every((r) => keptIds.has(r.id))).toBe(true);
  }, 30_000);

  it('keeps evicting through many times its bound without losing order', async () => {
    // Thousands of evictions: the in-process adapter compacts its arrays along the way.
    const { index, enforce } = await adapter.bounded(50);
    const records = Array.from({ length: 3000 }, (_, i) => record(i, { service: i % 2 === 0 ? 'ping' : 'national.population' }));
    for (let from = 0; from < records.length; from += 500) {
      await addAll(index, records.slice(from, from + 500));
      await enforce();
      expect(await index.size()).toBe(50);
    }
    const kept = records.slice(-50);
    expect((await allPages(index, {}, 9)).ids).toEqual(expectedIds(kept, {}));
    expect((await allPages(index, byService, 4)).ids).toEqual(expectedIds(kept, byService));
  }, 60_000);

  it('continues a page taken before an eviction after it, with no duplicate and nothing evicted', async () => {
    const { index, enforce } = await adapter.bounded(60);
    const first = Array.from({ length: 60 }, (_, i) => record(i));
    await addAll(index, first);
    await enforce();
    const page1 = await index.search({ limit: 10 });
    expect(page1.items.map((r) => r.id)).toEqual(expectedIds(first.slice(-10), {}));
    const clientPage1 = await index.search({ ...byClient, limit: 3 });

    // 30 newer records push the 30 oldest out while the reader is between pages.
    const newer = Array.from({ length: 30 }, (_, i) => record(i));
    await addAll(index, newer);
    await enforce();
    const rest: string[] = [];
    let cursor: string | null = page1.nextCursor;
    while (cursor !== null) {
      const page = await index.search({ limit: 10, cursor });
      rest.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    }
    // Exactly the records older than page 1 that the index still holds.
    expect(rest).toEqual(expectedIds(first.slice(30, 50), {}));

    const clientRest: string[] = [];
    cursor = clientPage1.nextCursor;
    while (cursor !== null) {
      const page = await index.search({ ...byClient, limit: 3, cursor });
      clientRest.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    }
    const clientBefore = expectedIds(first, byClient);
    const stillHeld = new Set(first.slice(30).map((r) => r.id));
    expect(clientRest).toEqual(clientBefore.slice(3).filter((id) => stillHeld.has(id)));

    // A cursor whose records have all been evicted since reaches the end at once.
    const more = Array.from({ length: 60 }, (_, i) => record(i));
    await addAll(index, more);
    await enforce();
    expect(await index.search({ limit: 10, cursor: page1.nextCursor! })).toEqual({ items: [], nextCursor: null });
  }, 30_000);

  it('does not take evicted records back when a rebuild adds them again', async () => {
    const { index, enforce } = await adapter.bounded(40);
    const records = Array.from({ length: 100 }, (_, i) => record(i));
    await addAll(index, records);
    await enforce();
    const before = await index.search({ limit: 100 });
    // The evicted ones alone, as a replica replaying the topic sends them while the kept ones are held already.
    await addAll(index, records.slice(0, 60));
    await enforce();
    expect(await index.size()).toBe(40);
    expect(await index.search({ limit: 100 })).toEqual(before);
    await addAll(index, records);
    await enforce();
    expect(await index.search({ limit: 100 })).toEqual(before);
    // New records still come in, and push the oldest kept ones out.
    const later = Array.from({ length: 10 }, (_, i) => record(i));
    await addAll(index, later);
    await enforce();
    expect((await index.search({ limit: 100 })).items.map((r) => r.id)).toEqual(expectedIds([...records.slice(-30), ...later], {}));
  }, 30_000);
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
    const token = started(await replicaA.begin('h56-qlvb-so-tu-phap', 'req-shared', 'hash-a', 5_000));
    expect(await replicaB.begin('h56-qlvb-so-tu-phap', 'req-shared', 'hash-a', 5_000)).toEqual({ kind: 'in-progress', requestHash: 'hash-a' });
    const keys = await keysUnder(redis, prefix);
    expect(keys).toEqual([`${prefix}h56-qlvb-so-tu-phap:req-shared`]);
    // A reservation lives its pending time, not the answers' day.
    const pendingTtl = await redis.pttl(keys[0]);
    expect(pendingTtl).toBeGreaterThan(3_000);
    expect(pendingTtl).toBeLessThanOrEqual(5_000);
    expect(await replicaA.complete('h56-qlvb-so-tu-phap', 'req-shared', token, answer('from A'))).toBe(true);
    expect(await heldBody(replicaB, 'h56-qlvb-so-tu-phap', 'req-shared')).toBe('from A');
    expect(await held(otherPlatform, 'h56-qlvb-so-tu-phap', 'req-shared')).toBeUndefined();
    const ttl = await redis.pttl(keys[0]);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('lets exactly one replica start when replicas on their own connections race for an id', async () => {
    const prefix = `${namespace()}idempotency:`;
    const connections = await Promise.all(Array.from({ length: 4 }, async () => {
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      return redis;
    }));
    try {
      const replicas = connections.map((redis) => new RedisIdempotencyStore(redis, prefix, 60_000));
      for (let round = 0; round < 20; round++) {
        const outcomes = await Promise.all(replicas.flatMap((replica, r) => Array.from({ length: 5 }, (_, i) => replica.begin('h56-qlvb-so-tu-phap', `req-replicas-${round}`, `hash-${r}-${i}`, 5_000))));
        expect(outcomes.filter((o) => o.kind === 'started')).toHaveLength(1);
        expect(outcomes.filter((o) => o.kind === 'in-progress')).toHaveLength(outcomes.length - 1);
      }
    } finally {
      await Promise.all(connections.map((redis) => redis.quit()));
    }
  });

  it('replays answers stored before reservations existed (frame 1), and refuses a value it cannot read', async () => {
    const redis = await testRedis();
    const prefix = `${namespace()}idempotency:`;
    const store = new RedisIdempotencyStore(redis, prefix, 60_000);
    // The layout the previous version wrote: frame byte 1, big-endian metadata length, metadata JSON, body.
    const meta = Buffer.from(JSON.stringify({ requestHash: 'hash-v1', status: 200, headers: { 'content-type': 'application/json' } }));
    const header = Buffer.alloc(5);
    header.writeUInt8(1, 0);
    header.writeUInt32BE(meta.length, 1);
    await redis.set(`${prefix}h56-qlvb-so-tu-phap:req-v1`, Buffer.concat([header, meta, Buffer.from('{"ok":true}')]), 'PX', 60_000);
    expect(await store.begin('h56-qlvb-so-tu-phap', 'req-v1', 'hash-v1', 5_000)).toEqual({
      kind: 'answered',
      answer: { requestHash: 'hash-v1', status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"ok":true}') },
    });
    await redis.set(`${prefix}h56-qlvb-so-tu-phap:req-v9`, Buffer.from([9, 0, 0, 0, 0]), 'PX', 60_000);
    await expect(store.begin('h56-qlvb-so-tu-phap', 'req-v9', 'hash-a', 5_000)).rejects.toThrow(/unknown format/);
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

  it('trims exactly the excess when every replica trims at once, while exchanges keep being added', async () => {
    const redis = await testRedis();
    const prefix = `${namespace()}message-log:`;
    // Each replica on its own connection, as in production, so that their commands really interleave.
    const connections = await Promise.all(Array.from({ length: 3 }, async () => {
      const connection = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await connection.connect();
      return connection;
    }));
    try {
      const replicas = connections.map((connection) => new RedisMessageLogIndex(connection, prefix));
      const records = Array.from({ length: 1500 }, (_, i) => record(i));
      await addAll(replicas[0], records.slice(0, 1200));
      const arriving = records.slice(1200);
      const [dropped] = await Promise.all([
        Promise.all([...replicas, ...replicas].map((replica) => replica.trim(300))),
        addAll(replicas[1], arriving),
      ]);
      // Every trim cut below the 300 newest of its moment, so at least the 300 newest are left, and what is left is
      // the newest records without a hole; each dropped record was counted by exactly one trim.
      const ids = (await allPages(replicas[2], {}, 200)).ids;
      expect(ids.length).toBeGreaterThanOrEqual(300);
      expect(ids).toEqual(expectedIds(records.slice(records.length - ids.length), {}));
      expect(dropped.reduce((a, b) => a + b, 0)).toBe(1500 - ids.length);
      expect(await redis.hlen(`${prefix}records`)).toBe(ids.length);
      // A last trim brings it to the bound exactly.
      expect(await replicas[2].trim(300)).toBe(ids.length - 300);
      expect((await allPages(replicas[2], {}, 200)).ids).toEqual(expectedIds(records.slice(-300), {}));
    } finally {
      await Promise.all(connections.map((connection) => connection.quit()));
    }
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
      await remember(stores.idempotency, 'h56-qlvb-so-tu-phap', 'req-1', answer('x'));
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
