import { checkHolidayTable } from './holiday-table-check';
import { generateHolidayYear, validateHolidayTable, type NamedDay } from './holiday-table';
import { addDays } from './local-date';

/** 2026 as generated (Tết 16–20 Feb, Hùng Kings Sunday 26 Apr with Monday 27 off, 2–3 Sep), changed by `edit`. */
function check2026(edit: (days: NamedDay[]) => NamedDay[], workingDays: NamedDay[] = []) {
  const daysOff = edit(generateHolidayYear(2026).daysOff.map((day) => ({ ...day })));
  const [result] = checkHolidayTable(validateHolidayTable({ years: { 2026: { daysOff, workingDays } } }));
  return result!;
}

const messages = (result: ReturnType<typeof check2026>) => result.disagreements.map((d) => `${d.path}: ${d.message}`);

describe('checking a holiday table against the lunar calendar and the Labour Code', () => {
  it('finds nothing to say about the generated year, and sums it up in one line', () => {
    const result = check2026((days) => days);
    expect(result.disagreements).toEqual([]);
    expect(result.summary).toBe(
      '2026: Tết Bính Ngọ 2026-02-16 … 2026-02-20 (mùng 1 2026-02-17), Giỗ Tổ Hùng Vương 2026-04-26; 12 days off (11 on weekdays), 0 weekend days worked',
    );
  });

  it('names the missing date when Tết is moved a day later', () => {
    const result = check2026((days) => days.map((day) => (day.name.startsWith('Tết Nguyên Đán') ? { ...day, date: addDays(day.date, 1) } : day)));
    expect(messages(result)).toEqual([
      `years.2026.daysOff: Tết Bính Ngọ must include 2026-02-16 (the last day of the lunar year, by date-holidays' lunar calendar), but no day named "Tết Nguyên Đán…" falls on it`,
      'years.2026.daysOff[5].date: 2026-02-21 is named "Tết Nguyên Đán (mùng 4)" but Tết Bính Ngọ (mùng 1: 2026-02-17) can only fall between 2026-02-15 and 2026-02-20',
      // 2026-02-21 is a Saturday: the shifted Tết also lost a weekday off.
      'years.2026: 10 weekdays off less 0 weekend days worked is fewer than the 11 paid holidays of 2026: a holiday on a Saturday or Sunday needs a compensatory day off',
    ]);
  });

  it('names the missing date when Tết is moved a day earlier, off mùng 3', () => {
    const result = check2026((days) => days.map((day) => (day.name.startsWith('Tết Nguyên Đán') ? { ...day, date: addDays(day.date, -2) } : day)));
    expect(messages(result)).toContainEqual(expect.stringContaining('must include 2026-02-19 (mùng 3'));
  });

  it('accepts the other announced pattern (the day before the last … mùng 3) and a swapped Saturday', () => {
    const result = check2026(
      (days) => [
        ...days.filter((day) => !day.name.startsWith('Tết Nguyên Đán')),
        { date: '2026-02-15', name: 'Tết Nguyên Đán (28 tháng Chạp)' }, // a Sunday
        { date: '2026-02-16', name: 'Tết Nguyên Đán (29 tháng Chạp)' },
        { date: '2026-02-17', name: 'Tết Nguyên Đán (mùng 1)' },
        { date: '2026-02-18', name: 'Tết Nguyên Đán (mùng 2)' },
        { date: '2026-02-19', name: 'Tết Nguyên Đán (mùng 3)' },
        { date: '2026-02-20', name: 'Nghỉ bù cho Tết Nguyên Đán, Chủ nhật 15/02' },
        { date: '2026-02-13', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 28/02)' },
      ],
      [{ date: '2026-02-28', name: 'Làm bù cho thứ Sáu 13/02' }],
    );
    expect(result.disagreements).toEqual([]);
    expect(result.summary).toContain('1 weekend day worked');
  });

  it("counts Tết's days", () => {
    const result = check2026((days) => days.filter((day) => day.name !== 'Tết Nguyên Đán (mùng 4)'));
    expect(messages(result)).toEqual([
      'years.2026.daysOff: 4 days are named "Tết Nguyên Đán…"; the Labour Code gives Tết 5 days',
      'years.2026: 10 weekdays off less 0 weekend days worked is fewer than the 11 paid holidays of 2026: a holiday on a Saturday or Sunday needs a compensatory day off',
    ]);
  });

  it("names Hùng Kings' day when it is missing or misplaced", () => {
    const result = check2026((days) => days.map((day) => (day.name === 'Giỗ Tổ Hùng Vương' ? { ...day, date: '2026-04-25' } : day)));
    expect(messages(result)).toEqual([
      "years.2026.daysOff: Giỗ Tổ Hùng Vương (10th day of the 3rd lunar month) is 2026-04-26 by date-holidays' lunar calendar, but that day is not listed",
      'years.2026.daysOff[6].date: 2026-04-25 is named "Giỗ Tổ Hùng Vương" but the 10th day of the 3rd lunar month is 2026-04-26 in 2026',
    ]);
  });

  it('names a fixed holiday left out, the missing day next to 2 September, and a lost compensatory day', () => {
    const result = check2026((days) => days.filter((day) => !['2026-04-30', '2026-09-03', '2026-04-27'].includes(day.date)));
    expect(messages(result)).toEqual([
      'years.2026.daysOff: 2026-04-30 (30 April) is a public holiday but is not listed',
      'years.2026.daysOff: neither 2026-09-01 nor 2026-09-03 is listed: from 2021 the day before or after 2 September is a holiday too',
      'years.2026: 8 weekdays off less 0 weekend days worked is fewer than the 11 paid holidays of 2026: a holiday on a Saturday or Sunday needs a compensatory day off',
    ]);
  });

  it('recognises the names however their diacritics are composed or cased', () => {
    const result = check2026((days) => days.map((day) => ({ ...day, name: day.name.normalize('NFD').toUpperCase() })));
    expect(result.disagreements).toEqual([]);
  });
});
