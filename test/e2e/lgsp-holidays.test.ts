import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, defaultHolidayTablePath } from '@lgsp/working-days';
import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned } from '@lgsp/test-support/spawned';

jest.setTimeout(60_000);

/** `lgsp holidays`: what an operator runs when the Government announces a year's schedule. */
describe('lgsp holidays', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-holidays-'));
  const file = (name: string) => join(dir, name);
  const lgsp = async (...args: string[]) => {
    const p = new Spawned(process.execPath, [cliEntry(), 'holidays', ...args], {});
    const { code } = await p.exit();
    return { code, stdout: p.stdout, stderr: p.stderr };
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the shipped table, one line per year', async () => {
    const checked = await lgsp('check');
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    const lines = checked.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(16);
    expect(lines[10]).toBe(
      '2026: Tết Bính Ngọ 2026-02-16 … 2026-02-20 (mùng 1 2026-02-17), Giỗ Tổ Hùng Vương 2026-04-26; 12 days off (11 on weekdays), 0 weekend days worked — ok',
    );
    expect(lines[15]).toBe(`${defaultHolidayTablePath()}: 2016–2030 agree with Vietnam's lunar calendar (date-holidays) and the Labour Code's holidays`);
  });

  it('exits 1 naming the date when Tết is moved by one day', async () => {
    // Every 2026 day named Tết Nguyên Đán one day later: 16–20 February become 17–21.
    const moved = readFileSync(defaultHolidayTablePath(), 'utf8').replace(
      /date: (2026-\d\d-\d\d), name: "Tết Nguyên Đán/g,
      (_, date: string) => `date: ${addDays(date, 1)}, name: "Tết Nguyên Đán`,
    );
    writeFileSync(file('moved.yaml'), moved);
    const checked = await lgsp('check', file('moved.yaml'));
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('2026: Tết Bính Ngọ 2026-02-17 … 2026-02-21 (mùng 1 2026-02-17)');
    expect(checked.stdout).toContain(
      `  - years.2026.daysOff: Tết Bính Ngọ must include 2026-02-16 (the last day of the lunar year, by date-holidays' lunar calendar), but no day named "Tết Nguyên Đán…" falls on it\n`,
    );
    expect(checked.stdout).toContain('2025: Tết Ất Tỵ 2025-01-28 … 2025-02-01 (mùng 1 2025-01-29)');
    expect(checked.stdout.trimEnd().split('\n').pop()).toBe(`${file('moved.yaml')}: 3 disagreements in 1 of 15 years (2016–2030)`);
  });

  it('exits 1 naming the field of a table that does not read, and 2 for a file it cannot read', async () => {
    writeFileSync(file('broken.yaml'), 'years:\n  2026:\n    daysOff:\n      - { date: 2026-02-30, name: "Tết Nguyên Đán" }\n');
    const broken = await lgsp('check', file('broken.yaml'));
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe(`Invalid holiday table in ${file('broken.yaml')} (1 problem):\n  - years.2026.daysOff[0].date: 2026-02-30 is not a date\n`);

    const missing = await lgsp('check', file('nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('lgsp holidays check: cannot read the holiday table: ENOENT');
  });

  it('generates a table that checks, to stdout or a file', async () => {
    const printed = await lgsp('generate', '--from', '2026', '--to', '2027');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^# Vietnam's working-day calendar, 2026–2027/);
    expect(printed.stdout).toContain('      - { date: 2026-04-27, name: "Nghỉ bù cho Giỗ Tổ Hùng Vương, Chủ nhật 26/04" }\n');

    const written = await lgsp('generate', '--from', '2026', '--to', '2027', '--out', file('generated.yaml'));
    expect(written.code).toBe(0);
    expect(readFileSync(file('generated.yaml'), 'utf8')).toBe(printed.stdout);
    const checked = await lgsp('check', file('generated.yaml'));
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(`${file('generated.yaml')}: 2026–2027 agree with`);

    const reversed = await lgsp('generate', '--from', '2027', '--to', '2026');
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toBe('lgsp holidays generate: fromYear 2027 is after toYear 2026\n');
  });
});
