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
  /**
   * REDIS_COMMAND_TIMEOUT_MS: longest wait for one Redis command before it fails with a RedisStoreError, so that a
   * Redis that stops answering fails the requests touching it instead of holding them. Default 1000 ms.
   */
  readonly commandTimeoutMs?: number;
  /**
   * The in-process message-log index keeps this many newest records (default 200,000). The Redis index is trimmed
   * to its own bound by MessageLogIndexTrimmer instead, since it is shared by every replica.
   */
  readonly maxIndexRecords?: number;
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

/**
 * A store operation that Redis did not complete: no answer within the command timeout, the connection down, or an
 * error reply. The message names the store, the operation and the Redis (without its password), so that the
 * exception filter's log line says what failed where ioredis alone would only say "Command timed out".
 */
export class RedisStoreError extends Error {
  override readonly name = 'RedisStoreError';

  constructor(
    readonly store: string,
    readonly operation: string,
    /** True when Redis did not answer in time (rather than refusing or being unreachable). */
    readonly timedOut: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How long boot waits for Redis before giving up. */
const CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;

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
    return {
      idempotency: new InMemoryIdempotencyStore(),
      messageLogIndex: new InMemoryMessageLogIndex({ maxRecords: options.maxIndexRecords }),
      redis: null,
      close: async () => {},
    };
  }
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const redis = await connectRedis(options.redisUrl, commandTimeoutMs);
  const prefix = `${options.instance}:gateway:`;
  const named = { redis: redactRedisUrl(options.redisUrl), commandTimeoutMs };
  return {
    idempotency: namingFailures(new RedisIdempotencyStore(redis, `${prefix}idempotency:`), 'idempotency store', named),
    messageLogIndex: namingFailures(new RedisMessageLogIndex(redis, `${prefix}message-log:`), 'message-log index', named),
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
 * The store as it is, except that a failed operation rejects with a RedisStoreError naming it. Argument errors
 * (RangeError, TypeError) are the caller's bug, not Redis', and pass unchanged. A proxy rather than a wrapper class
 * per port, so that it follows the ports as they change; `instanceof` still sees the adapter.
 */
function namingFailures<T extends object>(store: T, storeName: string, named: { redis: string; commandTimeoutMs: number }): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch((err: unknown) => {
          if (err instanceof RangeError || err instanceof TypeError || err instanceof RedisStoreError) throw err;
          const cause = err instanceof Error ? err.message : String(err);
          // ioredis rejects a command that outlives commandTimeout with exactly this message.
          const timedOut = cause === 'Command timed out';
          const what = timedOut
            ? `Redis at ${named.redis} did not answer within ${named.commandTimeoutMs} ms (REDIS_COMMAND_TIMEOUT_MS)`
            : `via Redis at ${named.redis}: ${cause}`;
          throw new RedisStoreError(storeName, property, timedOut, `${storeName}, ${property}: ${what}`, { cause: err });
        });
      };
    },
  });
}

/**
 * Connects before the gateway accepts anything: a wrong REDIS_URL must stop the boot with a message naming it,
 * not surface as failed exchanges later. Once up, a lost connection is retried in the background.
 */
async function connectRedis(url: string, commandTimeoutMs: number): Promise<Redis> {
  const logger = new Logger('Redis');
  const shown = redactRedisUrl(url);
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Every command, the boot's own included: a Redis that accepts the connection and then never answers would
    // otherwise hold the boot, and later every request, forever (connectTimeout only covers the TCP connect).
    commandTimeout: commandTimeoutMs,
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
