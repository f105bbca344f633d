import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { platformTopics } from '@lgsp/contracts';
import { DataDirLockedError, KafkaBroker } from '@lgsp/kafka-broker';
import { describeProblem, verifyRecords } from '@lgsp/message-log';
import { MessagingConnection, readTopicToEnd } from '@lgsp/messaging';
import { loadPlatformConfigFile } from '@lgsp/registry';
import { CliEnvironment } from '../cli-environment';

interface VerifyOptions {
  dataDir?: string;
  brokers?: string;
  instance?: string;
}

function fail(message: string, code = 2): never {
  process.stderr.write(`lgsp log verify: ${message}\n`);
  process.exit(code);
}

/**
 * Recomputes the message log's hash chains. Offline, it opens the platform's data directory with a private
 * broker (the platform must be stopped: a data directory has one broker at a time); against a running platform,
 * it reads through the brokers given.
 */
export async function runLogVerify(options: VerifyOptions, env: CliEnvironment): Promise<void> {
  const dataDir = resolve(options.dataDir ?? env.dataDir);
  let instance = options.instance;
  if (!instance) {
    const configPath = join(dataDir, 'platform.yaml');
    if (!existsSync(configPath)) fail(`no --instance given and no platform configuration at ${configPath} to read it from`);
    instance = loadPlatformConfigFile(configPath).platform.instance;
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
    const topic = platformTopics(instance).messageLog;
    const messages = await readTopicToEnd(connection, topic);
    const records = messages.map((m) => {
      try {
        return JSON.parse(m.value.toString('utf8')) as unknown;
      } catch {
        return null;
      }
    });
    const report = verifyRecords(records);
    const chains = report.chains.map((c) => `  chain ${c.chain}: ${c.records} records, last seq ${c.lastSeq}`).join('\n');
    if (report.ok) {
      process.stdout.write(`message log of ${instance}: ${report.records} records in ${report.chains.length} chain(s) verified; nothing was changed, inserted or removed\n${chains}\n`);
    } else {
      process.stdout.write(`message log of ${instance}: ${report.problems.length} problem(s) in ${report.records} records\n`);
      for (const p of report.problems) process.stdout.write(`  ${describeProblem(p)}\n`);
    }
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
    .description('recompute the message log hash chains and name the first record that was changed, inserted or removed')
    .option('--data-dir <dir>', `data directory of a stopped platform (default: ${env.dataDir})`)
    .option('--brokers <list>', 'verify a running platform through these Kafka brokers (host:port,…)')
    .option('--instance <id>', 'platform instance, e.g. lgsp-h56 (default: from <data-dir>/platform.yaml)')
    .action((opts: VerifyOptions) => runLogVerify(opts, env));
  return log;
}
