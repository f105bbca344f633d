import Redis from 'ioredis';
import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned } from '@lgsp/test-support/spawned';

/**
 * `lgsp bench gateway` as a person runs it, cut down to a second or so of load: it starts its own broker, gateway
 * and baseline forwarder, and ends with one JSON line. Behaviour only; the figures themselves are the benchmark's.
 */
describe('lgsp bench gateway', () => {
  let bench: Spawned | undefined;

  afterAll(() => bench?.kill('SIGKILL'));

  it('measures the gateway and the baseline and prints the figures as JSON on the last line', async () => {
    bench = new Spawned(process.execPath, [cliEntry(), 'bench', 'gateway', '--json', '--duration', '1', '--warmup', '0.3', '--concurrency', '4', '--rate', '50', '--rate-duration', '0.5'], {
      LOG_LEVEL: 'warn',
    });
    const { code } = await bench.exit(120_000);
    expect({ code, stderr: code === 0 ? '' : bench.stderr }).toEqual({ code: 0, stderr: '' });

    const lines = bench.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
    expect(result.suite).toBe('gateway');
    for (const key of ['rps', 'baseline_rps', 'ratio', 'p50_ms', 'p99_ms', 'baseline_p50_ms', 'baseline_p99_ms', 'fixed_rate_p99_ms']) {
      expect({ key, type: typeof result[key] }).toEqual({ key, type: 'number' });
      expect({ key, positive: (result[key] as number) > 0 }).toEqual({ key, positive: true });
    }
    expect(result.ratio).toBeCloseTo((result.rps as number) / (result.baseline_rps as number), 1);
    // Every request got ping's answer through both paths.
    expect(result.errors).toBe(0);
    expect(result.baseline_errors).toBe(0);
    expect(result.fixed_rate_errors).toBe(0);
    // Not 500 req/s here, so the figure named after that rate is left empty rather than mislabelled.
    expect(result.p99_ms_at_500_rps).toBeNull();
    // The progress went to stderr, not into the JSON contract.
    expect(bench.stderr).toMatch(/gateway \(closed loop\)/);
  }, 150_000);

  it('spreads the load over gateway replicas sharing Redis, and leaves none of the run\'s keys behind', async () => {
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    bench = new Spawned(
      process.execPath,
      [cliEntry(), 'bench', 'gateway', '--json', '--replicas', '2', '--duration', '1', '--warmup', '0.3', '--concurrency', '4', '--rate', '50', '--rate-duration', '0.5'],
      { LOG_LEVEL: 'warn', REDIS_URL: redisUrl },
    );
    const { code } = await bench.exit(120_000);
    expect({ code, stderr: code === 0 ? '' : bench.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = bench.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
    expect(result).toMatchObject({ replicas: 2, errors: 0, baseline_errors: 0, fixed_rate_errors: 0 });
    expect(bench.stderr).toMatch(/gateway replica 2 of 2/);

    const redis = new Redis(redisUrl);
    try {
      expect(await redis.keys('lgsp-bench-*')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 150_000);
});
