import Holidays from 'date-holidays';
import { addDays, type LocalDate } from './local-date';

/** The holidays of a Gregorian year that follow Vietnam's lunar calendar. */
export interface LunarHolidays {
  year: number;
  /** Mùng 1 Tết: the first day of the lunar year that starts in this Gregorian year. */
  lunarNewYear: LocalDate;
  /** The last day of the lunar year before it (29 or 30 tháng Chạp), the day before lunarNewYear. */
  lunarYearLastDay: LocalDate;
  /** Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month (never of a leap 3rd month). */
  hungKingsDay: LocalDate;
}

// date-holidays computes these in Vietnam's own lunar calendar (new moons at UTC+7), which differs from the
// Chinese one in some years: Tết 2030 is 2030-02-02 in Vietnam, 2030-02-03 in China. Rules are its own keys.
const LUNAR_NEW_YEAR_RULE = 'vietnamese 1-0-1';
const HUNG_KINGS_RULE = 'vietnamese 3-0-10';

/** The years the lunar calendar is read for: wide enough for any table, narrow enough to keep out typos like 20266. */
export const LUNAR_CALENDAR_YEARS = { from: 1900, to: 2199 } as const;

let vietnam: Holidays | undefined;
const cache = new Map<number, LunarHolidays>();

/** Vietnam's rules from date-holidays, less the ones not read here: each lunar observance costs an astronomical computation per year. */
function lunarRulesOnly(): Holidays {
  const holidays = new Holidays('VN');
  // The typings declare HolidayRule without the `rule` string every rule object carries (it is what unsetRule takes).
  for (const { rule } of holidays.getRules() as unknown as { rule: string }[]) {
    if (rule !== LUNAR_NEW_YEAR_RULE && rule !== HUNG_KINGS_RULE) holidays.unsetRule(rule);
  }
  return holidays;
}

/** Vietnam's lunar holidays in `year`, from date-holidays (country VN). */
export function lunarHolidaysOf(year: number): LunarHolidays {
  if (!Number.isInteger(year) || year < LUNAR_CALENDAR_YEARS.from || year > LUNAR_CALENDAR_YEARS.to) {
    throw new RangeError(`${year} is not a year between ${LUNAR_CALENDAR_YEARS.from} and ${LUNAR_CALENDAR_YEARS.to}, the years the lunar calendar is read for`);
  }
  const known = cache.get(year);
  if (known) return known;
  vietnam ??= lunarRulesOnly();
  const holidays = vietnam.getHolidays(year);
  const dateOf = (rule: string): LocalDate => {
    const found = holidays.find((holiday) => holiday.rule === rule);
    // A renamed rule in a future date-holidays release must stop generation, not drop Tết from the table.
    if (!found) throw new Error(`date-holidays has no holiday "${rule}" for Vietnam in ${year}; the lunar calendar cannot be read`);
    // `date` is the local date in the country's time zone (Asia/Ho_Chi_Minh), written "YYYY-MM-DD hh:mm:ss".
    return found.date.slice(0, 10);
  };
  const lunarNewYear = dateOf(LUNAR_NEW_YEAR_RULE);
  const result: LunarHolidays = { year, lunarNewYear, lunarYearLastDay: addDays(lunarNewYear, -1), hungKingsDay: dateOf(HUNG_KINGS_RULE) };
  cache.set(year, result);
  return result;
}
