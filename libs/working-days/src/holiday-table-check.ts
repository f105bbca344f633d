import { addDays, compareLocalDates, isWeekend, type LocalDate } from './local-date';
import { lunarHolidaysOf } from './lunar-holidays';
import {
  GENERATION_YEARS,
  HUNG_KINGS_NAME,
  LABOUR_CODE_2019_FROM_YEAR,
  lunarYearName,
  statutoryHolidayCount,
  TET_NAME,
  type HolidayTable,
  type HolidayTableIssue,
  type HolidayYear,
  type NamedDay,
} from './holiday-table';

/** What the check found for one year: no disagreements means the year agrees with the lunar calendar and the law. */
export interface HolidayYearCheck {
  year: number;
  /** One line about the year, for a person reading the check's output. */
  summary: string;
  disagreements: HolidayTableIssue[];
}

const TET_DAYS = 5;

/**
 * Compares each year of a (valid) table with Vietnam's lunar calendar (date-holidays) and the Labour Code:
 * - the five days named "Tết Nguyên Đán…" are consecutive and include the last day of the lunar year and the first
 *   three of the new one, which is every pattern the Government has announced ([last day … mùng 4] or
 *   [the day before the last … mùng 3]);
 * - Giỗ Tổ Hùng Vương (10th of the 3rd lunar month) is a day off, and no day of another date carries its name;
 * - 1 January, 30 April, 1 May and 2 September are days off, and from 2021 also 1 or 3 September;
 * - weekdays off, net of weekend days worked, are at least the paid holidays of the year (10, or 11 from 2021):
 *   fewer means a holiday on a weekend lost its compensatory day.
 */
export function checkHolidayTable(table: HolidayTable): HolidayYearCheck[] {
  return table.years.map(checkYear);
}

function checkYear(entry: HolidayYear): HolidayYearCheck {
  const { year } = entry;
  const at = `years.${year}`;
  if (year < GENERATION_YEARS.from || year > GENERATION_YEARS.to) {
    return {
      year,
      summary: `${year}: not checked`,
      disagreements: [{ path: at, message: `the lunar calendar is only read for ${GENERATION_YEARS.from}–${GENERATION_YEARS.to}` }],
    };
  }
  const lunar = lunarHolidaysOf(year);
  const disagreements: HolidayTableIssue[] = [];
  const offDates = new Set(entry.daysOff.map((day) => day.date));
  const indexed = entry.daysOff.map((day, index) => ({ ...day, index }));

  // Tết.
  const tet = indexed.filter((day) => named(day, TET_NAME));
  const earliest = addDays(lunar.lunarYearLastDay, -1);
  const latest = addDays(lunar.lunarNewYear, TET_DAYS - 2);
  if (tet.length !== TET_DAYS) {
    disagreements.push({
      path: `${at}.daysOff`,
      message: `${tet.length} day${tet.length === 1 ? ' is' : 's are'} named "${TET_NAME}…"; the Labour Code gives Tết ${TET_DAYS} days`,
    });
  }
  const tetDates = new Set(tet.map((day) => day.date));
  const required: [LocalDate, string][] = [
    [lunar.lunarYearLastDay, 'the last day of the lunar year'],
    [lunar.lunarNewYear, 'mùng 1, the lunar new year'],
    [addDays(lunar.lunarNewYear, 1), 'mùng 2'],
    [addDays(lunar.lunarNewYear, 2), 'mùng 3'],
  ];
  for (const [date, what] of required) {
    if (!tetDates.has(date)) {
      disagreements.push({
        path: `${at}.daysOff`,
        message: `Tết ${lunarYearName(year)} must include ${date} (${what}, by date-holidays' lunar calendar), but no day named "${TET_NAME}…" falls on it`,
      });
    }
  }
  for (const day of tet) {
    if (compareLocalDates(day.date, earliest) < 0 || compareLocalDates(day.date, latest) > 0) {
      disagreements.push({
        path: `${at}.daysOff[${day.index}].date`,
        message: `${day.date} is named "${day.name}" but Tết ${lunarYearName(year)} (mùng 1: ${lunar.lunarNewYear}) can only fall between ${earliest} and ${latest}`,
      });
    }
  }

  // Hùng Kings' day.
  if (!offDates.has(lunar.hungKingsDay)) {
    disagreements.push({
      path: `${at}.daysOff`,
      message: `${HUNG_KINGS_NAME} (10th day of the 3rd lunar month) is ${lunar.hungKingsDay} by date-holidays' lunar calendar, but that day is not listed`,
    });
  }
  for (const day of indexed.filter((d) => named(d, HUNG_KINGS_NAME) && d.date !== lunar.hungKingsDay)) {
    disagreements.push({
      path: `${at}.daysOff[${day.index}].date`,
      message: `${day.date} is named "${day.name}" but the 10th day of the 3rd lunar month is ${lunar.hungKingsDay} in ${year}`,
    });
  }

  // Fixed-date holidays.
  for (const [monthDay, name] of [['01-01', '1 January'], ['04-30', '30 April'], ['05-01', '1 May'], ['09-02', '2 September']] as const) {
    if (!offDates.has(`${year}-${monthDay}`)) {
      disagreements.push({ path: `${at}.daysOff`, message: `${year}-${monthDay} (${name}) is a public holiday but is not listed` });
    }
  }
  if (year >= LABOUR_CODE_2019_FROM_YEAR && !offDates.has(`${year}-09-01`) && !offDates.has(`${year}-09-03`)) {
    disagreements.push({
      path: `${at}.daysOff`,
      message: `neither ${year}-09-01 nor ${year}-09-03 is listed: from 2021 the day before or after 2 September is a holiday too`,
    });
  }

  // Compensation.
  const weekdaysOff = entry.daysOff.filter((day) => !isWeekend(day.date)).length;
  const owed = statutoryHolidayCount(year);
  if (weekdaysOff - entry.workingDays.length < owed) {
    disagreements.push({
      path: at,
      message:
        `${weekdaysOff} weekday${weekdaysOff === 1 ? '' : 's'} off less ${entry.workingDays.length} weekend day${entry.workingDays.length === 1 ? '' : 's'} worked ` +
        `is fewer than the ${owed} paid holidays of ${year}: a holiday on a Saturday or Sunday needs a compensatory day off`,
    });
  }

  const tetSpan = tet.length > 0 ? `${tet[0]!.date} … ${tet[tet.length - 1]!.date}` : 'not listed';
  return {
    year,
    summary:
      `${year}: Tết ${lunarYearName(year)} ${tetSpan} (mùng 1 ${lunar.lunarNewYear}), ${HUNG_KINGS_NAME} ${lunar.hungKingsDay}; ` +
      `${entry.daysOff.length} days off (${weekdaysOff} on weekdays), ${entry.workingDays.length} weekend day${entry.workingDays.length === 1 ? '' : 's'} worked`,
    disagreements,
  };
}

/** Whether a day carries a holiday's name, however the operator cased or composed its diacritics. */
function named(day: NamedDay, name: string): boolean {
  return day.name.normalize('NFC').toLocaleLowerCase('vi').startsWith(name.normalize('NFC').toLocaleLowerCase('vi'));
}
