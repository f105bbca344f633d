import { dayNumberOf, isWeekend, localDateFromDayNumber, type LocalDate } from './local-date';
import { defaultHolidayTablePath, loadHolidayTable, type HolidayTable } from './holiday-table';

/**
 * A date, or a result, outside the years the holiday table covers. The calendar refuses rather than guess: an
 * unknown year counted as holiday-free would quietly give citizens wrong appointment dates.
 */
export class CalendarRangeError extends RangeError {
  readonly code = 'DATE_OUTSIDE_CALENDAR';

  constructor(
    message: string,
    readonly date: LocalDate,
    readonly firstDate: LocalDate,
    readonly lastDate: LocalDate,
  ) {
    super(message);
    this.name = 'CalendarRangeError';
  }
}

/**
 * Working days in Vietnam from a holiday table: Monday to Friday, less the table's days off, plus the weekend days it
 * declares working days. Built once; every question is then an array lookup.
 */
export class WorkingCalendar {
  /** 1 January of the table's first year. */
  readonly firstDate: LocalDate;
  /** 31 December of the table's last year. */
  readonly lastDate: LocalDate;

  private readonly firstDay: number;
  private readonly working: Uint8Array;
  /** working days in firstDate..(firstDate + i), inclusive: workingDaysBetween in one subtraction. */
  private readonly ordinal: Int32Array;
  /** offsets from firstDate of the working days, in order: the k-th working day in one lookup. */
  private readonly workingOffsets: Int32Array;
  private readonly dayOffNames = new Map<LocalDate, string>();

  constructor(table: HolidayTable) {
    this.firstDate = `${String(table.firstYear).padStart(4, '0')}-01-01`;
    this.lastDate = `${String(table.lastYear).padStart(4, '0')}-12-31`;
    this.firstDay = dayNumberOf(this.firstDate);
    const length = dayNumberOf(this.lastDate) - this.firstDay + 1;
    this.working = new Uint8Array(length);
    for (let offset = 0; offset < length; offset++) {
      this.working[offset] = isWeekend(localDateFromDayNumber(this.firstDay + offset)) ? 0 : 1;
    }
    for (const year of table.years) {
      for (const day of year.daysOff) {
        this.working[this.offsetOf(day.date)] = 0;
        this.dayOffNames.set(day.date, day.name);
      }
      for (const day of year.workingDays) this.working[this.offsetOf(day.date)] = 1;
    }
    this.ordinal = new Int32Array(length);
    let count = 0;
    for (let offset = 0; offset < length; offset++) {
      count += this.working[offset]!;
      this.ordinal[offset] = count;
    }
    this.workingOffsets = new Int32Array(count);
    for (let offset = 0, k = 0; offset < length; offset++) if (this.working[offset]) this.workingOffsets[k++] = offset;
  }

  /** The calendar of the shipped table (config/holidays/vietnam.yaml), or of the table at `path`. */
  static load(path: string = defaultHolidayTablePath()): WorkingCalendar {
    return new WorkingCalendar(loadHolidayTable(path));
  }

  isWorkingDay(date: LocalDate): boolean {
    return this.working[this.offsetOf(date)] === 1;
  }

  /** The table's name for a day off ("Tết Nguyên Đán (mùng 1)"), or undefined for a working day or a plain weekend. */
  dayOffName(date: LocalDate): string | undefined {
    return this.working[this.offsetOf(date)] === 0 ? this.dayOffNames.get(date) : undefined;
  }

  /**
   * For n ≥ 1, the n-th working day strictly after `from`: the day of receipt is not counted, so a case received on
   * a Sunday with n = 1 is due on Monday. For n = 0, `from` itself if it is a working day, else the next one.
   */
  addWorkingDays(from: LocalDate, n: number): LocalDate {
    const offset = this.offsetOf(from);
    requireCount(n, 'n');
    const k = this.ordinal[offset]! + (n === 0 && this.working[offset] === 0 ? 1 : n);
    return this.kthWorkingDay(k, () => `${n} working day${n === 1 ? '' : 's'} after ${from}`);
  }

  /**
   * The mirror of addWorkingDays: for n ≥ 1, the n-th working day strictly before `date`; for n = 0, `date` itself if
   * it is a working day, else the working day before it. For a working day d, addWorkingDays(subtractWorkingDays(d, n), n) is d.
   */
  subtractWorkingDays(date: LocalDate, n: number): LocalDate {
    const offset = this.offsetOf(date);
    requireCount(n, 'n');
    const isWorking = this.working[offset]!;
    // ordinal counts `date` itself when it is a working day; "strictly before" starts from the one before it.
    const before = this.ordinal[offset]! - isWorking;
    const k = n === 0 ? before + isWorking : before + 1 - n;
    return this.kthWorkingDay(k, () => `${n} working day${n === 1 ? '' : 's'} before ${date}`);
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay(date: LocalDate): LocalDate {
    return this.addWorkingDays(date, 1);
  }

  /**
   * `from` plus n calendar days, moved forward to the next working day when that day is not one: a period whose last
   * day is a day off ends on the working day after it (Civil Code 2015 art. 148).
   */
  addCalendarDays(from: LocalDate, n: number): LocalDate {
    const offset = this.offsetOf(from);
    requireCount(n, 'n');
    const target = offset + n;
    if (target >= this.working.length) {
      throw this.rangeError(localDateFromDayNumber(this.firstDay + target), `${from} plus ${n} calendar days`);
    }
    if (this.working[target] === 1) return this.dateAt(target);
    return this.kthWorkingDay(this.ordinal[target]! + 1, () => `${from} plus ${n} calendar days, moved to a working day`);
  }

  /** The number of working days d with from < d ≤ to; negative (the same count) when `to` is before `from`. */
  workingDaysBetween(from: LocalDate, to: LocalDate): number {
    return this.ordinal[this.offsetOf(to)]! - this.ordinal[this.offsetOf(from)]!;
  }

  private kthWorkingDay(k: number, what: () => string): LocalDate {
    if (k < 1 || k > this.workingOffsets.length) {
      const beyond = k < 1 ? 'before' : 'after';
      throw new CalendarRangeError(
        `${what()} falls ${beyond} the holiday table's coverage (${this.firstDate} to ${this.lastDate}); add the ${beyond === 'after' ? 'next' : 'previous'} year to the table`,
        k < 1 ? this.firstDate : this.lastDate,
        this.firstDate,
        this.lastDate,
      );
    }
    return this.dateAt(this.workingOffsets[k - 1]!);
  }

  private dateAt(offset: number): LocalDate {
    return localDateFromDayNumber(this.firstDay + offset);
  }

  private offsetOf(date: LocalDate): number {
    const offset = dayNumberOf(date) - this.firstDay;
    if (offset < 0 || offset >= this.working.length) throw this.rangeError(date);
    return offset;
  }

  private rangeError(date: LocalDate, what?: string): CalendarRangeError {
    return new CalendarRangeError(
      `${what ? `${what} is ${date}, which` : date} is outside the holiday table's coverage (${this.firstDate} to ${this.lastDate}): ` +
        `working days cannot be counted in a year the table does not list`,
      date,
      this.firstDate,
      this.lastDate,
    );
  }
}

function requireCount(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number of days, 0 or more (got ${n})`);
}
