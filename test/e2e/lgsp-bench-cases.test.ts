import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned } from '@lgsp/test-support/spawned';

/**
 * `lgsp bench cases` as a person runs it, cut down: two thousand cases of history instead of a million and a second
 * of load; broker, case tracking and gateway as their own processes; one JSON line at the end. Behaviour only.
 */
describe('lgsp bench cases', () => {
  let bench: Spawned | undefined;

  afterAll(() => bench?.kill('SIGKILL'));

  it('seeds history, rebuilds from it, queries statistics, receives and moves cases, and prints the figures as JSON', async () => {
    bench = new Spawned(process.execPath, [cliEntry(), 'bench', 'cases', '--json', '--cases', '2000', '--duration', '1', '--warmup', '0.3', '--concurrency', '4'], {
      LOG_LEVEL: 'warn',
    });
    const { code } = await bench.exit(150_000);
    expect({ code, stderr: code === 0 ? '' : bench.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = bench.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]) as Record<string, number | string>;
    expect(result.suite).toBe('cases');
    for (const key of ['transitions_per_s', 'stats_p99_ms', 'stats_p50_ms', 'intakes_per_s', 'rebuild_s']) {
      expect({ key, positive: typeof result[key] === 'number' && (result[key] as number) > 0 }).toEqual({ key, positive: true });
    }
    // The history is in store (a few of the two thousand may be skipped, never more than asked).
    expect(result.cases).toBeGreaterThan(1900);
    expect(result.cases).toBeLessThanOrEqual(2000);
    expect(result.errors).toBe(0);
    // The run read the statistics back and found every case it finished (it fails otherwise).
    expect(result.verified_done).toBeGreaterThan(0);
  }, 180_000);
});
