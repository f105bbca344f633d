import Holidays from 'date-holidays';
import { checkHolidayTable } from './holiday-table-check';
import { defaultHolidayTablePath, loadHolidayTable, statutoryHolidayCount, type HolidayYear } from './holiday-table';
import { addDays, isWeekend } from './local-date';

/** The shipped config/holidays/vietnam.yaml, year by year, against date-holidays read directly (not through this library). */
describe('the shipped holiday table', () => {
  const table = loadHolidayTable(defaultHolidayTablePath());
  const vietnam = new Holidays('VN');
  const lunar = (year: number, rule: string) => {
    const found = vietnam.getHolidays(year).find((holiday) => holiday.rule === rule);
    if (!found) throw new Error(`date-holidays has no ${rule} in ${year}`);
    return found.date.slice(0, 10);
  };
  const yearOf = (year: number): HolidayYear => {
    const found = table.years.find((entry) => entry.year === year);
    if (!found) throw new Error(`the table has no ${year}`);
    return found;
  };
  const offDates = (year: number) => yearOf(year).daysOff.map((day) => day.date);
  const YEARS = Array.from({ length: 15 }, (_, index) => 2016 + index);

  it('covers 2016 to 2030, with no working weekend days (no announced schedule is encoded)', () => {
    expect([table.firstYear, table.lastYear]).toEqual([2016, 2030]);
    expect(table.years.map((entry) => entry.year)).toEqual(YEARS);
    expect(table.years.flatMap((entry) => entry.workingDays)).toEqual([]);
  });

  // Written out from Vietnam's calendar, as a check on date-holidays itself: 2030 is where Vietnam (UTC+7) and
  // China (UTC+8) differ, and a lunar library on the Chinese calendar would give 2030-02-03.
  const LUNAR_NEW_YEAR: Record<number, string> = {
    2016: '2016-02-08', 2017: '2017-01-28', 2018: '2018-02-16', 2019: '2019-02-05', 2020: '2020-01-25',
    2021: '2021-02-12', 2022: '2022-02-01', 2023: '2023-01-22', 2024: '2024-02-10', 2025: '2025-01-29',
    2026: '2026-02-17', 2027: '2027-02-06', 2028: '2028-01-26', 2029: '2029-02-13', 2030: '2030-02-02',
  };
  const HUNG_KINGS: Record<number, string> = {
    2016: '2016-04-16', 2017: '2017-04-06', 2018: '2018-04-25', 2019: '2019-04-14', 2020: '2020-04-02',
    2021: '2021-04-21', 2022: '2022-04-10', 2023: '2023-04-29', 2024: '2024-04-18', 2025: '2025-04-07',
    2026: '2026-04-26', 2027: '2027-04-16', 2028: '2028-04-04', 2029: '2029-04-23', 2030: '2030-04-12',
  };

  describe.each(YEARS)('%i', (year) => {
    it("has Tết's five days from the last day of the lunar year, by date-holidays", () => {
      const newYear = lunar(year, 'vietnamese 1-0-1');
      expect(newYear).toBe(LUNAR_NEW_YEAR[year]);
      const tet = yearOf(year).daysOff.filter((day) => day.name.startsWith('Tết Nguyên Đán')).map((day) => day.date);
      expect(tet).toHaveLength(5);
      // Five consecutive days holding the last day of the lunar year and mùng 1–3: the generated [last day … mùng 4],
      // or [the day before … mùng 3] should an announced schedule replace it.
      expect(tet).toEqual([0, 1, 2, 3, 4].map((offset) => addDays(tet[0]!, offset)));
      expect(tet).toEqual(expect.arrayContaining([-1, 0, 1, 2].map((offset) => addDays(newYear, offset))));
    });

    it("has Hùng Kings' day (10th of the 3rd lunar month), by date-holidays", () => {
      const hungKings = lunar(year, 'vietnamese 3-0-10');
      expect(hungKings).toBe(HUNG_KINGS[year]);
      expect(yearOf(year).daysOff).toContainEqual({ date: hungKings, name: 'Giỗ Tổ Hùng Vương' });
    });

    it('has 1 January, 30 April, 1 May and 2 September, and from 2021 a day next to 2 September', () => {
      const off = offDates(year);
      for (const monthDay of ['01-01', '04-30', '05-01', '09-02']) expect(off).toContain(`${year}-${monthDay}`);
      // Before 2021 a 3 September off can only be a compensatory day (2018: 2 September was a Sunday).
      const adjacent = yearOf(year).daysOff.filter((day) => day.name === 'Quốc khánh (ngày liền kề)').map((day) => day.date);
      expect(adjacent).toHaveLength(year >= 2021 ? 1 : 0);
      for (const date of adjacent) expect([`${year}-09-01`, `${year}-09-03`]).toContain(date);
    });

    it('gives every holiday on a weekend its own weekday off: weekdays off, net of weekend days worked, equal the paid holidays', () => {
      const weekdaysOff = offDates(year).filter((date) => !isWeekend(date)).length;
      expect(weekdaysOff - yearOf(year).workingDays.length).toBe(statutoryHolidayCount(year));
    });
  });

  it('compensates on the next working day, as worked out by hand', () => {
    // 2026: Hùng Kings on Sunday 26/4 → Monday 27/4.
    expect(offDates(2026)).toEqual(expect.arrayContaining(['2026-04-26', '2026-04-27']));
    // 2022: 30/4 Saturday and 1/5 Sunday → Monday 2/5 and Tuesday 3/5; 1/1 Saturday → Monday 3/1.
    expect(offDates(2022)).toEqual(expect.arrayContaining(['2022-01-03', '2022-05-02', '2022-05-03']));
    expect(offDates(2022)).not.toContain('2022-05-04');
    // 2030: mùng 1 Saturday 2/2 and mùng 2 Sunday 3/2 → Wednesday 6/2 and Thursday 7/2 (after mùng 3–4 on Monday–Tuesday).
    expect(offDates(2030).filter((date) => date.startsWith('2030-02'))).toEqual([
      '2030-02-01', '2030-02-02', '2030-02-03', '2030-02-04', '2030-02-05', '2030-02-06', '2030-02-07',
    ]);
    // 2029: 2 September on a Sunday, 3 September its neighbour → Tuesday 4 September.
    expect(offDates(2029).filter((date) => date.startsWith('2029-09'))).toEqual(['2029-09-02', '2029-09-03', '2029-09-04']);
  });

  it('passes the check `lgsp holidays check` runs', () => {
    const checks = checkHolidayTable(table);
    expect(checks.map((check) => check.year)).toEqual(YEARS);
    expect(checks.flatMap((check) => check.disagreements)).toEqual([]);
  });
});
