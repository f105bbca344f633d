import { Command } from 'commander';
import { readCliEnvironment } from './cli-environment';
import { benchCommand } from './commands/bench.command';
import { brokerCommand } from './commands/broker.command';
import { edxmlCommand } from './commands/edxml.command';
import { holidaysCommand } from './commands/holidays.command';
import { logCommand } from './commands/log.command';
import { newCommand } from './commands/new.command';
import { upCommand } from './commands/up.command';

function main(): void {
  let env;
  try {
    env = readCliEnvironment();
  } catch (err) {
    process.stderr.write(`lgsp: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const program = new Command('lgsp')
    .description('LGSP/NGSP data-sharing platform')
    .showHelpAfterError()
    .addCommand(upCommand(env))
    .addCommand(brokerCommand(env))
    .addCommand(benchCommand(env))
    .addCommand(logCommand(env))
    .addCommand(edxmlCommand())
    .addCommand(holidaysCommand())
    .addCommand(newCommand(env));
  program.parseAsync(process.argv).catch((err: Error) => {
    process.stderr.write(`lgsp: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}

main();
