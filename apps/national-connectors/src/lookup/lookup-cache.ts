import type Redis from 'ioredis';
/**
 * Where successful answers are kept for a while. An interface so that replicas can share one store (Redis) later;
 * the in-process one below serves a single replica.
 */
export interface LookupCache {
  get(key: string): Promise<unknown | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
}

export const LOOKUP_CACHE = Symbol('LOOKUP_CACHE');

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * An in-process TTL cache with a bound on its size: when full, the entry written longest ago goes (a Map keeps
 * insertion order, and a rewrite moves the key to the end), so memory stays bounded whatever callers ask for.
 */
export class InMemoryLookupCache implements LookupCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1 (got ${maxEntries})`);
  }

  async get(key: string): Promise<unknown | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock() >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock() + ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The cache in Redis, shared by every replica of the connectors, each entry with Redis's own expiry (PX). A cache is
 * an optimisation, never a reason to fail a lookup: when Redis does not answer, a read is a miss and a write is
 * dropped, and `onError` hears about it.
 */
export class RedisLookupCache implements LookupCache {
  constructor(
    private readonly redis: Pick<Redis, 'get' | 'set'>,
    /** Every key starts with it (the platform instance), so that several platforms can share one Redis. */
    private readonly prefix: string,
    private readonly onError: (operation: 'get' | 'set', error: Error) => void = () => undefined,
  ) {}

  async get(key: string): Promise<unknown | undefined> {
    try {
      const raw = await this.redis.get(this.prefix + key);
      return raw === null ? undefined : (JSON.parse(raw) as unknown);
    } catch (error) {
      this.onError('get', error as Error);
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) return;
    try {
      await this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', Math.ceil(ttlMs));
    } catch (error) {
      this.onError('set', error as Error);
    }
  }
}
