import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned } from '@lgsp/test-support/spawned';

/**
 * `lgsp bench documents` as a person runs it, cut down to a second or so of load: broker, document exchange and
 * gateway as their own processes, edXML packages through the gateway, one JSON line at the end. Behaviour only.
 */
describe('lgsp bench documents', () => {
  let bench: Spawned | undefined;

  afterAll(() => bench?.kill('SIGKILL'));

  it('sends packages to one and to ten recipients, checks the inbox, and prints the figures as JSON', async () => {
    bench = new Spawned(
      process.execPath,
      [cliEntry(), 'bench', 'documents', '--json', '--duration', '1', '--warmup', '0.3', '--concurrency', '4', '--rate', '40', '--rate-duration', '0.5', '--package-kib', '4'],
      { LOG_LEVEL: 'warn' },
    );
    const { code } = await bench.exit(120_000);
    expect({ code, stderr: code === 0 ? '' : bench.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = bench.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]) as Record<string, number | string>;
    expect(result.suite).toBe('documents');
    for (const key of ['docs_per_s_1', 'docs_per_s_10', 'p50_ms', 'p99_ms', 'deliveries_per_s_10']) {
      expect({ key, positive: typeof result[key] === 'number' && (result[key] as number) > 0 }).toEqual({ key, positive: true });
    }
    expect(result.deliveries_per_s_10).toBeGreaterThan(result.docs_per_s_10 as number);
    // About the size asked for: a 4 KiB package.
    expect(Math.abs((result.package_bytes as number) - 4096)).toBeLessThan(300);
    expect(result.errors).toBe(0);
    // The run counted every accepted package in the first recipient's inbox (it fails otherwise).
    expect(result.verified_in_inbox).toBeGreaterThan(0);
    expect(bench.stderr).toMatch(/counting the first recipient's inbox/);
  }, 150_000);
});
