import { Command, InvalidArgumentError } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  checkHolidayTable,
  defaultHolidayTablePath,
  formatHolidayTable,
  generateHolidayTable,
  HolidayTableError,
  parseHolidayTable,
  type HolidayTable,
} from '@lgsp/working-days';

interface GenerateOptions {
  from: number;
  to: number;
  out?: string;
}

function year(value: string): number {
  if (!/^\d{4}$/.test(value)) throw new InvalidArgumentError('a year has four digits, e.g. 2026');
  return Number(value);
}

function runGenerate(opts: GenerateOptions): void {
  let text: string;
  try {
    text = formatHolidayTable(generateHolidayTable(opts.from, opts.to));
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    process.stderr.write(`lgsp holidays generate: ${err.message}\n`);
    process.exit(2);
  }
  if (!opts.out) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(opts.out, text);
  } catch (err) {
    process.stderr.write(`lgsp holidays generate: cannot write ${opts.out}: ${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stdout.write(`${opts.out}: ${opts.to - opts.from + 1} years (${opts.from}–${opts.to}) written; check them with \`lgsp holidays check ${opts.out}\`\n`);
}

function runCheck(file: string | undefined): void {
  let path: string;
  let text: string;
  try {
    path = file ?? defaultHolidayTablePath();
    text = readFileSync(path, 'utf8');
  } catch (err) {
    process.stderr.write(`lgsp holidays check: cannot read the holiday table: ${(err as Error).message}\n`);
    process.exit(2);
  }
  let table: HolidayTable;
  try {
    table = parseHolidayTable(text, path);
  } catch (err) {
    if (!(err instanceof HolidayTableError)) throw err;
    process.stdout.write(`${err.message}\n`);
    process.exit(1);
  }
  const checks = checkHolidayTable(table);
  const lines: string[] = [];
  let disagreements = 0;
  let yearsDisagreeing = 0;
  for (const check of checks) {
    if (check.disagreements.length === 0) {
      lines.push(`${check.summary} — ok`);
      continue;
    }
    disagreements += check.disagreements.length;
    yearsDisagreeing++;
    lines.push(`${check.summary} — ${check.disagreements.length} disagreement${check.disagreements.length === 1 ? '' : 's'}:`);
    for (const d of check.disagreements) lines.push(`  - ${d.path}: ${d.message}`);
  }
  const span = `${table.firstYear}–${table.lastYear}`;
  lines.push(
    disagreements === 0
      ? `${path}: ${span} agree with Vietnam's lunar calendar (date-holidays) and the Labour Code's holidays`
      : `${path}: ${disagreements} disagreement${disagreements === 1 ? '' : 's'} in ${yearsDisagreeing} of ${checks.length} years (${span})`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  if (disagreements > 0) process.exitCode = 1;
}

/** `lgsp holidays generate|check`: the working-day calendar's holiday table (config/holidays/vietnam.yaml). */
export function holidaysCommand(): Command {
  const holidays = new Command('holidays').description("Vietnam's holiday table, from which case tracking computes working-day due dates");
  holidays
    .command('generate')
    .description('the default table by the Labour Code rules and the lunar calendar, as YAML (stdout, or --out)')
    .requiredOption('--from <year>', 'first year', year)
    .requiredOption('--to <year>', 'last year (inclusive)', year)
    .option('-o, --out <file>', 'write the table here instead of stdout')
    .action((opts: GenerateOptions) => runGenerate(opts));
  holidays
    .command('check')
    .description("validate a table and compare each year's Tết, Hùng Kings' day and fixed holidays with the lunar calendar; exits 1 naming every disagreement")
    .argument('[file]', 'the table (default: the shipped config/holidays/vietnam.yaml)')
    .action((file: string | undefined) => runCheck(file));
  return holidays;
}
