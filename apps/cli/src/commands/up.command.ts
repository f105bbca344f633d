import { Command } from 'commander';
import { resolve } from 'node:path';
import { CliEnvironment } from '../cli-environment';
import { parsePort } from '../options';
import { ensureDemoPlatform } from '../supervisor/demo-platform';
import { platformServices } from '../supervisor/platform-services';
import { Supervisor, SupervisorOutput } from '../supervisor/supervisor';

interface UpOptions {
  dataDir?: string;
  kafkaPort: number;
  gatewayPort: number;
  portalPort: number;
  databasesPort: number;
  config?: string;
}

const COLOURS = [36, 35, 33, 32, 34, 31];

function consoleOutput(names: string[]): SupervisorOutput {
  const width = Math.max(...names.map((n) => n.length));
  const tty = process.stdout.isTTY;
  const prefix = (name: string): string => {
    const label = `[${name.padEnd(width)}]`;
    return tty ? `\u001b[${COLOURS[names.indexOf(name) % COLOURS.length]}m${label}\u001b[0m` : label;
  };
  return {
    line: (service, text, stream) => (stream === 'err' ? process.stderr : process.stdout).write(`${prefix(service)} ${text}\n`),
    notice: (text) => process.stdout.write(`[lgsp] ${text}\n`),
  };
}

export async function runUp(options: UpOptions, env: CliEnvironment): Promise<void> {
  const dataDir = resolve(options.dataDir ?? env.dataDir);
  let platformConfig = options.config ? resolve(options.config) : null;
  let credentialsNote = '';
  if (!platformConfig) {
    const demo = await ensureDemoPlatform(dataDir);
    platformConfig = demo.configPath;
    credentialsNote = `\n  demo platform: Thanh Hóa (H56), ${demo.created ? 'generated in' : 'from'} ${demo.configPath}\n  demo client ids and secrets: ${demo.credentialsPath}`;
  }
  const specs = platformServices({
    dataDir,
    kafkaPort: options.kafkaPort,
    gatewayPort: options.gatewayPort,
    portalPort: options.portalPort,
    databasesPort: options.databasesPort,
    platformConfig,
    cliEntry: process.argv[1],
  });
  const output = consoleOutput(specs.map((s) => s.name));
  const supervisor = new Supervisor(specs, output);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    output.notice('stopping…');
    supervisor.stop().then(() => {
      output.notice('all services stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    const started = await supervisor.start();
    const lines = started.map((s) => `  ${s.name.padEnd(12)} ${s.address.padEnd(28)} pid ${s.pid}`);
    output.notice(`platform is up (data in ${dataDir}); Ctrl-C stops it\n${lines.join('\n')}${credentialsNote}`);
  } catch (err) {
    output.notice(`start-up failed: ${(err as Error).message}`);
    await supervisor.stop();
    process.exit(1);
  }
}

export function upCommand(env: CliEnvironment): Command {
  return new Command('up')
    .description('run the whole platform on this machine: the broker and every app, supervised')
    .option('--data-dir <dir>', `root of all platform data (default: ${env.dataDir})`)
    .option('--kafka-port <port>', 'port of the embedded broker', parsePort, 9092)
    .option('--gateway-port <port>', 'HTTP port of the gateway', parsePort, 8080)
    .option('--portal-port <port>', 'HTTP port of the simulated national public-service portal', parsePort, 8095)
    .option('--databases-port <port>', 'HTTP port of the simulated national databases', parsePort, 8096)
    .option('--config <file>', 'platform configuration (YAML or JSON); default: the generated Thanh Hóa demo')
    .action((opts: UpOptions) => runUp(opts, env));
}
