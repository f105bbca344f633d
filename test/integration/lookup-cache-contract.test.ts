import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { InMemoryLookupCache, LookupCache, RedisLookupCache } from '../../apps/national-connectors/src/lookup/lookup-cache';
import { keysUnder } from '@lgsp/test-support/redis-keys';

/**
 * The national connectors' lookup cache, one contract run against the in-process adapter and the Redis one (DESIGN.md
 * decision 2). The Redis cases need a real Redis at REDIS_URL and fail rather than skip without one (CI has one).
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN_ID = `lgsp-test-${randomBytes(6).toString('hex')}`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('lookup cache contract', () => {
  let redis: Redis;
  let namespaces = 0;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1 });
    await redis.connect();
  });

  afterAll(async () => {
    const keys = await keysUnder(redis, `${RUN_ID}:`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const adapters: [string, () => LookupCache][] = [
    ['in-process', () => new InMemoryLookupCache(1000)],
    ['Redis', () => new RedisLookupCache(redis, `${RUN_ID}:${++namespaces}:`)],
  ];

  describe.each(adapters)('%s', (_name, make) => {
    it('misses what was never stored, and returns what was, as it was', async () => {
      const cache = make();
      expect(await cache.get('national.population:/citizens/038185000123')).toBeUndefined();
      const record = { personalId: '038185000123', fullName: 'Lý Hồng Xuân', householdMembers: [{ relation: 'con', birthYear: 2010 }] };
      await cache.set('national.population:/citizens/038185000123', record, 60_000);
      expect(await cache.get('national.population:/citizens/038185000123')).toEqual(record);
      expect(await cache.get('national.population:/citizens/038185000124')).toBeUndefined();
    });

    it('forgets an entry when its time is up, and never keeps one with no time at all', async () => {
      const cache = make();
      await cache.set('short', { a: 1 }, 80);
      await cache.set('none', { a: 2 }, 0);
      expect(await cache.get('short')).toEqual({ a: 1 });
      expect(await cache.get('none')).toBeUndefined();
      await pause(250);
      expect(await cache.get('short')).toBeUndefined();
    });

    it('replaces an entry written again', async () => {
      const cache = make();
      await cache.set('k', { v: 1 }, 60_000);
      await cache.set('k', { v: 2 }, 60_000);
      expect(await cache.get('k')).toEqual({ v: 2 });
    });
  });

  it('keeps the Redis entries under the platform prefix, each with its expiry', async () => {
    const prefix = `${RUN_ID}:prefix:`;
    await new RedisLookupCache(redis, prefix).set('national.land:/parcels/16195/12/345', { ok: true }, 60_000);
    const ttl = await redis.pttl(`${prefix}national.land:/parcels/16195/12/345`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('goes on without the cache when Redis does not answer: a read is a miss, a write is dropped, both reported', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    down.on('error', () => undefined);
    const reported: string[] = [];
    const cache = new RedisLookupCache(down, `${RUN_ID}:down:`, (operation) => reported.push(operation));
    await expect(cache.set('k', { v: 1 }, 60_000)).resolves.toBeUndefined();
    await expect(cache.get('k')).resolves.toBeUndefined();
    expect(reported).toEqual(['set', 'get']);
    down.disconnect();
  });
});
