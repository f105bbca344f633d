import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RLWrapperTimeouts, RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { TierConfig } from '@lgsp/registry';

/** Tier limits are "requests per minute" (WSO2's Bronze/Silver/Gold style): one fixed window per client. */
const WINDOW_SECONDS = 60;

/**
 * How long a request waits for Redis before the per-replica limiter answers instead. rate-limiter-flexible has no
 * timeout of its own for Redis, and a Redis that accepts the connection but stops answering would otherwise hold
 * every request; Redis on the same network answers in well under a millisecond.
 */
export const DEFAULT_REDIS_TIMEOUT_MS = 200;

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole seconds the caller should wait before retrying (at least 1); 0 when allowed. */
  readonly retryAfterSeconds: number;
  /** Requests left in the current window; Infinity for an unlimited tier. */
  readonly remaining: number;
  /** Requests per minute of the tier applied; 0 means unlimited, as in the registry. */
  readonly limit: number;
  /** Whole seconds until the current window ends and the count starts again; 0 for an unlimited tier. */
  readonly resetSeconds: number;
  /** The tier whose limit was applied: the client's own, or the strictest one when the client's is not configured. */
  readonly appliedTier: string;
}

export interface RateLimitLogger {
  warn(message: string): void;
  log(message: string): void;
}

export interface TierRateLimiterOptions {
  /** Tier name → requests per minute (0 = unlimited), e.g. `registry.snapshot().tiers`. */
  readonly tiers: Readonly<Record<string, TierConfig>>;
  /** Shared counts across replicas when given; in-process counts (embedded / single replica) when null. */
  readonly redis?: Redis | null;
  /** Namespaces the Redis keys by platform instance, e.g. `lgsp-h56:gateway:rate-limit`. */
  readonly keyPrefix: string;
  readonly redisTimeoutMs?: number;
  readonly logger?: RateLimitLogger;
}

interface TierLimiter {
  readonly name: string;
  readonly points: number;
  readonly limiter: RateLimiterAbstract;
}

/**
 * The per-replica fallback. The library calls it only when Redis failed or timed out, so a call is the one signal
 * of an outage we get without reaching into the library's internals; its answers are remembered so that an answer
 * from Redis can be told apart from one of ours.
 */
class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    opts: { points: number; duration: number; keyPrefix: string },
    private readonly onUse: () => void,
    private readonly answers: WeakSet<object>,
  ) {
    super(opts);
  }

  override consume(key: string | number, pointsToConsume?: number, options?: { [key: string]: unknown }): Promise<RateLimiterRes> {
    this.onUse();
    return super.consume(key, pointsToConsume, options).then(
      (res) => {
        this.answers.add(res);
        return res;
      },
      (res: unknown) => {
        if (res instanceof RateLimiterRes) this.answers.add(res);
        throw res;
      },
    );
  }
}

/**
 * Counts requests per client against the limit of the client's tier. With Redis the count is shared by every
 * gateway replica (fixed 60-second windows, one key per client); without it, each process counts for itself.
 *
 * When Redis fails or does not answer within `redisTimeoutMs`, rate-limiter-flexible's insurance limiter — an
 * in-process limiter with the same limits on each replica — answers instead: the gateway keeps serving and keeps
 * limiting, per replica, rather than refusing everyone (fail closed) or limiting no one (fail open).
 */
export class TierRateLimiter {
  private readonly tierNames: ReadonlySet<string>;
  /** Limited tiers only: an unlimited tier has no limiter and costs nothing per request. */
  private readonly byTier = new Map<string, TierLimiter>();
  /** Where clients of a tier that is not configured are counted; undefined when no tier has a limit. */
  private readonly strictest: TierLimiter | undefined;
  private readonly logger: RateLimitLogger;
  private readonly redis: Redis | null;
  private readonly redisTimeoutMs: number;
  private readonly insuranceAnswers = new WeakSet<object>();
  private readonly reportedUnknownTiers = new Set<string>();
  private degraded = false;

  constructor(options: TierRateLimiterOptions) {
    this.logger = options.logger ?? new Logger('RateLimit');
    this.redis = options.redis ?? null;
    this.redisTimeoutMs = options.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    if (!Number.isInteger(this.redisTimeoutMs) || this.redisTimeoutMs < 1) {
      throw new RangeError(`the rate limiter's Redis timeout must be a positive whole number of ms; got ${this.redisTimeoutMs}`);
    }
    let strictest: TierLimiter | undefined;
    for (const [name, tier] of Object.entries(options.tiers)) {
      const points = tier.requestsPerMinute;
      if (!Number.isInteger(points) || points < 0) {
        throw new RangeError(`tier ${name}: requestsPerMinute must be a whole number ≥ 0 (0 = unlimited); got ${points}`);
      }
      if (points === 0) continue;
      const entry: TierLimiter = { name, points, limiter: this.limiterFor(`${options.keyPrefix}:${name}`, points) };
      this.byTier.set(name, entry);
      if (!strictest || points < strictest.points) strictest = entry;
    }
    this.strictest = strictest;
    this.tierNames = new Set(Object.keys(options.tiers));
  }

  /** Counts one request of this client; never rejects for Redis trouble (the insurance limiter answers then). */
  async consume(clientId: string, tier: string): Promise<RateLimitDecision> {
    const entry = this.entryFor(tier);
    if (!entry) return { allowed: true, retryAfterSeconds: 0, remaining: Number.POSITIVE_INFINITY, limit: 0, resetSeconds: 0, appliedTier: tier };
    // Client ids cannot hold ':' today; encoding keeps the key layout unambiguous should that ever change.
    const key = encodeURIComponent(clientId);
    let res: RateLimiterRes;
    let allowed: boolean;
    try {
      res = await entry.limiter.consume(key);
      allowed = true;
    } catch (err) {
      // Anything else is not "over the limit": with Redis the insurance limiter has already absorbed store errors.
      if (!(err instanceof RateLimiterRes)) throw err;
      res = err;
      allowed = false;
    }
    this.noteAnswer(res);
    const resetSeconds = Math.max(0, Math.ceil(res.msBeforeNext / 1000));
    return {
      allowed,
      retryAfterSeconds: allowed ? 0 : Math.max(1, resetSeconds),
      remaining: allowed ? res.remainingPoints : 0,
      limit: entry.points,
      resetSeconds,
      appliedTier: entry.name,
    };
  }

  private entryFor(tier: string): TierLimiter | undefined {
    if (this.tierNames.has(tier)) return this.byTier.get(tier);
    // The registry refuses clients of unknown tiers, so this means a configuration out of step with the clients;
    // limiting them as the strictest tier errs on the side of protecting the services.
    if (!this.reportedUnknownTiers.has(tier)) {
      this.reportedUnknownTiers.add(tier);
      this.logger.warn(
        this.strictest
          ? `tier "${tier}" is not configured: its clients are limited as the strictest tier, ${this.strictest.name} (${this.strictest.points} requests per minute)`
          : `tier "${tier}" is not configured, and no configured tier has a limit: its clients are not limited`,
      );
    }
    return this.strictest;
  }

  private limiterFor(keyPrefix: string, points: number): RateLimiterAbstract {
    if (!this.redis) return new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix });
    const insuranceLimiter = new InsuranceLimiter(
      { points, duration: WINDOW_SECONDS, keyPrefix },
      () => this.redisFailed(),
      this.insuranceAnswers,
    );
    const shared = new RateLimiterRedis({
      storeClient: this.redis,
      points,
      duration: WINDOW_SECONDS,
      keyPrefix,
      // While ioredis is reconnecting, go straight to the insurance limiter instead of queueing behind the reconnect.
      rejectIfRedisNotReady: true,
      // Once a client has used its last request of the window, refuse it in-process until the window ends:
      // a client hammering past its limit costs this replica nothing in Redis.
      inMemoryBlockOnConsumed: points,
      // No insurance here: the wrapper holds it, so that a call that times out and then fails is not counted twice.
    });
    return new RLWrapperTimeouts({ limiter: shared, timeoutMs: this.redisTimeoutMs, insuranceLimiter });
  }

  /** One warning per outage, not one per request: a busy gateway would otherwise log thousands a second. */
  private redisFailed(): void {
    if (this.degraded) return;
    this.degraded = true;
    const status = this.redis?.status;
    const reason = status && status !== 'ready' ? `the connection is ${status}` : `no answer within ${this.redisTimeoutMs} ms, or an error`;
    this.logger.warn(
      `Redis is not answering the rate limiter (${reason}): each gateway replica now enforces the tier limits on its own, ` +
        'so a client can make up to its limit on every replica until Redis answers again',
    );
  }

  private noteAnswer(res: RateLimiterRes): void {
    if (!this.degraded || this.insuranceAnswers.has(res)) return;
    // A refusal from the in-process block list carries no count: only a count proves that Redis answered.
    if (res.consumedPoints <= 0) return;
    this.degraded = false;
    this.logger.log('Redis answers the rate limiter again: tier limits are shared across replicas again (counts made during the outage are not carried over)');
  }
}
