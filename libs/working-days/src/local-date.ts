/**
 * A calendar date in Vietnam, written `YYYY-MM-DD`. Vietnam keeps UTC+7 all year (no daylight saving), so a
 * date is the same for every agency and every server, whatever the machine's time zone.
 *
 * Dates are strings rather than `Date` objects because a `Date` is an instant: turning one into a day needs a
 * time zone, and that is the mistake (a case received at 06:30 in Hà Nội filed under the day before) this type
 * exists to prevent. `YYYY-MM-DD` strings also sort and compare as text, and are what the national portal sends.
 */
export type LocalDate = string;

/** Vietnam's offset from UTC (Indochina Time, UTC+7; no daylight saving since 1975). */
export const VIETNAM_UTC_OFFSET_MS = 7 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 0 = Sunday … 6 = Saturday, as `Date.prototype.getUTCDay` numbers them. */
export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Days since 1970-01-01, or NaN when `value` is not a real calendar date in `YYYY-MM-DD` form. */
function dayNumberOrNaN(value: string): number {
  const match = LOCAL_DATE_PATTERN.exec(value);
  if (!match) return NaN;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return NaN;
  // setUTCFullYear, unlike Date.UTC, does not move years 0–99 into the 1900s.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // Date rolls 2026-02-30 over into March; a date that does not come back unchanged does not exist.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return NaN;
  return date.getTime() / DAY_MS;
}

/** Strict: four-digit year, two-digit month and day, and a date that exists (no 2026-02-30, no 2026-13-01). */
export function isLocalDate(value: unknown): value is LocalDate {
  return typeof value === 'string' && !Number.isNaN(dayNumberOrNaN(value));
}

/** Days since 1970-01-01 (negative before); throws a TypeError naming the value when it is not a LocalDate. */
export function dayNumberOf(date: LocalDate): number {
  const days = typeof date === 'string' ? dayNumberOrNaN(date) : NaN;
  if (Number.isNaN(days)) throw new TypeError(`${describe(date)} is not a date written YYYY-MM-DD`);
  return days;
}

/** The LocalDate `days` days after 1970-01-01; the inverse of dayNumberOf. */
export function localDateFromDayNumber(days: number): LocalDate {
  if (!Number.isSafeInteger(days)) throw new RangeError(`${days} is not a whole number of days`);
  const date = new Date(days * DAY_MS);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`day ${days} falls outside the years 0000–9999 that YYYY-MM-DD can write`);
  return `${String(year).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

/** The date in Vietnam (UTC+7) at an instant, whatever the time zone of the machine. */
export function localDateOf(instant: Date | number): LocalDate {
  const ms = instant instanceof Date ? instant.getTime() : instant;
  if (!Number.isFinite(ms)) throw new TypeError(`${describe(instant)} is not an instant`);
  return localDateFromDayNumber(Math.floor((ms + VIETNAM_UTC_OFFSET_MS) / DAY_MS));
}

/** Epoch milliseconds of 00:00 in Vietnam (UTC+7) on `date`; 17:00 UTC the day before. */
export function startOfLocalDate(date: LocalDate): number {
  return dayNumberOf(date) * DAY_MS - VIETNAM_UTC_OFFSET_MS;
}

/** `date` moved by `days` calendar days (negative moves back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isSafeInteger(days)) throw new RangeError(`${days} is not a whole number of days`);
  return localDateFromDayNumber(dayNumberOf(date) + days);
}

export function dayOfWeek(date: LocalDate): DayOfWeek {
  // 1970-01-01 was a Thursday (4).
  return ((((dayNumberOf(date) + 4) % 7) + 7) % 7) as DayOfWeek;
}

export function isWeekend(date: LocalDate): boolean {
  const day = dayOfWeek(date);
  return day === 0 || day === 6;
}

/** Negative when `a` comes before `b`, 0 when they are the same date, positive after; usable with Array.sort. */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return Math.sign(dayNumberOf(a) - dayNumberOf(b));
}

/** The year of a LocalDate, as a number. */
export function yearOf(date: LocalDate): number {
  dayNumberOf(date);
  return Number(date.slice(0, 4));
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** `Sunday` … `Saturday`, for messages. */
export function weekdayName(date: LocalDate): string {
  return WEEKDAY_NAMES[dayOfWeek(date)];
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  return String(value);
}
