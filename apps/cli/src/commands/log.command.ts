import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JWK, calculateJwkThumbprint } from 'jose';
import { platformTopics } from '@lgsp/contracts';
import { DataDirLockedError, KafkaBroker } from '@lgsp/kafka-broker';
import { ChainSummary, MessageLogCheckpoint, MessageLogVerifier, VerificationReport, describeProblem, readSavedHeads } from '@lgsp/message-log';
import { MessagingConnection, readTopicToEnd } from '@lgsp/messaging';
import { loadPlatformConfigFile } from '@lgsp/registry';
import { CliEnvironment } from '../cli-environment';

interface VerifyOptions {
  dataDir?: string;
  brokers?: string;
  instance?: string;
  jwks?: string;
}

function fail(message: string, code = 2): never {
  process.stderr.write(`lgsp log verify: ${message}\n`);
  process.exit(code);
}

/** Where the gateway keeps its key and saved heads inside a platform data directory (as `lgsp up` lays it out). */
const gatewayDir = (dataDir: string) => join(dataDir, 'gateway');

/** The public part of an EC P-256 key, with its kid (the JWK thumbprint, as the gateway computes it). */
async function publicKey(jwk: JWK): Promise<JWK> {
  const { kty, crv, x, y } = jwk;
  return { kty, crv, x, y, kid: jwk.kid ?? (await calculateJwkThumbprint({ kty, crv, x, y } as JWK)) };
}

/** A JWKS document ({keys: […]}) or a single JWK, from a URL (e.g. the gateway's /.well-known/jwks.json) or a file. */
async function readJwks(source: string): Promise<JWK[]> {
  let text: string;
  if (/^https?:\/\//i.test(source)) {
    const res = await fetch(source, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`${source} answered ${res.status}`);
    text = await res.text();
  } else {
    text = readFileSync(source, 'utf8');
  }
  const doc = JSON.parse(text) as { keys?: JWK[] } & JWK;
  const all = Array.isArray(doc.keys) ? doc.keys : [doc];
  // Only keys that can have signed a checkpoint; a JWKS may publish others.
  return Promise.all(all.filter((k) => k.kty === 'EC' && k.crv === 'P-256').map(publicKey));
}

/**
 * The keys to check checkpoint signatures with: --jwks if given, else the platform key in the data directory
 * (its public part only). None when there is neither: the chains are still checked, the signatures not.
 */
async function loadKeys(options: VerifyOptions, dataDir: string | null): Promise<{ keys: JWK[]; source: string } | null> {
  if (options.jwks) {
    try {
      const keys = await readJwks(options.jwks);
      if (keys.length === 0) fail(`${options.jwks} holds no EC P-256 key to verify checkpoints with`);
      return { keys, source: options.jwks };
    } catch (err) {
      fail(`cannot read the platform keys from ${options.jwks}: ${(err as Error).message}`);
    }
  }
  if (!dataDir) return null;
  const keyFile = join(gatewayDir(dataDir), 'token-signing-key.jwk.json');
  if (!existsSync(keyFile)) return null;
  try {
    return { keys: [await publicKey(JSON.parse(readFileSync(keyFile, 'utf8')) as JWK)], source: keyFile };
  } catch (err) {
    fail(`cannot read the platform key ${keyFile}: ${(err as Error).message}`);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line per chain: how far signed checkpoints reach, and how many records after them are only hash-chained. */
function coverage(c: ChainSummary, signatures: VerificationReport['signatures']): string {
  const kind = signatures === 'verified' ? 'signed checkpoints' : 'checkpoints (signatures not checked)';
  if (!c.intact) {
    const before = c.checkpointedSeq < 0 ? 'no checkpoint covers any record before the problem' : `${kind} cover records 0..${c.checkpointedSeq} before the problem`;
    return `  chain ${c.chain}: ${plural(c.records, 'record')}, ${plural(c.checkpoints, 'checkpoint')}; broken (see above): ${before}`;
  }
  const head = `  chain ${c.chain}: ${plural(c.records, 'record')}, last seq ${c.lastSeq}, ${plural(c.checkpoints, 'checkpoint')}`;
  if (c.checkpointedSeq < 0) return `${head}; none covered by a checkpoint: ${c.unsigned} only hash-chained, not yet signed`;
  const after = c.unsigned === 0 ? 'none after them' : `${plural(c.unsigned, 'record')} after them only hash-chained, not yet signed`;
  return `${head}; ${kind} cover records 0..${c.checkpointedSeq}, ${after}`;
}

/**
 * Recomputes the message log's hash chains and checks its signed checkpoints. Offline, it opens the platform's data
 * directory with a private broker (the platform must be stopped: a data directory has one broker at a time);
 * against a running platform, it reads through the brokers given. With a data directory (offline, or --data-dir
 * given with --brokers) it also takes the platform key and the gateway's saved heads from it.
 */
export async function runLogVerify(options: VerifyOptions, env: CliEnvironment): Promise<void> {
  const dataDir = resolve(options.dataDir ?? env.dataDir);
  // The default data directory is only trusted for keys and saved heads when the log itself is read from it.
  const platformDir = !options.brokers || options.dataDir !== undefined ? dataDir : null;
  let instance = options.instance;
  if (!instance) {
    const configPath = join(dataDir, 'platform.yaml');
    if (!existsSync(configPath)) fail(`no --instance given and no platform configuration at ${configPath} to read it from`);
    instance = loadPlatformConfigFile(configPath).platform.instance;
  }
  const topic = platformTopics(instance).messageLog;
  const keys = await loadKeys(options, platformDir);
  // Read before the log: a head saved while this runs would otherwise be ahead of what was read, and look cut.
  let savedHeads: MessageLogCheckpoint[] = [];
  if (platformDir) {
    try {
      savedHeads = readSavedHeads(gatewayDir(platformDir), topic);
    } catch (err) {
      fail((err as Error).message);
    }
  }
  let broker: KafkaBroker | null = null;
  let bootstrap = options.brokers;
  if (!bootstrap) {
    broker = new KafkaBroker({ dataDir: join(dataDir, 'kafka'), port: 0, host: '127.0.0.1', autoCreateTopics: false });
    try {
      bootstrap = `127.0.0.1:${(await broker.start()).port}`;
    } catch (err) {
      if (err instanceof DataDirLockedError) {
        fail(`${err.message}: the platform is running; verify against it with --brokers 127.0.0.1:9092`);
      }
      throw err;
    }
  }
  const connection = new MessagingConnection({ brokers: bootstrap!.split(',').map((b) => b.trim()), clientId: 'lgsp-log-verify' });
  try {
    const verifier = new MessageLogVerifier({ keys: keys?.keys, savedHeads });
    for (const m of await readTopicToEnd(connection, topic)) {
      let entry: unknown = null;
      try {
        entry = JSON.parse(m.value.toString('utf8')) as unknown;
      } catch {
        // Left null: reported as unreadable at its position.
      }
      verifier.add(entry);
    }
    const report = verifier.finish();
    const out: string[] = [];
    if (report.ok) {
      out.push(`message log of ${instance}: ${report.records} records in ${report.chains.length} chain(s) verified; nothing was changed, inserted or removed`);
    } else {
      out.push(`message log of ${instance}: ${report.problems.length} problem(s) in ${report.records} records`);
      for (const p of report.problems) out.push(`  ${describeProblem(p)}`);
    }
    for (const c of report.chains) out.push(coverage(c, report.signatures));
    out.push(
      keys
        ? `checkpoint signatures: ${plural(report.checkpoints, 'checkpoint')} checked against ${plural(keys.keys.length, 'platform key')} from ${keys.source}`
        : 'checkpoint signatures were NOT verified: no platform key (give --jwks <url-or-file>, or the --data-dir of the platform)',
    );
    if (platformDir) {
      out.push(
        savedHeads.length
          ? `saved heads: ${savedHeads.map((h) => `chain ${h.chain} at record ${h.seq}`).join(', ')} (from ${gatewayDir(platformDir)}) compared`
          : `saved heads: none in ${gatewayDir(platformDir)} for this log, so a tail cut together with its checkpoints would not show`,
      );
    }
    process.stdout.write(`${out.join('\n')}\n`);
    await connection.close();
    if (broker) await broker.stop();
    process.exit(report.ok ? 0 : 1);
  } catch (err) {
    await connection.close().catch(() => undefined);
    if (broker) await broker.stop();
    throw err;
  }
}

export function logCommand(env: CliEnvironment): Command {
  const log = new Command('log').description('the message log');
  log
    .command('verify')
    .description(
      'recompute the message log hash chains, check its signed checkpoints, and name the first record that was changed, inserted, rewritten or removed',
    )
    .option('--data-dir <dir>', `data directory of a stopped platform; also where the platform key and saved heads are read (default: ${env.dataDir})`)
    .option('--brokers <list>', 'verify a running platform through these Kafka brokers (host:port,…)')
    .option('--instance <id>', 'platform instance, e.g. lgsp-h56 (default: from <data-dir>/platform.yaml)')
    .option('--jwks <url-or-file>', "the platform's public keys, e.g. http://127.0.0.1:8080/.well-known/jwks.json (default: the key in <data-dir>/gateway)")
    .action((opts: VerifyOptions) => runLogVerify(opts, env));
  return log;
}
