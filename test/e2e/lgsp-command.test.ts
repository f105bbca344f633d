import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned, freePort, isAlive } from '@lgsp/test-support/spawned';

/** The `lgsp` command as a person runs it: real processes, real signals. */
describe('the lgsp command', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-cli-'));
  const running: Spawned[] = [];
  const lgsp = (...args: string[]): Spawned => {
    const p = new Spawned(process.execPath, [cliEntry(), ...args], { LOG_LEVEL: 'warn' });
    running.push(p);
    return p;
  };
  const listTopics = async (port: number): Promise<string[]> => {
    const admin = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'cli-check' }] });
      return await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  };

  afterAll(() => {
    for (const p of running) p.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('lgsp broker', () => {
    it('prints one ready line, serves kafkajs, and stops cleanly on SIGTERM', async () => {
      const port = await freePort();
      const broker = lgsp('broker', '--port', String(port), '--data-dir', join(dataDir, 'b1'));
      const [line] = await broker.waitForOutput(/^broker listening on .*$/m);
      expect(line).toBe(`broker listening on 127.0.0.1:${port}`);
      expect(broker.stdout.split('\n').filter((l) => l.startsWith('broker listening'))).toHaveLength(1);
      expect(await listTopics(port)).toContain('cli-check');
      broker.kill('SIGTERM');
      expect(await broker.exit()).toEqual({ code: 0, signal: null });
    });

    it('refuses a bad --port with a sentence and a non-zero exit', async () => {
      const broker = lgsp('broker', '--port', 'ninety');
      const { code } = await broker.exit();
      expect(code).not.toBe(0);
      expect(broker.stderr).toMatch(/port is an integer from 0 to 65535/);
    });

    it('says so when the port is taken, or the data directory is in use', async () => {
      const port = await freePort();
      const first = lgsp('broker', '--port', String(port), '--data-dir', join(dataDir, 'b2'));
      await first.waitForOutput(/broker listening/);
      const samePort = lgsp('broker', '--port', String(port), '--data-dir', join(dataDir, 'b3'));
      expect((await samePort.exit()).code).toBe(1);
      expect(samePort.stderr).toMatch(new RegExp(`port ${port} is already in use`));
      const sameDir = lgsp('broker', '--port', '0', '--data-dir', join(dataDir, 'b2'));
      expect((await sameDir.exit()).code).toBe(1);
      expect(sameDir.stderr).toMatch(/is in use by process \d+/);
      first.kill('SIGTERM');
      await first.exit();
    });
  });

  describe('lgsp up', () => {
    it('starts the platform, restarts a crashed service, and stops everything on Ctrl-C', async () => {
      const port = await freePort();
      const up = lgsp('up', '--data-dir', join(dataDir, 'up'), '--kafka-port', String(port));
      const table = await up.waitForOutput(/broker\s+kafka:\/\/127\.0\.0\.1:(\d+)\s+pid (\d+)/, 30_000);
      expect(Number(table[1])).toBe(port);
      const brokerPid = Number(table[2]);
      expect(await listTopics(port)).toContain('cli-check');
      expect(up.stdout).toMatch(/\[broker\] broker listening on/); // the service's own output, prefixed

      process.kill(brokerPid, 'SIGKILL');
      await up.waitForOutput(/broker exited with signal SIGKILL; restarting/, 10_000);
      await up.waitForOutput(/broker is back on kafka:\/\/127\.0\.0\.1:\d+/, 20_000);
      expect(await listTopics(port)).toContain('cli-check'); // same port, same data

      up.kill('SIGINT');
      expect(await up.exit(30_000)).toEqual({ code: 0, signal: null });
      expect(up.stdout).toMatch(/all services stopped/);
      expect(isAlive(brokerPid)).toBe(false);
      // The restarted broker was stopped cleanly too: it released its data-directory lock on the way out.
      expect(existsSync(join(dataDir, 'up', 'kafka', '.lock'))).toBe(false);
    }, 60_000);
  });
});
