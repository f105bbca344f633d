import { randomBytes } from 'node:crypto';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import Redis, { RedisOptions } from 'ioredis';
import { rateLimitKeyPrefix } from '../../apps/gateway/src/rate-limit/rate-limit.providers';
import { RateLimitDecision, RateLimitLogger, TierRateLimiter } from '../../apps/gateway/src/rate-limit/tier-rate-limiter';
import { keysUnder } from '@lgsp/test-support/redis-keys';

/**
 * Tier limits shared through a real Redis by several gateway replicas (two TierRateLimiters on two connections),
 * and what each replica does when Redis is refused, silent, or comes back. Like the store contracts, these cases
 * fail rather than skip without a Redis at REDIS_URL. Every key this run writes is under RUN_ID and deleted at the end.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN_ID = `lgsp-test-${randomBytes(6).toString('hex')}`;
const TIERS = { bronze: { requestsPerMinute: 3 }, silver: { requestsPerMinute: 5 }, unlimited: { requestsPerMinute: 0 } };

/** Connections to the real Redis (one of them cleans up), and clients of servers that are gone or silent. */
const connections: Redis[] = [];
const brokenConnections: Redis[] = [];

/** A connection as the gateway's stores make one, already connected. */
async function connectedRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => {}); // reported through connect() below
  connections.push(redis);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    throw new Error(`the rate-limit cases need a Redis at REDIS_URL=${REDIS_URL} (CI provides one): ${(err as Error).message}`);
  }
}

/**
 * A client of a server that is gone or silent: no offline queue, short timeouts. disconnect() of a client whose
 * socket is already closed arms a timer of disconnectTimeout (2 s by default) that nothing clears; kept short here.
 */
function unreachableRedis(port: number, options: RedisOptions = {}): Redis {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    enableOfflineQueue: false,
    connectTimeout: 200,
    disconnectTimeout: 50,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...options,
  });
  redis.on('error', () => {});
  brokenConnections.push(redis);
  return redis;
}

function statusOf(redis: Redis, status: string): Promise<void> {
  return new Promise((resolve) => {
    if (redis.status === status) return resolve();
    const check = () => {
      if (redis.status !== status) return;
      redis.off(status, check);
      resolve();
    };
    redis.on(status, check);
  });
}

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts connections and never answers: a Redis that hangs (paused, swapping, or behind a dropped route). */
async function silentServer(): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let namespaces = 0;
/** A fresh platform instance name per case, so that cases sharing the server never see each other's counts. */
const instance = () => `${RUN_ID}-${++namespaces}`;

function recordingLogger(): RateLimitLogger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return { warnings, infos, warn: (m) => warnings.push(m), log: (m) => infos.push(m) };
}

async function consumeTimes(limiter: TierRateLimiter, clientId: string, tier: string, times: number): Promise<RateLimitDecision[]> {
  const decisions: RateLimitDecision[] = [];
  for (let i = 0; i < times; i++) decisions.push(await limiter.consume(clientId, tier));
  return decisions;
}

const allowedCount = (decisions: RateLimitDecision[]) => decisions.filter((d) => d.allowed).length;

afterAll(async () => {
  for (const redis of brokenConnections) if (redis.status !== 'end') redis.disconnect();
  const cleaner = connections.find((redis) => redis.status === 'ready');
  if (cleaner) {
    const keys = await keysUnder(cleaner, RUN_ID);
    for (let i = 0; i < keys.length; i += 500) await cleaner.del(...keys.slice(i, i + 500));
  }
  await Promise.all(connections.map(close));
});

/** QUIT answers before the socket closes: waiting for 'end' means no connection outlives the suite. */
async function close(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') return redis.disconnect();
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  await redis.quit().catch(() => redis.disconnect());
  await ended;
}

describe('TierRateLimiter with Redis shared by two replicas', () => {
  it('shares one count: N requests in total across the replicas, not N per replica', async () => {
    const name = instance();
    const logger = recordingLogger();
    const replicaA = new TierRateLimiter({ tiers: TIERS, redis: await connectedRedis(), keyPrefix: rateLimitKeyPrefix(name), logger });
    const replicaB = new TierRateLimiter({ tiers: TIERS, redis: await connectedRedis(), keyPrefix: rateLimitKeyPrefix(name), logger });

    const first = [...(await consumeTimes(replicaA, 'h56-qlvb', 'silver', 3)), ...(await consumeTimes(replicaB, 'h56-qlvb', 'silver', 2))];
    expect(first.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0]);
    const after = [...(await consumeTimes(replicaB, 'h56-qlvb', 'silver', 2)), ...(await consumeTimes(replicaA, 'h56-qlvb', 'silver', 2))];
    expect(after.map((d) => d.allowed)).toEqual([false, false, false, false]);
    for (const refused of after) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    expect(logger.warnings).toEqual([]);

    // One key per client and tier, under the platform instance's namespace, expiring with the window.
    const redis = await connectedRedis();
    const keys = await keysUnder(redis, name);
    expect(keys).toEqual([`${name}:gateway:rate-limit:silver:h56-qlvb`]);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('shares the count under concurrency: exactly N of many simultaneous requests pass', async () => {
    const name = instance();
    const replicas = [
      new TierRateLimiter({ tiers: TIERS, redis: await connectedRedis(), keyPrefix: rateLimitKeyPrefix(name), logger: recordingLogger() }),
      new TierRateLimiter({ tiers: TIERS, redis: await connectedRedis(), keyPrefix: rateLimitKeyPrefix(name), logger: recordingLogger() }),
    ];
    const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => replicas[i % 2]!.consume('h56-motcua', 'silver')));
    expect(allowedCount(decisions)).toBe(5);
  });

  it('keeps clients apart and never counts the unlimited tier', async () => {
    const name = instance();
    const redis = await connectedRedis();
    const limiter = new TierRateLimiter({ tiers: TIERS, redis, keyPrefix: rateLimitKeyPrefix(name), logger: recordingLogger() });
    expect(allowedCount(await consumeTimes(limiter, 'client-a', 'bronze', 5))).toBe(3);
    expect(allowedCount(await consumeTimes(limiter, 'client-b', 'bronze', 5))).toBe(3);
    expect(allowedCount(await consumeTimes(limiter, 'h56-admin', 'unlimited', 30))).toBe(30);
    expect((await keysUnder(redis, name)).sort()).toEqual([`${name}:gateway:rate-limit:bronze:client-a`, `${name}:gateway:rate-limit:bronze:client-b`]);
  });
});

describe('TierRateLimiter when Redis is down', () => {
  it('keeps limiting on each replica with the same limits, and warns once per outage', async () => {
    const port = await closedPort();
    const name = instance();
    const loggerA = recordingLogger();
    const loggerB = recordingLogger();
    // One client has given up, the other waits to try again (as the gateway's does): both are simply not ready.
    // The retry is far off so that no connection attempt is left half-made when the suite ends.
    const gaveUp = unreachableRedis(port);
    const retrying = unreachableRedis(port, { retryStrategy: () => 60_000 });
    await Promise.all([statusOf(gaveUp, 'end'), statusOf(retrying, 'reconnecting')]);
    const replicaA = new TierRateLimiter({ tiers: TIERS, redis: gaveUp, keyPrefix: rateLimitKeyPrefix(name), logger: loggerA });
    const replicaB = new TierRateLimiter({ tiers: TIERS, redis: retrying, keyPrefix: rateLimitKeyPrefix(name), logger: loggerB });

    const a = await consumeTimes(replicaA, 'h56-qlvb', 'silver', 7);
    const b = await consumeTimes(replicaB, 'h56-qlvb', 'silver', 7);
    // Per replica: each enforces the full limit on its own, so the client gets N per replica during the outage.
    expect(a.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(b.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(a[5]!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(allowedCount(await consumeTimes(replicaA, 'client-bronze', 'bronze', 4))).toBe(3);
    expect(allowedCount(await consumeTimes(replicaA, 'h56-admin', 'unlimited', 10))).toBe(10);

    expect(loggerA.warnings).toHaveLength(1);
    expect(loggerA.warnings[0]).toMatch(/^Redis is not answering the rate limiter \(the connection is end\): each gateway replica now enforces/);
    expect(loggerB.warnings).toEqual([expect.stringMatching(/^Redis is not answering the rate limiter \(the connection is reconnecting\)/)]);
    expect(loggerA.infos).toEqual([]);
  });

  it('does not wait on a Redis that accepts the connection but never answers: the insurance limiter answers after the timeout', async () => {
    const silent = await silentServer();
    try {
      // No ready check and no CLIENT SETINFO (both wait for an answer), so the connection becomes ready — as a Redis
      // that hangs after connecting would be — and commands are really sent into the silence.
      const redis = unreachableRedis(silent.port, { enableReadyCheck: false, disableClientInfo: true, enableOfflineQueue: true, retryStrategy: () => null });
      await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
      const logger = recordingLogger();
      const limiter = new TierRateLimiter({ tiers: TIERS, redis, keyPrefix: rateLimitKeyPrefix(instance()), redisTimeoutMs: 50, logger });

      const decisions = await consumeTimes(limiter, 'h56-qlvb', 'silver', 6);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
      expect(logger.warnings).toEqual([expect.stringMatching(/^Redis is not answering the rate limiter \(no answer within 50 ms, or an error\)/)]);
      // Closed from this side first, so that the server's close does not leave a half-closed client behind.
      const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
      redis.disconnect();
      await ended;
    } finally {
      await silent.close();
    }
  });

  it('says when Redis answers again, and warns again at the next outage', async () => {
    const redis = await connectedRedis();
    const name = instance();
    const logger = recordingLogger();
    const limiter = new TierRateLimiter({ tiers: TIERS, redis, keyPrefix: rateLimitKeyPrefix(name), logger });

    expect(allowedCount(await consumeTimes(limiter, 'h56-qlvb', 'silver', 2))).toBe(2);
    const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
    redis.disconnect();
    await ended;
    // The insurance limiter starts from zero: the two counted in Redis are not known to it.
    expect(allowedCount(await consumeTimes(limiter, 'h56-qlvb', 'silver', 6))).toBe(5);
    expect(logger.warnings).toHaveLength(1);

    await redis.connect();
    // Back on the shared count, which still holds the two requests made before the outage.
    const back = await consumeTimes(limiter, 'h56-qlvb', 'silver', 4);
    expect(back.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(logger.infos).toEqual([expect.stringMatching(/^Redis answers the rate limiter again/)]);
    // 5, not 6: once the last request of the window is used, the replica refuses in-process without asking Redis.
    expect(await redis.get(`${name}:gateway:rate-limit:silver:h56-qlvb`)).toBe('5');

    const endedAgain = new Promise<void>((resolve) => redis.once('end', () => resolve()));
    redis.disconnect();
    await endedAgain;
    // Another client: h56-qlvb is refused in-process until its window ends, which never reaches Redis at all.
    expect(await limiter.consume('client-b', 'silver')).toMatchObject({ allowed: true, remaining: 4 });
    expect(logger.warnings).toHaveLength(2);
    await redis.connect();
  });
});
