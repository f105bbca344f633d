import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { addDays, compareLocalDates, dayOfWeek, isLocalDate, localDateOf, startOfLocalDate, weekdayName, yearOf } from './local-date';

describe('LocalDate', () => {
  it('accepts only real dates written YYYY-MM-DD', () => {
    for (const good of ['2026-02-16', '2024-02-29', '2000-02-29', '2030-12-31', '0001-01-01']) expect(isLocalDate(good)).toBe(true);
    for (const bad of ['2026-02-30', '2026-13-01', '2026-00-10', '2026-01-00', '2023-02-29', '1900-02-29', '2026-2-3', '26-02-16', '2026/02/16', ' 2026-02-16', '2026-02-16T00:00', '']) {
      expect(isLocalDate(bad)).toBe(false);
    }
    for (const notString of [20260216, null, undefined, new Date('2026-02-16'), { date: '2026-02-16' }]) expect(isLocalDate(notString)).toBe(false);
  });

  it('takes the date in Vietnam (UTC+7) of an instant', () => {
    expect(localDateOf(Date.UTC(2026, 1, 16, 16, 59, 59, 999))).toBe('2026-02-16');
    // 17:00 UTC is midnight in Hà Nội: a case received at 00:30 local time belongs to the new day.
    expect(localDateOf(Date.UTC(2026, 1, 16, 17, 0, 0))).toBe('2026-02-17');
    expect(localDateOf(new Date('2025-12-31T17:30:00Z'))).toBe('2026-01-01');
    expect(localDateOf(new Date('2026-02-17T06:30:00+07:00'))).toBe('2026-02-17');
    expect(() => localDateOf(new Date('nope'))).toThrow(TypeError);
  });

  it('gives the same dates on a machine in another time zone', () => {
    // jest pins TZ=UTC for the whole run, so the check runs in a child process set to a zone far from UTC and UTC+7.
    const script = `
      const d = require(${JSON.stringify(require.resolve('./local-date'))});
      process.stdout.write(JSON.stringify([
        new Date(Date.UTC(2026, 1, 16, 17)).getHours(),
        d.localDateOf(Date.UTC(2026, 1, 16, 17)),
        d.localDateOf(Date.UTC(2026, 1, 16, 16, 59)),
        new Date(d.startOfLocalDate('2026-02-17')).toISOString(),
        d.addDays('2026-03-07', 1),
        d.dayOfWeek('2026-03-08'),
      ]));`;
    const output = execFileSync(process.execPath, ['-r', join(__dirname, '..', '..', '..', 'test', 'support', 'ts-register.js'), '-e', script], {
      env: { ...process.env, TZ: 'America/Los_Angeles' },
      encoding: 'utf8',
    });
    // 9 proves the child really ran in Los Angeles (17:00 UTC is 09:00 there); 2026-03-08 is the night US clocks change.
    expect(JSON.parse(output)).toEqual([9, '2026-02-17', '2026-02-16', '2026-02-16T17:00:00.000Z', '2026-03-08', 0]);
  });

  it('starts a date at 00:00 UTC+7, 17:00 UTC the day before', () => {
    expect(new Date(startOfLocalDate('2026-02-17')).toISOString()).toBe('2026-02-16T17:00:00.000Z');
    expect(new Date(startOfLocalDate('2026-01-01')).toISOString()).toBe('2025-12-31T17:00:00.000Z');
    expect(() => startOfLocalDate('2026-02-30')).toThrow('"2026-02-30" is not a date written YYYY-MM-DD');
  });

  it('adds days across months, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2026-02-16', 365)).toBe('2027-02-16');
    expect(addDays('2026-02-16', 0)).toBe('2026-02-16');
    expect(() => addDays('2026-02-16', 1.5)).toThrow(RangeError);
  });

  it('names the day of the week (0 = Sunday)', () => {
    expect(dayOfWeek('2026-02-17')).toBe(2); // mùng 1 Tết Bính Ngọ, a Tuesday
    expect(dayOfWeek('2026-04-26')).toBe(0);
    expect(dayOfWeek('2023-04-29')).toBe(6);
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(dayOfWeek('1969-12-31')).toBe(3);
    expect(weekdayName('2026-09-02')).toBe('Wednesday');
  });

  it('compares and sorts dates', () => {
    expect(compareLocalDates('2026-02-16', '2026-02-17')).toBe(-1);
    expect(compareLocalDates('2026-02-17', '2026-02-17')).toBe(0);
    expect(compareLocalDates('2027-01-01', '2026-12-31')).toBe(1);
    expect(['2026-05-01', '2025-12-31', '2026-04-30'].sort(compareLocalDates)).toEqual(['2025-12-31', '2026-04-30', '2026-05-01']);
    expect(yearOf('2026-02-17')).toBe(2026);
  });

  const dates = fc.integer({ min: 0, max: 365 * 200 }).map((days) => addDays('1950-01-01', days));

  it('round-trips through the instant at its start, and through adding and taking away days', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: -5000, max: 5000 }), (date, n) => {
        expect(isLocalDate(date)).toBe(true);
        expect(localDateOf(startOfLocalDate(date))).toBe(date);
        expect(localDateOf(startOfLocalDate(date) + 24 * 3600 * 1000 - 1)).toBe(date);
        expect(addDays(addDays(date, n), -n)).toBe(date);
        expect(compareLocalDates(addDays(date, n), date)).toBe(Math.sign(n));
        expect(dayOfWeek(addDays(date, 7 * n))).toBe(dayOfWeek(date));
      }),
    );
  });
});
