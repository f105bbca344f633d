import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { platformTopics } from '@lgsp/contracts';
import { ExchangeFields, HashChain } from '@lgsp/message-log';
import { EventPublisher, MessagingConnection } from '@lgsp/messaging';
import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned } from '@lgsp/test-support/spawned';
import { startTestBroker, TestBroker } from '@lgsp/test-support/test-broker';

function exchange(n: number): ExchangeFields {
  return {
    id: `rec-${n}`, requestId: `req-${n}`, client: 'h56-qlvb-so-tu-phap', clientMember: '000.00.02.H56', service: 'ping', method: 'GET', path: '/',
    issue: null, requestInAt: '2026-11-23T10:00:00.000Z', requestOutAt: null, responseInAt: null, responseOutAt: '2026-11-23T10:00:00.010Z',
    requestBytes: 0, responseBytes: 10, status: 200, succeeded: true, faultCode: null, faultMessage: null, requestHash: null,
    requestBody: null, responseBody: null, contentType: null,
  };
}

/** `lgsp log verify` against a running platform and against a stopped one's data directory. */
describe('lgsp log verify', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-verify-'));
  let tb: TestBroker;

  const verify = async (...args: string[]): Promise<{ code: number | null; out: string; err: string }> => {
    const p = new Spawned(process.execPath, [cliEntry(), 'log', 'verify', ...args], { LOG_LEVEL: 'warn' });
    const { code } = await p.exit(60_000);
    return { code, out: p.stdout, err: p.stderr };
  };

  async function writeLog(instance: string, records: unknown[]): Promise<void> {
    const connection = new MessagingConnection({ brokers: [tb.bootstrap], clientId: 'writer' });
    const publisher = new EventPublisher(connection);
    await publisher.start();
    await publisher.publishMany(platformTopics(instance).messageLog, records.map((r) => ({ key: 'gw-1', value: JSON.stringify(r) })));
    await connection.close();
  }

  beforeAll(async () => {
    tb = await startTestBroker({ dataDir: join(dataDir, 'kafka') });
    const chain = (n: number) => {
      const c = new HashChain('gw-1');
      return Array.from({ length: n }, (_, i) => c.append(exchange(i)));
    };
    await writeLog('lgsp-intact', chain(5));
    const inserted = chain(4);
    await writeLog('lgsp-inserted', [inserted[0], inserted[1], new HashChain('gw-1', inserted[0]).append(exchange(77)), inserted[2], inserted[3]]);
    const removed = chain(5);
    await writeLog('lgsp-removed', [removed[0], removed[1], removed[3], removed[4]]);
    await writeLog('lgsp-changed', chain(4));
  }, 60_000);

  afterAll(async () => {
    await tb.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('confirms an intact log of a running platform', async () => {
    const r = await verify('--brokers', tb.bootstrap, '--instance', 'lgsp-intact');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/5 records in 1 chain\(s\) verified/);
  });

  it('names an inserted record', async () => {
    const r = await verify('--brokers', tb.bootstrap, '--instance', 'lgsp-inserted');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/chain gw-1: record 1 \(id rec-77\) was inserted/);
  });

  it('names the first removed record', async () => {
    const r = await verify('--brokers', tb.bootstrap, '--instance', 'lgsp-removed');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/chain gw-1: record 2 is missing/);
  });

  it('refuses to open the data directory of a running platform, saying what to do', async () => {
    const r = await verify('--data-dir', dataDir, '--instance', 'lgsp-intact');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the platform is running; verify against it with --brokers/);
  });

  it('names a record changed on disk while the platform was stopped', async () => {
    await tb.stop(true);
    const partitionDir = join(dataDir, 'kafka', 'topics', platformTopics('lgsp-changed').messageLog, '0');
    const segment = join(partitionDir, readdirSync(partitionDir).find((f) => f.endsWith('.log'))!);
    const bytes = readFileSync(segment);
    // Someone edits the outcome of record 2 in place (same length, so the file still parses) and, knowing the
    // format, recomputes the batch CRC-32C — which has no secret — so that the broker accepts the batch.
    const at = bytes.indexOf('"id":"rec-2"');
    const statusAt = bytes.indexOf('"status":200', at);
    expect(at).toBeGreaterThan(0);
    bytes.write('"status":500', statusAt);
    bytes.writeUInt32BE(crc32c(bytes.subarray(21, 12 + bytes.readInt32BE(8))), 17); // one batch in this segment
    writeFileSync(segment, bytes);
    const r = await verify('--data-dir', dataDir, '--instance', 'lgsp-changed');
    expect(r.out).toMatch(/chain gw-1: record 2 \(id rec-2\) was changed after it was written/);
    expect(r.code).toBe(1);
    tb = await startTestBroker({ dataDir: join(dataDir, 'kafka') });
  }, 60_000);
});
