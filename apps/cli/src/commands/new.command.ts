import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CliEnvironment } from '../cli-environment';
import {
  CONNECTORS_DIR,
  nextSteps,
  planConnectorScaffold,
  SCAFFOLD_IDENTIFIERS,
  ScaffoldError,
  type ScaffoldIdentifier,
  writeConnectorScaffold,
} from '../scaffold/connector-scaffold';

interface ConnectorOptions {
  system?: string;
  title?: string;
  identifier: ScaffoldIdentifier;
  personalData?: boolean;
  root?: string;
}

/** The checkout this `lgsp` was built from: the nearest folder above it that holds the connectors. */
function defaultRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, CONNECTORS_DIR)) && existsSync(join(dir, 'package.json'))) return dir;
  }
  return process.cwd();
}

function runConnector(name: string, opts: ConnectorOptions, env: CliEnvironment): void {
  const root = resolve(opts.root ?? defaultRoot());
  try {
    const scaffold = planConnectorScaffold(root, { name, system: opts.system, title: opts.title, identifier: opts.identifier, personalData: opts.personalData });
    writeConnectorScaffold(root, scaffold);
    process.stdout.write(`${nextSteps(scaffold, env.dataDir)}\n`);
  } catch (error) {
    if (!(error instanceof ScaffoldError)) throw error;
    process.stderr.write(`lgsp new connector: ${error.message}\n`);
    process.exit(2);
  }
}

/** `lgsp new connector <name>`: what a developer runs to add a national database. */
export function newCommand(env: CliEnvironment): Command {
  const command = new Command('new').description('scaffold a new part of the platform');
  command
    .command('connector')
    .description('a national-database connector module and its spec, added to the connectors the platform serves')
    .argument('<name>', 'kebab case, e.g. civil-status: the file, the gateway service national.<name> and the system', (value: string) => {
      if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(value)) throw new InvalidArgumentError('use lower-case letters, digits and single hyphens, starting with a letter (e.g. civil-status).');
      return value;
    })
    .option('--system <system>', 'the national system\'s name in its path prefix and credentials (default: the name)')
    .option('--title <text>', 'the system\'s name in sentences (default: "The <name> system")')
    .addOption(
      new Option('--identifier <kind>', 'what a record is looked up by')
        .choices(Object.keys(SCAFFOLD_IDENTIFIERS))
        .default('personal-id'),
    )
    .option('--personal-data', 'lookups need a stated case or purpose (the default for personal-id and social-insurance-code)')
    .option('--no-personal-data', 'the records are about organisations; lookups need no stated case')
    .option('--root <dir>', 'the platform checkout to add it to (default: the one this lgsp runs from)')
    .action((name: string, opts: ConnectorOptions) => runConnector(name, opts, env));
  return command;
}
