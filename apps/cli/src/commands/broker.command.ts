import { Command } from 'commander';
import { join } from 'node:path';
import { DataDirLockedError, InvalidBrokerOptionError, KafkaBroker } from '@lgsp/kafka-broker';
import { exitWhenParentGone } from '@lgsp/observability';
import { CliEnvironment } from '../cli-environment';
import { createLogger } from '../logger';
import { parsePort, parsePositiveInt } from '../options';

export interface BrokerCommandOptions {
  host?: string;
  port: number;
  dataDir?: string;
  partitions: number;
}

/** The line supervisors and tests wait for; printed once connections are accepted. */
export const BROKER_READY_LINE = /^broker listening on (\S+):(\d+)$/m;

export async function runBroker(options: BrokerCommandOptions, env: CliEnvironment): Promise<void> {
  const logger = createLogger('broker', env.logLevel);
  const dataDir = options.dataDir ?? join(env.dataDir, 'kafka');
  let broker: KafkaBroker;
  try {
    broker = new KafkaBroker({ dataDir, host: options.host, port: options.port, defaultPartitions: options.partitions, logger });
    const address = await broker.start();
    const host = address.hosts[0].includes(':') ? `[${address.hosts[0]}]` : address.hosts[0];
    process.stdout.write(`broker listening on ${host}:${address.port}\n`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      fail(`port ${options.port} is already in use: is another broker running? Choose another with --port.`);
    } else if (err instanceof DataDirLockedError || err instanceof InvalidBrokerOptionError) {
      fail(err.message);
    }
    throw err;
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping broker');
    broker.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'broker did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  exitWhenParentGone(env.supervisorPid, () => stop('supervisor gone'));
}

function fail(message: string): never {
  process.stderr.write(`lgsp broker: ${message}\n`);
  process.exit(1);
}

export function brokerCommand(env: CliEnvironment): Command {
  return new Command('broker')
    .description('run the embedded Kafka-compatible broker alone')
    .option('--host <host>', 'listen on this host only (default: 127.0.0.1 and ::1)')
    .option('--port <port>', 'port to listen on; 0 = any free port', parsePort, 9092)
    .option('--data-dir <dir>', `where topics and offsets live (default: ${join(env.dataDir, 'kafka')})`)
    .option('--partitions <n>', 'partitions of auto-created topics', parsePositiveInt, 1)
    .action((opts: BrokerCommandOptions) => runBroker(opts, env));
}
