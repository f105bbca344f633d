import fc from 'fast-check';
import { generateHolidayTable, parseHolidayTable } from './holiday-table';
import { addDays, compareLocalDates, dayNumberOf, localDateFromDayNumber, type LocalDate } from './local-date';
import { CalendarRangeError, WorkingCalendar } from './working-calendar';

// The generated default, so that these hand-worked dates hold whatever an operator later writes into the shipped file.
const calendar = new WorkingCalendar(generateHolidayTable(2016, 2030));

describe('WorkingCalendar around Tết Bính Ngọ 2026 (days off Monday 16 – Friday 20 February)', () => {
  it('knows which days are worked', () => {
    expect(['2026-02-13', '2026-02-23'].map((d) => calendar.isWorkingDay(d))).toEqual([true, true]);
    expect(['2026-02-14', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-20', '2026-02-21', '2026-02-22'].map((d) => calendar.isWorkingDay(d))).toEqual(
      [false, false, false, false, false, false, false],
    );
    expect(calendar.dayOffName('2026-02-17')).toBe('Tết Nguyên Đán (mùng 1)');
    expect(calendar.dayOffName('2026-02-14')).toBeUndefined();
    expect(calendar.dayOffName('2026-02-23')).toBeUndefined();
  });

  it('counts working days after the day of receipt', () => {
    expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-23');
    expect(calendar.addWorkingDays('2026-02-12', 3)).toBe('2026-02-24');
    // A case received on the Sunday before Tết is due, at one working day, the Monday after it.
    expect(calendar.addWorkingDays('2026-02-15', 1)).toBe('2026-02-23');
    // Fifteen working days from Monday 2 February: 3–6 Feb (4), 9–13 (9), 23–27 (14), Monday 2 March (15).
    expect(calendar.addWorkingDays('2026-02-02', 15)).toBe('2026-03-02');
    // An ordinary Sunday receipt with n = 1 is due Monday.
    expect(calendar.addWorkingDays('2026-03-01', 1)).toBe('2026-03-02');
  });

  it('with n = 0 gives the day itself when worked, else the next working day', () => {
    expect(calendar.addWorkingDays('2026-02-17', 0)).toBe('2026-02-23');
    expect(calendar.addWorkingDays('2026-02-23', 0)).toBe('2026-02-23');
  });

  it('counts the working days in (from, to]', () => {
    expect(calendar.workingDaysBetween('2026-02-01', '2026-02-28')).toBe(15);
    expect(calendar.workingDaysBetween('2026-02-13', '2026-02-27')).toBe(5);
    expect(calendar.workingDaysBetween('2026-02-27', '2026-02-13')).toBe(-5);
    expect(calendar.workingDaysBetween('2026-02-14', '2026-02-22')).toBe(0);
    expect(calendar.workingDaysBetween('2026-02-13', '2026-02-13')).toBe(0);
  });

  it('adds calendar days and moves a day off forward to the next working day (Civil Code art. 148)', () => {
    expect(calendar.addCalendarDays('2026-02-10', 7)).toBe('2026-02-23'); // lands on mùng 1
    expect(calendar.addCalendarDays('2026-02-06', 8)).toBe('2026-02-23'); // lands on Saturday 14th
    expect(calendar.addCalendarDays('2026-02-06', 5)).toBe('2026-02-11');
    expect(calendar.addCalendarDays('2026-02-23', 0)).toBe('2026-02-23');
  });

  it('steps back and forth to working days', () => {
    expect(calendar.subtractWorkingDays('2026-02-23', 1)).toBe('2026-02-13');
    expect(calendar.subtractWorkingDays('2026-02-24', 2)).toBe('2026-02-13');
    expect(calendar.subtractWorkingDays('2026-02-18', 0)).toBe('2026-02-13');
    expect(calendar.subtractWorkingDays('2026-02-23', 0)).toBe('2026-02-23');
    expect(calendar.nextWorkingDay('2026-02-15')).toBe('2026-02-23');
    expect(calendar.nextWorkingDay('2026-02-12')).toBe('2026-02-13');
  });
});

describe('WorkingCalendar around 30 April – 1 May 2026 (Hùng Kings Sunday 26 April, Monday 27 off)', () => {
  it('skips the compensatory Monday, the two holidays and the weekend', () => {
    expect(['2026-04-27', '2026-04-28', '2026-04-30', '2026-05-01', '2026-05-02', '2026-05-04'].map((d) => calendar.isWorkingDay(d))).toEqual([
      false, true, false, false, false, true,
    ]);
    expect(calendar.addWorkingDays('2026-04-24', 1)).toBe('2026-04-28');
    expect(calendar.addWorkingDays('2026-04-24', 2)).toBe('2026-04-29');
    expect(calendar.addWorkingDays('2026-04-24', 3)).toBe('2026-05-04');
    expect(calendar.addWorkingDays('2026-04-24', 4)).toBe('2026-05-05');
    expect(calendar.addWorkingDays('2026-04-29', 1)).toBe('2026-05-04');
    expect(calendar.workingDaysBetween('2026-04-24', '2026-05-04')).toBe(3);
    expect(calendar.subtractWorkingDays('2026-05-04', 1)).toBe('2026-04-29');
    expect(calendar.subtractWorkingDays('2026-05-04', 3)).toBe('2026-04-24');
    expect(calendar.addCalendarDays('2026-04-20', 10)).toBe('2026-05-04');
    expect(calendar.addCalendarDays('2026-04-21', 7)).toBe('2026-04-28');
  });
});

describe('WorkingCalendar with a swapped Saturday', () => {
  const swapped = new WorkingCalendar(
    parseHolidayTable(`
years:
  2026:
    daysOff:
      - { date: 2026-02-13, name: "Nghỉ hoán đổi" }
      - { date: 2026-02-16, name: "Tết Nguyên Đán" }
    workingDays:
      - { date: 2026-02-28, name: "Làm bù cho 13/02" }
`),
  );

  it('works the Saturday and rests the Friday', () => {
    expect(swapped.isWorkingDay('2026-02-28')).toBe(true);
    expect(swapped.isWorkingDay('2026-02-13')).toBe(false);
    expect(swapped.addWorkingDays('2026-02-27', 1)).toBe('2026-02-28');
    expect(swapped.addWorkingDays('2026-02-12', 1)).toBe('2026-02-17');
    expect(swapped.workingDaysBetween('2026-02-26', '2026-03-02')).toBe(3);
  });

  it('refuses to count past its only year rather than treat 2027 as holiday-free', () => {
    expect([swapped.firstDate, swapped.lastDate]).toEqual(['2026-01-01', '2026-12-31']);
    expect(() => swapped.addWorkingDays('2026-12-31', 1)).toThrow(CalendarRangeError);
    expect(() => swapped.isWorkingDay('2027-01-04')).toThrow(
      "2027-01-04 is outside the holiday table's coverage (2026-01-01 to 2026-12-31): working days cannot be counted in a year the table does not list",
    );
  });
});

describe('WorkingCalendar coverage', () => {
  it('covers 1 January of the first year to 31 December of the last', () => {
    expect([calendar.firstDate, calendar.lastDate]).toEqual(['2016-01-01', '2030-12-31']);
  });

  it('refuses dates and results outside it, with a sentence naming the date and the coverage', () => {
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(CalendarRangeError);
        return { message: (error as CalendarRangeError).message, code: (error as CalendarRangeError).code, date: (error as CalendarRangeError).date };
      }
      throw new Error('no error');
    };
    expect(refusal(() => calendar.isWorkingDay('2015-12-31'))).toEqual({
      code: 'DATE_OUTSIDE_CALENDAR',
      date: '2015-12-31',
      message: "2015-12-31 is outside the holiday table's coverage (2016-01-01 to 2030-12-31): working days cannot be counted in a year the table does not list",
    });
    expect(refusal(() => calendar.addWorkingDays('2030-12-30', 5)).message).toBe(
      "5 working days after 2030-12-30 falls after the holiday table's coverage (2016-01-01 to 2030-12-31); add the next year to the table",
    );
    // 1 January 2016 was a holiday and 2–3 January a weekend: nothing is worked before Monday 4 January.
    expect(refusal(() => calendar.subtractWorkingDays('2016-01-04', 1)).message).toBe(
      "1 working day before 2016-01-04 falls before the holiday table's coverage (2016-01-01 to 2030-12-31); add the previous year to the table",
    );
    expect(refusal(() => calendar.addCalendarDays('2030-12-20', 30)).message).toBe(
      "2030-12-20 plus 30 calendar days is 2031-01-19, which is outside the holiday table's coverage (2016-01-01 to 2030-12-31): working days cannot be counted in a year the table does not list",
    );
    expect(refusal(() => calendar.workingDaysBetween('2026-01-01', '2031-01-01')).date).toBe('2031-01-01');
    expect(calendar.addCalendarDays('2030-12-29', 0)).toBe('2030-12-30');
  });

  it('refuses what is not a date, and negative or fractional counts', () => {
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(TypeError);
    expect(() => calendar.addWorkingDays('2026-02-13', -1)).toThrow('n must be a whole number of days, 0 or more (got -1)');
    expect(() => calendar.addCalendarDays('2026-02-13', 1.5)).toThrow(RangeError);
  });
});

describe('WorkingCalendar invariants', () => {
  const first = dayNumberOf('2016-01-01');
  // Dates up to the end of 2029, so that a year of working days ahead is still inside the table.
  const dates = fc.integer({ min: 0, max: dayNumberOf('2029-12-31') - first }).map((offset) => localDateFromDayNumber(first + offset));
  const counts = fc.integer({ min: 0, max: 240 });

  /** The definition, one day at a time: the reference the precomputed index must agree with. */
  function walkWorkingDays(from: LocalDate, n: number): LocalDate {
    let date = from;
    if (n === 0) {
      while (!calendar.isWorkingDay(date)) date = addDays(date, 1);
      return date;
    }
    for (let left = n; left > 0; ) {
      date = addDays(date, 1);
      if (calendar.isWorkingDay(date)) left--;
    }
    return date;
  }

  it('addWorkingDays agrees with walking day by day, and lands on a working day', () => {
    fc.assert(
      fc.property(dates, counts, (from, n) => {
        const due = calendar.addWorkingDays(from, n);
        expect(due).toBe(walkWorkingDays(from, n));
        expect(calendar.isWorkingDay(due)).toBe(true);
      }),
    );
  });

  it('workingDaysBetween(d, addWorkingDays(d, n)) is n', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 240 }), (from, n) => {
        expect(calendar.workingDaysBetween(from, calendar.addWorkingDays(from, n))).toBe(n);
      }),
    );
  });

  it('is monotonic in the date and in n', () => {
    fc.assert(
      fc.property(dates, dates, counts, counts, (a, b, m, n) => {
        const [early, late] = compareLocalDates(a, b) <= 0 ? [a, b] : [b, a];
        expect(compareLocalDates(calendar.addWorkingDays(early, n), calendar.addWorkingDays(late, n))).toBeLessThanOrEqual(0);
        const [few, many] = m <= n ? [m, n] : [n, m];
        expect(compareLocalDates(calendar.addWorkingDays(a, few), calendar.addWorkingDays(a, many))).toBeLessThanOrEqual(0);
        // n = 0 and n = 1 both give the next working day when `a` is a day off; otherwise more days come later.
        if (few < many && (few > 0 || calendar.isWorkingDay(a))) expect(compareLocalDates(calendar.addWorkingDays(a, few), calendar.addWorkingDays(a, many))).toBe(-1);
      }),
    );
  });

  it('subtractWorkingDays undoes addWorkingDays on a working day', () => {
    // From 2017, so that n + 1 working days back stay inside the table.
    const later = fc.integer({ min: dayNumberOf('2017-01-01') - first, max: dayNumberOf('2029-12-31') - first }).map((offset) => localDateFromDayNumber(first + offset));
    fc.assert(
      fc.property(later, counts, (date, n) => {
        const worked = calendar.addWorkingDays(date, 0);
        expect(calendar.addWorkingDays(calendar.subtractWorkingDays(worked, n), n)).toBe(worked);
        expect(calendar.isWorkingDay(calendar.subtractWorkingDays(date, n + 1))).toBe(true);
      }),
    );
  });

  it('workingDaysBetween is antisymmetric and adds up', () => {
    fc.assert(
      fc.property(dates, dates, dates, (a, b, c) => {
        expect(calendar.workingDaysBetween(a, b) + calendar.workingDaysBetween(b, a)).toBe(0);
        expect(calendar.workingDaysBetween(a, b) + calendar.workingDaysBetween(b, c)).toBe(calendar.workingDaysBetween(a, c));
      }),
    );
  });

  it('addCalendarDays is the first working day on or after from + n', () => {
    fc.assert(
      fc.property(dates, counts, (from, n) => {
        const due = calendar.addCalendarDays(from, n);
        expect(due).toBe(walkWorkingDays(addDays(from, n), 0));
      }),
    );
  });
});

describe('WorkingCalendar.load', () => {
  it('reads the shipped table', () => {
    const shipped = WorkingCalendar.load();
    expect([shipped.firstDate, shipped.lastDate]).toEqual(['2016-01-01', '2030-12-31']);
    expect(shipped.isWorkingDay('2026-09-02')).toBe(false);
  });
});
