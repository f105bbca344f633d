import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultHolidayTablePath,
  formatHolidayTable,
  generateHolidayTable,
  generateHolidayYear,
  HolidayTableError,
  loadHolidayTable,
  lunarYearName,
  nationalDayAdjacentDate,
  parseHolidayTable,
  validateHolidayTable,
} from './holiday-table';

/** The problems a table is refused for, as `path: message` lines. */
function problems(text: string): string[] {
  try {
    parseHolidayTable(text, 'test.yaml');
  } catch (error) {
    if (error instanceof HolidayTableError) return error.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
    throw error;
  }
  throw new Error('the table was accepted');
}

const dates = (days: readonly { date: string }[]) => days.map((day) => day.date);

describe('holiday table: reading and checking the file', () => {
  const valid = `
years:
  2026:
    daysOff:
      - { date: 2026-01-01, name: "Tết Dương lịch" }
      - { date: 2026-02-17, name: "Tết Nguyên Đán (mùng 1)" }
      - { date: 2026-02-13, name: "Nghỉ hoán đổi" }
    workingDays:
      - { date: 2026-02-28, name: "Làm bù cho 2026-02-13" }
  2027:
    daysOff: []
`;

  it('reads a table into years in order, each list sorted by date, a missing workingDays as none', () => {
    const table = parseHolidayTable(valid, 'test.yaml');
    expect(table).toEqual({
      firstYear: 2026,
      lastYear: 2027,
      source: 'test.yaml',
      years: [
        {
          year: 2026,
          daysOff: [
            { date: '2026-01-01', name: 'Tết Dương lịch' },
            { date: '2026-02-13', name: 'Nghỉ hoán đổi' },
            { date: '2026-02-17', name: 'Tết Nguyên Đán (mùng 1)' },
          ],
          workingDays: [{ date: '2026-02-28', name: 'Làm bù cho 2026-02-13' }],
        },
        { year: 2027, daysOff: [], workingDays: [] },
      ],
    });
  });

  it('names the field of a date that does not exist', () => {
    const text = valid.replace('date: 2026-02-13', 'date: 2026-02-30');
    expect(problems(text)).toEqual(['years.2026.daysOff[2].date: 2026-02-30 is not a date']);
    expect(() => parseHolidayTable(text, 'test.yaml')).toThrow(
      'Invalid holiday table in test.yaml (1 problem):\n  - years.2026.daysOff[2].date: 2026-02-30 is not a date',
    );
  });

  it('names the field of every shape problem at once', () => {
    const text = `
years:
  2026:
    daysOff:
      - { date: 2026-13-01, name: "x" }
      - { date: 2026-2-3, name: "x" }
      - { date: 20260216, name: "x" }
      - { date: 2026-02-16 }
      - { date: 2026-02-17, name: "  " }
      - { date: 2026-02-18, name: "x", kind: tet }
    holidays: []
  20x6:
    daysOff: []
  2027: {}
`;
    expect(problems(text)).toEqual([
      'years.2026.daysOff[0].date: 2026-13-01 is not a date',
      'years.2026.daysOff[1].date: "2026-2-3" is not a date written YYYY-MM-DD',
      'years.2026.daysOff[2].date: must be a date written YYYY-MM-DD (got 20260216)',
      'years.2026.daysOff[3].name: is required',
      'years.2026.daysOff[4].name: must not be empty',
      'years.2026.daysOff[5].kind: is not a known field',
      'years.2026.holidays: is not a known field',
      'years.2027.daysOff: is required',
      'years.20x6: "20x6" is not a year (four digits, 1000–2999)',
    ]);
  });

  it('refuses a day listed twice, a date outside its year, and a working day that is not a weekend or is also off', () => {
    const text = `
years:
  2026:
    daysOff:
      - { date: 2026-02-17, name: "Tết Nguyên Đán (mùng 1)" }
      - { date: 2025-12-31, name: "Tết Dương lịch" }
      - { date: 2026-02-17, name: "Tết Nguyên Đán (mùng 1)" }
      - { date: 2026-02-14, name: "Nghỉ" }
    workingDays:
      - { date: 2026-02-18, name: "Làm bù" }
      - { date: 2026-02-14, name: "Làm bù" }
      - { date: 2027-01-02, name: "Làm bù" }
`;
    expect(problems(text)).toEqual([
      'years.2026.daysOff[1].date: 2025-12-31 is not in 2026',
      'years.2026.daysOff[2].date: 2026-02-17 is listed twice (first at years.2026.daysOff[0])',
      'years.2026.workingDays[2].date: 2027-01-02 is not in 2026',
      'years.2026.workingDays[0].date: 2026-02-18 is a Wednesday: only a Saturday or Sunday can be declared a working day',
      'years.2026.workingDays[1].date: 2026-02-14 is also a day off (years.2026.daysOff[3])',
    ]);
  });

  it('refuses a gap between years, which the calendar would count as holiday-free', () => {
    expect(problems('years:\n  2016: { daysOff: [] }\n  2019: { daysOff: [] }\n')).toEqual([
      'years: 2017, 2018 are missing: the table must cover every year from 2016 to 2019',
    ]);
    expect(problems('years: {}\n')).toEqual(['years: must list at least one year']);
    expect(problems('{}\n')).toEqual(['years: is required']);
  });

  it('says when the text is not YAML, or a year is written twice', () => {
    expect(problems('years: [\n')[0]).toMatch(/^not valid YAML: /);
    expect(problems('years:\n  2026: { daysOff: [] }\n  2026: { daysOff: [] }\n')[0]).toMatch(/^not valid YAML: .*unique/i);
  });

  it('takes tables built in code too, and reads files, naming the file it cannot read', () => {
    expect(validateHolidayTable({ years: { 2030: { daysOff: [{ date: '2030-01-01', name: 'Tết Dương lịch' }] } } }).lastYear).toBe(2030);
    const dir = mkdtempSync(join(tmpdir(), 'holidays-'));
    try {
      writeFileSync(join(dir, 'vn.yaml'), valid);
      expect(loadHolidayTable(join(dir, 'vn.yaml')).source).toBe(join(dir, 'vn.yaml'));
      expect(() => loadHolidayTable(join(dir, 'missing.yaml'))).toThrow(`Invalid holiday table in ${join(dir, 'missing.yaml')} (1 problem):\n  - cannot read the file: ENOENT`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the shipped table at the repository root from the TypeScript sources', () => {
    expect(defaultHolidayTablePath()).toBe(join(__dirname, '..', '..', '..', 'config', 'holidays', 'vietnam.yaml'));
  });
});

describe('holiday table: generating the default by the rules', () => {
  it('2026 (Bính Ngọ): Tết on five weekdays, Hùng Kings on a Sunday gives Monday off, 3 September next to a Wednesday', () => {
    const year = generateHolidayYear(2026);
    expect(year.daysOff).toEqual([
      { date: '2026-01-01', name: 'Tết Dương lịch' },
      { date: '2026-02-16', name: 'Tết Nguyên Đán (ngày cuối năm âm lịch)' },
      { date: '2026-02-17', name: 'Tết Nguyên Đán (mùng 1)' },
      { date: '2026-02-18', name: 'Tết Nguyên Đán (mùng 2)' },
      { date: '2026-02-19', name: 'Tết Nguyên Đán (mùng 3)' },
      { date: '2026-02-20', name: 'Tết Nguyên Đán (mùng 4)' },
      { date: '2026-04-26', name: 'Giỗ Tổ Hùng Vương' },
      { date: '2026-04-27', name: 'Nghỉ bù cho Giỗ Tổ Hùng Vương, Chủ nhật 26/04' },
      { date: '2026-04-30', name: 'Ngày Chiến thắng' },
      { date: '2026-05-01', name: 'Ngày Quốc tế Lao động' },
      { date: '2026-09-02', name: 'Quốc khánh' },
      { date: '2026-09-03', name: 'Quốc khánh (ngày liền kề)' },
    ]);
    expect(year.workingDays).toEqual([]);
  });

  it('2016 (Labour Code 2012): no day next to 2 September; the eve of Tết on a Sunday, Hùng Kings on a Saturday, 30/4–1/5 on a weekend', () => {
    expect(dates(generateHolidayYear(2016).daysOff)).toEqual([
      '2016-01-01',
      '2016-02-07', // Sunday, the last day of Ất Mùi
      '2016-02-08',
      '2016-02-09',
      '2016-02-10',
      '2016-02-11',
      '2016-02-12', // Friday, for the Sunday
      '2016-04-16', // Saturday
      '2016-04-18', // Monday, for it
      '2016-04-30', // Saturday
      '2016-05-01', // Sunday
      '2016-05-02',
      '2016-05-03',
      '2016-09-02',
    ]);
  });

  it('2021: mùng 2 and mùng 3 on the weekend move to the Tuesday and Wednesday after mùng 4', () => {
    const days = generateHolidayYear(2021).daysOff.filter((day) => day.date >= '2021-02-11' && day.date <= '2021-02-28');
    expect(days).toEqual([
      { date: '2021-02-11', name: 'Tết Nguyên Đán (ngày cuối năm âm lịch)' },
      { date: '2021-02-12', name: 'Tết Nguyên Đán (mùng 1)' },
      { date: '2021-02-13', name: 'Tết Nguyên Đán (mùng 2)' },
      { date: '2021-02-14', name: 'Tết Nguyên Đán (mùng 3)' },
      { date: '2021-02-15', name: 'Tết Nguyên Đán (mùng 4)' },
      { date: '2021-02-16', name: 'Nghỉ bù cho Tết Nguyên Đán (mùng 2), Thứ Bảy 13/02' },
      { date: '2021-02-17', name: 'Nghỉ bù cho Tết Nguyên Đán (mùng 3), Chủ nhật 14/02' },
    ]);
  });

  it('2023: Hùng Kings on Saturday 29/4 and 30/4 on Sunday compensate after 1 May, not on it', () => {
    const days = generateHolidayYear(2023).daysOff.filter((day) => day.date >= '2023-04-01' && day.date <= '2023-05-31');
    expect(days).toEqual([
      { date: '2023-04-29', name: 'Giỗ Tổ Hùng Vương' },
      { date: '2023-04-30', name: 'Ngày Chiến thắng' },
      { date: '2023-05-01', name: 'Ngày Quốc tế Lao động' },
      { date: '2023-05-02', name: 'Nghỉ bù cho Giỗ Tổ Hùng Vương, Thứ Bảy 29/04' },
      { date: '2023-05-03', name: 'Nghỉ bù cho Ngày Chiến thắng, Chủ nhật 30/04' },
    ]);
  });

  it('picks the day next to 2 September that joins a weekend, and compensates a 2 September on a weekend', () => {
    // 2 September falls on: 2021 Thu, 2022 Fri, 2023 Sat, 2024 Mon, 2025 Tue, 2026 Wed, 2027 Thu, 2028 Sat, 2029 Sun, 2030 Mon.
    const september = (year: number) => dates(generateHolidayYear(year).daysOff).filter((date) => date.slice(5, 7) === '09');
    expect(september(2020)).toEqual(['2020-09-02']);
    expect(september(2021)).toEqual(['2021-09-02', '2021-09-03']);
    expect(september(2022)).toEqual(['2022-09-01', '2022-09-02']);
    expect(september(2023)).toEqual(['2023-09-01', '2023-09-02', '2023-09-04']);
    expect(september(2024)).toEqual(['2024-09-02', '2024-09-03']);
    expect(september(2025)).toEqual(['2025-09-01', '2025-09-02']);
    expect(september(2026)).toEqual(['2026-09-02', '2026-09-03']);
    expect(september(2027)).toEqual(['2027-09-02', '2027-09-03']);
    expect(september(2028)).toEqual(['2028-09-01', '2028-09-02', '2028-09-04']);
    expect(september(2029)).toEqual(['2029-09-02', '2029-09-03', '2029-09-04']);
    expect(september(2030)).toEqual(['2030-09-02', '2030-09-03']);
    expect(nationalDayAdjacentDate(2025)).toBe('2025-09-01');
  });

  it('refuses years it cannot read the lunar calendar for, and a reversed range', () => {
    expect(() => generateHolidayTable(2026, 2025)).toThrow('fromYear 2026 is after toYear 2025');
    expect(() => generateHolidayTable(1800, 2025)).toThrow('fromYear 1800 is not a year between 1900 and 2199');
    expect(() => generateHolidayTable(2016, 2030.5)).toThrow(RangeError);
  });

  it('names the lunar years as announcements do', () => {
    expect([2016, 2020, 2024, 2025, 2026, 2030].map(lunarYearName)).toEqual(['Bính Thân', 'Canh Tý', 'Giáp Thìn', 'Ất Tỵ', 'Bính Ngọ', 'Canh Tuất']);
  });

  it('writes YAML that says what it is and reads back into the same table', () => {
    const table = generateHolidayTable(2025, 2027);
    const text = formatHolidayTable(table);
    expect(text).toMatch(/^# Vietnam's working-day calendar, 2025–2027/);
    expect(text).toContain('# [I] Configuration, not law');
    expect(text).toContain('lgsp holidays generate --from 2025 --to 2027 --out config/holidays/vietnam.yaml');
    expect(text).toContain('`lgsp holidays check [FILE]`');
    expect(text).toContain('  # 2026: Tết Bính Ngọ (mùng 1: 2026-02-17); Giỗ Tổ Hùng Vương 2026-04-26\n  2026:\n    daysOff:\n');
    expect(text).toContain('      - { date: 2026-02-16, name: "Tết Nguyên Đán (ngày cuối năm âm lịch)" }\n');
    expect(parseHolidayTable(text)).toEqual(table);
  });
});
