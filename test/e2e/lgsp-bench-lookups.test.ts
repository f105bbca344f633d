import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned } from '@lgsp/test-support/spawned';

/**
 * `lgsp bench lookups` as a person runs it, cut down to a second per phase: broker, simulated national databases,
 * national connectors and gateway as their own processes; one JSON line at the end. Behaviour only.
 */
describe('lgsp bench lookups', () => {
  let bench: Spawned | undefined;

  afterAll(() => bench?.kill('SIGKILL'));

  it('looks citizens up through the gateway on cache hits and misses, beside the database called directly, and prints the figures as JSON', async () => {
    bench = new Spawned(process.execPath, [cliEntry(), 'bench', 'lookups', '--json', '--duration', '1', '--warmup', '0.3', '--concurrency', '4'], {
      LOG_LEVEL: 'warn',
    });
    const { code } = await bench.exit(120_000);
    expect({ code, stderr: code === 0 ? '' : bench.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = bench.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]) as Record<string, number | string>;
    expect(result.suite).toBe('lookups');
    for (const key of ['hit_rps', 'ping_rps', 'hit_vs_ping', 'miss_rps', 'direct_p50_ms', 'gateway_miss_p50_ms', 'added_pairs']) {
      expect({ key, positive: typeof result[key] === 'number' && (result[key] as number) > 0 }).toEqual({ key, positive: true });
    }
    // A difference of two medians: a number, of either sign on a busy machine.
    for (const key of ['added_p50_ms', 'added_p99_ms']) expect({ key, type: typeof result[key] }).toEqual({ key, type: 'number' });
    expect(result.errors).toBe(0);
    // The hit phase was answered from the cache: at most a token renewal reached the database.
    expect(result.hit_remote_calls).toBeLessThanOrEqual(5);
  }, 150_000);
});
