import { RateLimitDecision, RateLimitLogger, TierRateLimiter } from './tier-rate-limiter';

/** In-process counting (no Redis): the embedded / single-replica case. Redis-backed cases are in test/integration. */
const TIERS = { bronze: { requestsPerMinute: 3 }, silver: { requestsPerMinute: 5 }, unlimited: { requestsPerMinute: 0 } };

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

describe('TierRateLimiter (in-process)', () => {
  let logger: ReturnType<typeof recordingLogger>;
  let limiter: TierRateLimiter;

  beforeEach(() => {
    logger = recordingLogger();
    limiter = new TierRateLimiter({ tiers: TIERS, redis: null, keyPrefix: 'lgsp-t56:gateway:rate-limit', logger });
  });

  afterEach(() => jest.useRealTimers());

  it('allows exactly the tier\'s requests per minute, counting down, and refuses the next one with a retry time', async () => {
    const decisions = await consumeTimes(limiter, 'h56-qlvb', 'silver', 6);
    expect(decisions.slice(0, 5).map((d) => d.allowed)).toEqual([true, true, true, true, true]);
    expect(decisions.slice(0, 5).map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0]);
    for (const d of decisions.slice(0, 5)) {
      expect(d).toMatchObject({ limit: 5, retryAfterSeconds: 0, appliedTier: 'silver' });
      expect(d.resetSeconds).toBeGreaterThanOrEqual(1);
      expect(d.resetSeconds).toBeLessThanOrEqual(60);
    }
    const refused = decisions[5]!;
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 5, appliedTier: 'silver' });
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    // A refused request is still counted, but does not push the window out.
    expect((await limiter.consume('h56-qlvb', 'silver')).allowed).toBe(false);
  });

  it('counts each client on its own', async () => {
    await consumeTimes(limiter, 'client-a', 'silver', 5);
    expect((await limiter.consume('client-a', 'silver')).allowed).toBe(false);
    const other = await consumeTimes(limiter, 'client-b', 'silver', 5);
    expect(other.every((d) => d.allowed)).toBe(true);
    expect((await limiter.consume('client-b', 'silver')).allowed).toBe(false);
  });

  it('applies each tier\'s own limit', async () => {
    const bronze = await consumeTimes(limiter, 'client-bronze', 'bronze', 4);
    expect(bronze.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(bronze[0]!.limit).toBe(3);
  });

  it('never refuses an unlimited tier and reports it with limit 0', async () => {
    const decisions = await consumeTimes(limiter, 'h56-admin', 'unlimited', 50);
    expect(decisions.every((d) => d.allowed && d.limit === 0 && d.retryAfterSeconds === 0)).toBe(true);
  });

  it('starts a new count once the minute is over', async () => {
    jest.useFakeTimers({ now: new Date('2025-03-01T08:00:00Z') });
    await consumeTimes(limiter, 'client-a', 'silver', 5);
    const refused = await limiter.consume('client-a', 'silver');
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 60 });
    jest.advanceTimersByTime(30_000);
    expect(await limiter.consume('client-a', 'silver')).toMatchObject({ allowed: false, retryAfterSeconds: 30 });
    jest.advanceTimersByTime(30_001);
    expect(await limiter.consume('client-a', 'silver')).toMatchObject({ allowed: true, remaining: 4 });
  });

  it('limits a client of an unknown tier as the strictest configured tier, and says so once', async () => {
    const decisions = await consumeTimes(limiter, 'client-x', 'platinum', 4);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.every((d) => d.limit === 3 && d.appliedTier === 'bronze')).toBe(true);
    await limiter.consume('client-y', 'platinum');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/tier "platinum" is not configured.*strictest tier, bronze \(3 requests per minute\)/);
  });

  it('leaves clients of an unknown tier unlimited when no configured tier has a limit', async () => {
    const open = new TierRateLimiter({ tiers: { unlimited: { requestsPerMinute: 0 } }, keyPrefix: 'x', logger });
    const decisions = await consumeTimes(open, 'client-x', 'platinum', 10);
    expect(decisions.every((d) => d.allowed && d.limit === 0)).toBe(true);
    expect(logger.warnings).toEqual([expect.stringMatching(/no configured tier has a limit/)]);
  });

  it('refuses a limit that is not a whole number ≥ 0, and a timeout that is not positive', () => {
    expect(() => new TierRateLimiter({ tiers: { bad: { requestsPerMinute: -1 } }, keyPrefix: 'x', logger })).toThrow(RangeError);
    expect(() => new TierRateLimiter({ tiers: { bad: { requestsPerMinute: 2.5 } }, keyPrefix: 'x', logger })).toThrow(/tier bad/);
    expect(() => new TierRateLimiter({ tiers: TIERS, keyPrefix: 'x', redisTimeoutMs: 0, logger })).toThrow(RangeError);
  });
});
