import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { platformTopics } from '@lgsp/contracts';
import { HashChain, MessageLogRecord, signCheckpoint, verifyRecords } from '@lgsp/message-log';
import { EventPublisher, MessagingConnection } from '@lgsp/messaging';
import { SigningKeys, loadOrCreateSigningKeys } from '../../apps/gateway/src/auth/signing-keys';
import { InMemoryMessageLogIndex } from '../../apps/gateway/src/message-log/message-log-index';
import { MessageLogWriter } from '../../apps/gateway/src/message-log/message-log-writer';
import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned } from '@lgsp/test-support/spawned';
import { startTestBroker, TestBroker } from '@lgsp/test-support/test-broker';
import { exchangeFields as exchange } from '../../libs/message-log/src/testing/exchange-fields';


/** Rewrites record `at` and recomputes every later hash and link, as anyone able to write the topic can. */
function rewriteFrom(records: MessageLogRecord[], at: number): MessageLogRecord[] {
  const chain = new HashChain(records[0].chain, records[at - 1]);
  return records.map((r, i) => {
    if (i < at) return r;
    const { chain: _c, seq: _s, prevHash: _p, hash: _h, ...fields } = r;
    return chain.append(i === at ? { ...fields, status: 204 } : fields);
  });
}

/** `lgsp log verify` against a running platform and against a stopped one's data directory. */
describe('lgsp log verify', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-verify-'));
  const jwksFile = join(dataDir, 'jwks.json');
  let tb: TestBroker;
  let keys: SigningKeys;
  let attackerKeys: SigningKeys;
  let jwksServer: Server;
  let jwksUrl: string;

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
    // The platform key where `lgsp up` keeps it, and its JWKS as the gateway publishes it (file and URL).
    keys = await loadOrCreateSigningKeys(join(dataDir, 'gateway', 'token-signing-key.jwk.json'));
    attackerKeys = await loadOrCreateSigningKeys(join(dataDir, 'elsewhere', 'key.jwk.json'));
    writeFileSync(jwksFile, JSON.stringify({ keys: [keys.publicJwk] }));
    jwksServer = createServer((req, res) => {
      res.writeHead(req.url === '/.well-known/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [keys.publicJwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;

    const chain = (n: number) => {
      const c = new HashChain('gw-1');
      return Array.from({ length: n }, (_, i) => c.append(exchange(i)));
    };
    const sign = (r: MessageLogRecord, k: SigningKeys = keys) => signCheckpoint(r, k);
    await writeLog('lgsp-intact', chain(5));
    const inserted = chain(4);
    await writeLog('lgsp-inserted', [inserted[0], inserted[1], new HashChain('gw-1', inserted[0]).append(exchange(77)), inserted[2], inserted[3]]);
    const removed = chain(5);
    await writeLog('lgsp-removed', [removed[0], removed[1], removed[3], removed[4]]);
    await writeLog('lgsp-changed', chain(4));

    const signed = chain(6);
    await writeLog('lgsp-signed', [signed[0], signed[1], signed[2], await sign(signed[2]), signed[3], signed[4], await sign(signed[4]), signed[5]]);

    // Rewrite-and-recompute: record 3 is altered and every later hash recomputed; the checkpoints stay as written
    // (or, second attempt, the last one is re-signed with a key of the attacker's own).
    const original = chain(6);
    const rewritten = rewriteFrom(original, 3);
    expect(verifyRecords(rewritten).ok).toBe(true); // the hash chain alone cannot tell
    await writeLog('lgsp-rewritten', [...rewritten.slice(0, 2), await sign(original[1]), ...rewritten.slice(2, 5), await sign(original[4]), rewritten[5]]);
    await writeLog('lgsp-resigned', [...rewritten.slice(0, 2), await sign(original[1]), ...rewritten.slice(2, 5), await sign(rewritten[4], attackerKeys), rewritten[5]]);

    // A cut tail: records 3 and 4 are removed, the checkpoint written after them is not.
    const tail = chain(5);
    expect(verifyRecords(tail.slice(0, 3)).ok).toBe(true); // the hash chain alone cannot tell
    await writeLog('lgsp-tail', [tail[0], tail[1], await sign(tail[1]), tail[2], await sign(tail[4])]);

    // The real writer, as the gateway runs it: a checkpoint every 2 records, the last one on stop, and the latest
    // saved in the data directory.
    const connection = new MessagingConnection({ brokers: [tb.bootstrap], clientId: 'gateway' });
    const publisher = new EventPublisher(connection);
    await publisher.start();
    await connection.ensureTopics([{ topic: platformTopics('lgsp-cut').messageLog, partitions: 1 }]);
    const writer = new MessageLogWriter(publisher, platformTopics('lgsp-cut').messageLog, new InMemoryMessageLogIndex(), 'gw-1', {
      signingKey: keys,
      checkpointEvery: 2,
      headDir: join(dataDir, 'gateway'),
    });
    for (let i = 0; i < 5; i++) await writer.record(exchange(i));
    await writer.stop();
    await connection.close();
  }, 60_000);

  afterAll(async () => {
    await tb.stop();
    await new Promise((resolve) => jwksServer.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('confirms an intact log of a running platform', async () => {
    const r = await verify('--brokers', tb.bootstrap, '--instance', 'lgsp-intact');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/5 records in 1 chain\(s\) verified/);
    expect(r.out).toMatch(/chain gw-1: 5 records, last seq 4, 0 checkpoints; none covered by a checkpoint: 5 only hash-chained, not yet signed/);
    expect(r.out).toMatch(/checkpoint signatures were NOT verified: no platform key/);
  });

  it('states how far signed checkpoints reach and how many records after them are only hash-chained', async () => {
    const r = await verify('--brokers', tb.bootstrap, '--instance', 'lgsp-signed', '--jwks', jwksFile);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/6 records in 1 chain\(s\) verified/);
    expect(r.out).toMatch(/chain gw-1: 6 records, last seq 5, 2 checkpoints; signed checkpoints cover records 0\.\.4, 1 record after them only hash-chained, not yet signed/);
    expect(r.out).toContain(`checkpoint signatures: 2 checkpoints checked against 1 platform key from ${jwksFile}`);
  });

  it('detects a rewritten chain whose hashes were all recomputed, with the keys from the running gateway\'s JWKS URL', async () => {
    const r = await verify('--brokers', tb.bootstrap, '--instance', 'lgsp-rewritten', '--jwks', jwksUrl);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/chain gw-1: record 4 is not the record a checkpoint in the log covers: one or more of records 2\.\.4 were rewritten and the later hashes recomputed/);
    expect(r.out).toMatch(/chain gw-1: 6 records, 2 checkpoints; broken \(see above\): signed checkpoints cover records 0\.\.1 before the problem/);
  });

  it('names a checkpoint re-signed with another key as forged, which only the platform keys can tell', async () => {
    const withoutKeys = await verify('--brokers', tb.bootstrap, '--instance', 'lgsp-resigned');
    expect(withoutKeys.code).toBe(0);
    expect(withoutKeys.out).toMatch(/checkpoints \(signatures not checked\) cover records 0\.\.4/);
    expect(withoutKeys.out).toMatch(/checkpoint signatures were NOT verified/);
    const r = await verify('--brokers', tb.bootstrap, '--instance', 'lgsp-resigned', '--jwks', jwksUrl);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/chain gw-1: the checkpoint for record 4 \(log position 6\) is forged: it names key .*, which is not one of the platform keys given/);
  });

  it('detects records cut from the tail of a chain when a checkpoint covers them', async () => {
    const r = await verify('--brokers', tb.bootstrap, '--instance', 'lgsp-tail', '--jwks', jwksFile);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/chain gw-1: records 3\.\.4 were removed after checkpoint: the chain ends at record 2 but a checkpoint in the log covers record 4/);
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

  it('detects a tail cut together with its checkpoints on disk, against the head the gateway saved in its data directory', async () => {
    await tb.stop(true);
    const topic = platformTopics('lgsp-cut').messageLog;
    const partitionDir = join(dataDir, 'kafka', 'topics', topic, '0');
    const segment = join(partitionDir, readdirSync(partitionDir).find((f) => f.endsWith('.log'))!);
    const bytes = readFileSync(segment);
    // Someone with access to the broker's files cuts the log at a batch boundary, before the batch holding record 3:
    // records 3 and 4 and the checkpoints written after them are gone, and the broker opens the shorter log cleanly.
    let cutAt = -1;
    for (let pos = 0; pos < bytes.length; pos += 12 + bytes.readInt32BE(pos + 8)) {
      if (bytes.subarray(pos, pos + 12 + bytes.readInt32BE(pos + 8)).includes('"id":"rec-3"')) {
        cutAt = pos;
        break;
      }
    }
    expect(cutAt).toBeGreaterThan(0);
    truncateSync(segment, cutAt);

    const r = await verify('--data-dir', dataDir, '--instance', 'lgsp-cut');
    expect(r.out).toMatch(/chain gw-1: records 3\.\.4 were removed after checkpoint: the chain ends at record 2 but the head saved in the gateway's data directory covers record 4/);
    expect(r.out).toContain(`checked against 1 platform key from ${join(dataDir, 'gateway', 'token-signing-key.jwk.json')}`);
    expect(r.out).toMatch(/saved heads: chain gw-1 at record 4/);
    expect(r.code).toBe(1);
    tb = await startTestBroker({ dataDir: join(dataDir, 'kafka') });
    // What the log alone shows through the brokers: a shorter chain that verifies, every record before the cut signed.
    const online = await verify('--brokers', tb.bootstrap, '--instance', 'lgsp-cut', '--jwks', jwksFile);
    expect(online.code).toBe(0);
    expect(online.out).toMatch(/chain gw-1: 3 records, last seq 2, 1 checkpoint; signed checkpoints cover records 0\.\.1, 1 record after them/);
  }, 60_000);
});
