import { InMemoryLookupCache } from './lookup-cache';

describe('InMemoryLookupCache', () => {
  it('serves an entry until its TTL has passed', async () => {
    let now = 1_000;
    const cache = new InMemoryLookupCache(10, () => now);
    await cache.set('a', { x: 1 }, 500);
    now = 1_499;
    expect(await cache.get('a')).toEqual({ x: 1 });
    now = 1_500;
    expect(await cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stores nothing with a TTL of zero', async () => {
    const cache = new InMemoryLookupCache(10, () => 0);
    await cache.set('a', 1, 0);
    expect(await cache.get('a')).toBeUndefined();
  });

  it('drops the entry written longest ago when full', async () => {
    const cache = new InMemoryLookupCache(2, () => 0);
    await cache.set('a', 1, 1_000);
    await cache.set('b', 2, 1_000);
    await cache.set('a', 3, 1_000);
    await cache.set('c', 4, 1_000);
    expect([await cache.get('a'), await cache.get('b'), await cache.get('c')]).toEqual([3, undefined, 4]);
  });
});
