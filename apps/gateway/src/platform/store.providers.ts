import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { InMemoryMessageLogIndex, MessageLogIndex } from '../message-log/message-log-index';
import { RedisMessageLogIndex } from '../message-log/redis-message-log-index';
import { IdempotencyStore, InMemoryIdempotencyStore } from '../routing/idempotency-store';
import { RedisIdempotencyStore } from '../routing/redis-idempotency-store';

export interface StoreOptions {
  /** REDIS_URL: when set, state is shared with the other replicas through Redis; otherwise it lives in-process. */
  readonly redisUrl?: string;
  /** Platform instance (e.g. lgsp-h56): every key starts with it, so that several platforms can share one Redis. */
  readonly instance: string;
}

export interface Stores {
  readonly idempotency: IdempotencyStore;
  readonly messageLogIndex: MessageLogIndex;
  /** The connection behind the stores, for a health check; null in-process. */
  readonly redis: Redis | null;
  /** Closes the connection (after consumers and producers have stopped: STYLE.md's shutdown order). */
  close(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** How long boot waits for Redis before giving up. */
const CONNECT_TIMEOUT_MS = 5_000;

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

/** The gateway's state ports: Redis adapters when REDIS_URL is set, in-process ones (rebuilt from the log) if not. */
export async function createStores(options: StoreOptions): Promise<Stores> {
  if (!options.redisUrl) {
    return { idempotency: new InMemoryIdempotencyStore(), messageLogIndex: new InMemoryMessageLogIndex(), redis: null, close: async () => {} };
  }
  const redis = await connectRedis(options.redisUrl);
  const prefix = `${options.instance}:gateway:`;
  return {
    idempotency: new RedisIdempotencyStore(redis, `${prefix}idempotency:`),
    messageLogIndex: new RedisMessageLogIndex(redis, `${prefix}message-log:`),
    redis,
    close: async () => {
      if (redis.status === 'end') return;
      // QUIT answers before the socket closes; waiting for 'end' means nothing of this connection outlives close().
      const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
      await ended;
    },
  };
}

/**
 * Connects before the gateway accepts anything: a wrong REDIS_URL must stop the boot with a message naming it,
 * not surface as failed exchanges later. Once up, a lost connection is retried in the background.
 */
async function connectRedis(url: string): Promise<Redis> {
  const logger = new Logger('Redis');
  const shown = redactRedisUrl(url);
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // No retries while booting: connect() then fails at once and nothing keeps reconnecting after the refusal.
    retryStrategy: () => null,
    // A request during an outage fails after a couple of reconnect attempts instead of holding the exchange.
    maxRetriesPerRequest: 2,
  });
  let booted = false;
  let lastError = '';
  redis.on('error', (err: Error) => {
    // ioredis repeats the same error on every reconnect attempt: one line per change is enough.
    if (err.message === lastError) return;
    lastError = err.message;
    if (booted) logger.warn(`Redis at ${shown}: ${err.message}`);
  });
  redis.on('ready', () => {
    if (booted && lastError) logger.log(`Redis at ${shown} is reachable again`);
    lastError = '';
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    // Already 'end' after a refused connection; disconnecting again would leave ioredis' 2 s close timer behind.
    if (redis.status !== 'end') redis.disconnect();
    // connect() itself only says "Connection is closed."; the socket's own error says why.
    const reason = lastError || (err as Error).message;
    throw new RedisUnavailableError(`REDIS_URL=${shown}: cannot reach Redis (${reason}). Start Redis there, correct REDIS_URL, or unset it to keep gateway state in-process.`);
  }
  redis.options.retryStrategy = (attempt: number) => Math.min(attempt * 100, 2_000);
  booted = true;
  return redis;
}
