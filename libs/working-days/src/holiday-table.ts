import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { addDays, compareLocalDates, dayOfWeek, isLocalDate, isWeekend, weekdayName, yearOf, type LocalDate } from './local-date';
import { LUNAR_CALENDAR_YEARS, lunarHolidaysOf } from './lunar-holidays';

/** A date with what it is, as the operator reads it in the file: `{ date: 2026-02-16, name: "Tết Nguyên Đán" }`. */
export interface NamedDay {
  readonly date: LocalDate;
  readonly name: string;
}

/** One year of the calendar. */
export interface HolidayYear {
  readonly year: number;
  /** Days off besides Saturdays and Sundays, in date order. A holiday on a weekend is listed too (it is the reason for a compensatory day). */
  readonly daysOff: readonly NamedDay[];
  /** Saturdays or Sundays the Government declared working days ("ngày làm bù") in exchange for a bridge day, in date order. */
  readonly workingDays: readonly NamedDay[];
}

/** A checked holiday table: every year from firstYear to lastYear, without gaps. */
export interface HolidayTable {
  readonly firstYear: number;
  readonly lastYear: number;
  readonly years: readonly HolidayYear[];
  /** Where the table was read from, for messages. */
  readonly source?: string;
}

/** One problem in a holiday table, located by the field an operator would look up: `years.2026.daysOff[3].date`. */
export interface HolidayTableIssue {
  path: string;
  message: string;
}

/** A holiday table that cannot be used; the message lists every problem, one per line, each starting with its field. */
export class HolidayTableError extends Error {
  readonly code = 'HOLIDAY_TABLE_INVALID';
  readonly issues: readonly HolidayTableIssue[];

  constructor(issues: readonly HolidayTableIssue[], readonly source?: string) {
    super(
      [
        `Invalid holiday table${source ? ` in ${source}` : ''} (${issues.length} problem${issues.length === 1 ? '' : 's'}):`,
        ...issues.map((issue) => `  - ${issue.path ? `${issue.path}: ` : ''}${issue.message}`),
      ].join('\n'),
    );
    this.name = 'HolidayTableError';
    this.issues = issues.map(({ path, message }) => ({ path, message }));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Names the generator writes. The check recognises Tết and Hùng Kings' day by these prefixes, so an operator who
// encodes an announced schedule keeps them (a compensatory day starts with NGHI_BU and is not mistaken for either).

export const NEW_YEAR_NAME = 'Tết Dương lịch';
export const TET_NAME = 'Tết Nguyên Đán';
export const HUNG_KINGS_NAME = 'Giỗ Tổ Hùng Vương';
export const VICTORY_DAY_NAME = 'Ngày Chiến thắng';
export const LABOUR_DAY_NAME = 'Ngày Quốc tế Lao động';
export const NATIONAL_DAY_NAME = 'Quốc khánh';
const NATIONAL_DAY_ADJACENT_NAME = `${NATIONAL_DAY_NAME} (ngày liền kề)`;
const NGHI_BU = 'Nghỉ bù';
const TET_DAY_NAMES = ['ngày cuối năm âm lịch', 'mùng 1', 'mùng 2', 'mùng 3', 'mùng 4'];
const VIETNAMESE_WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];

/** Labour Code 2019 (in force 1 January 2021) added the day next to 2 September. */
export const LABOUR_CODE_2019_FROM_YEAR = 2021;

/** Paid public holidays per year: 10 under the Labour Code 2012 (art. 115), 11 under the Labour Code 2019 (art. 112). */
export function statutoryHolidayCount(year: number): number {
  return year >= LABOUR_CODE_2019_FROM_YEAR ? 11 : 10;
}

// ---------------------------------------------------------------------------------------------------------------
// Shape.

const YEAR_KEY = /^[12]\d{3}$/;

const localDateSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be a date written YYYY-MM-DD (got ${describeInput(issue.input)})`) })
  .refine(isLocalDate, {
    error: (issue) =>
      /^\d{4}-\d{2}-\d{2}$/.test(issue.input as string) ? `${issue.input as string} is not a date` : `${describeInput(issue.input)} is not a date written YYYY-MM-DD`,
  });

const namedDaySchema = z.strictObject({
  date: localDateSchema,
  name: z.string().trim().min(1).max(200),
});

const yearSchema = z.strictObject({
  daysOff: z.array(namedDaySchema),
  workingDays: z.array(namedDaySchema).default(() => []),
});

const tableSchema = z.strictObject({
  years: z.record(z.string().regex(YEAR_KEY, { error: (issue) => `${describeInput(issue.input)} is not a year (four digits, 1000–2999)` }), yearSchema),
});

type TableInput = z.output<typeof tableSchema>;

function shapeIssues(input: unknown): { ok: true; value: TableInput } | { ok: false; issues: HolidayTableIssue[] } {
  const result = tableSchema.safeParse(input, { error: humanMessage });
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'is not a known field' }))
        : [{ path: formatPath(issue.path), message: issue.code === 'invalid_key' ? issue.issues.map((inner) => inner.message).join('; ') : issue.message }],
    ),
  };
}

function humanMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`} (got ${describeInput(issue.input)})`;
    case 'too_small':
      return issue.origin === 'string' ? 'must not be empty' : undefined;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${issue.maximum} characters long` : undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Meaning: what a well-formed file can still get wrong.

function meaningIssues(input: TableInput): HolidayTableIssue[] {
  const issues: HolidayTableIssue[] = [];
  const years = Object.keys(input.years).map(Number).sort((a, b) => a - b);
  if (years.length === 0) {
    issues.push({ path: 'years', message: 'must list at least one year' });
    return issues;
  }
  const missing: number[] = [];
  for (let year = years[0]!; year <= years[years.length - 1]!; year++) if (!years.includes(year)) missing.push(year);
  if (missing.length > 0) {
    // A gap would be a year the calendar counts as holiday-free without anyone having said so.
    issues.push({
      path: 'years',
      message: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: the table must cover every year from ${years[0]} to ${years[years.length - 1]}`,
    });
  }
  for (const year of years) {
    const entry = input.years[String(year)]!;
    const at = `years.${year}`;
    const offAt = datesInYear(entry.daysOff, year, `${at}.daysOff`, issues);
    const workingAt = datesInYear(entry.workingDays, year, `${at}.workingDays`, issues);
    entry.workingDays.forEach((day, index) => {
      if (!workingAt.has(day.date) || workingAt.get(day.date) !== index) return;
      if (!isWeekend(day.date)) {
        issues.push({
          path: `${at}.workingDays[${index}].date`,
          message: `${day.date} is a ${weekdayName(day.date)}: only a Saturday or Sunday can be declared a working day`,
        });
      }
      const off = offAt.get(day.date);
      if (off !== undefined) {
        issues.push({ path: `${at}.workingDays[${index}].date`, message: `${day.date} is also a day off (${at}.daysOff[${off}])` });
      }
    });
  }
  return issues;
}

/** Checks that each date is in `year` and listed once; returns the first index of each date. */
function datesInYear(days: readonly NamedDay[], year: number, at: string, issues: HolidayTableIssue[]): Map<LocalDate, number> {
  const first = new Map<LocalDate, number>();
  days.forEach((day, index) => {
    if (yearOf(day.date) !== year) {
      issues.push({ path: `${at}[${index}].date`, message: `${day.date} is not in ${year}` });
    }
    const earlier = first.get(day.date);
    if (earlier === undefined) first.set(day.date, index);
    else issues.push({ path: `${at}[${index}].date`, message: `${day.date} is listed twice (first at ${at}[${earlier}])` });
  });
  return first;
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points.

/** Checks a table already read into memory (from YAML, JSON or code). Throws a HolidayTableError listing every problem. */
export function validateHolidayTable(input: unknown, source?: string): HolidayTable {
  const shape = shapeIssues(input);
  if (!shape.ok) throw new HolidayTableError(shape.issues, source);
  const issues = meaningIssues(shape.value);
  if (issues.length > 0) throw new HolidayTableError(issues, source);
  const byDate = (a: NamedDay, b: NamedDay) => compareLocalDates(a.date, b.date);
  const years = Object.entries(shape.value.years)
    .map(([year, entry]) => ({
      year: Number(year),
      daysOff: entry.daysOff.map(({ date, name }) => ({ date, name })).sort(byDate),
      workingDays: entry.workingDays.map(({ date, name }) => ({ date, name })).sort(byDate),
    }))
    .sort((a, b) => a.year - b.year);
  return { firstYear: years[0]!.year, lastYear: years[years.length - 1]!.year, years, ...(source ? { source } : {}) };
}

/** Parses and checks the YAML text of a holiday table; `source` (a file name) is named in error messages. */
export function parseHolidayTable(text: string, source?: string): HolidayTable {
  let input: unknown;
  try {
    // The core schema keeps 2026-02-16 a string; YAML 1.1 readers would turn it into a timestamp at midnight UTC.
    input = YAML.parse(text, { schema: 'core', prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    throw new HolidayTableError([{ path: '', message: `not valid YAML: ${(error as Error).message}` }], source);
  }
  return validateHolidayTable(input, source);
}

export function loadHolidayTable(path: string): HolidayTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new HolidayTableError([{ path: '', message: `cannot read the file: ${(error as Error).message}` }], path);
  }
  return parseHolidayTable(text, path);
}

/** Where the shipped table lives, relative to the repository (or installed package) root. */
export const HOLIDAY_TABLE_RELATIVE_PATH = join('config', 'holidays', 'vietnam.yaml');

/**
 * The shipped `config/holidays/vietnam.yaml`, found by walking up from this file to the directory that holds
 * package.json and the table: that is the repository root both from `libs/working-days/src` (jest, ts sources)
 * and from `dist/libs/working-days/src` (the build).
 */
export function defaultHolidayTablePath(): string {
  const tried: string[] = [];
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const candidate = join(dir, HOLIDAY_TABLE_RELATIVE_PATH);
      if (existsSync(candidate)) return candidate;
      tried.push(candidate);
    }
    if (dirname(dir) === dir) break;
  }
  throw new Error(
    `cannot find the holiday table ${HOLIDAY_TABLE_RELATIVE_PATH} above ${__dirname}` +
      (tried.length > 0 ? ` (looked for ${tried.join(', ')})` : ' (no directory above it holds a package.json)'),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Generation: the default table, from the Labour Code's rules and Vietnam's lunar calendar.

/** The years a table can be generated and checked for. */
export const GENERATION_YEARS = LUNAR_CALENDAR_YEARS;

/**
 * The day next to 2 September (Labour Code 2019 art. 112(1)(đ): "the day before or after", chosen by the Prime
 * Minister each year). The announced schedules picked the day that joins the pair to a weekend: 1 September when
 * 2 September is a Friday (2022: off Thursday 1 – Sunday 4), a Saturday (2023: Friday 1 – Monday 4, the Monday
 * compensating) or a Tuesday (the Monday then bridges the weekend); 3 September otherwise (2021: Thursday 2 –
 * Sunday 5; 2024: Saturday 31 August – Tuesday 3 September).
 */
export function nationalDayAdjacentDate(year: number): LocalDate {
  const nationalDay = `${year}-09-02`;
  return [2, 5, 6].includes(dayOfWeek(nationalDay)) ? `${year}-09-01` : `${year}-09-03`;
}

/** The paid public holidays of a year, before compensation, in date order. */
export function statutoryHolidays(year: number): NamedDay[] {
  const lunar = lunarHolidaysOf(year);
  const days: NamedDay[] = [
    { date: `${year}-01-01`, name: NEW_YEAR_NAME },
    ...TET_DAY_NAMES.map((day, index) => ({ date: addDays(lunar.lunarYearLastDay, index), name: `${TET_NAME} (${day})` })),
    { date: lunar.hungKingsDay, name: HUNG_KINGS_NAME },
    { date: `${year}-04-30`, name: VICTORY_DAY_NAME },
    { date: `${year}-05-01`, name: LABOUR_DAY_NAME },
    { date: `${year}-09-02`, name: NATIONAL_DAY_NAME },
  ];
  if (year >= LABOUR_CODE_2019_FROM_YEAR) days.push({ date: nationalDayAdjacentDate(year), name: NATIONAL_DAY_ADJACENT_NAME });
  return days.sort((a, b) => compareLocalDates(a.date, b.date));
}

/**
 * One year by the rules: the statutory holidays, and for each one on a Saturday or Sunday (or on another
 * holiday) a day off on the next day that is neither a weekend nor already off (Labour Code 2012 art. 115(3),
 * Labour Code 2019 art. 111(3)). No swapped working weekends: those come only from an announced schedule.
 */
export function generateHolidayYear(year: number): HolidayYear {
  const statutory = statutoryHolidays(year);
  // Every holiday is off before any compensation is placed, so a compensatory day never lands on a later holiday.
  const off = new Map<LocalDate, NamedDay>();
  const daysOff: NamedDay[] = [];
  const owed: { holiday: NamedDay; reason: string }[] = [];
  for (const holiday of statutory) {
    const taken = off.get(holiday.date);
    if (taken) owed.push({ holiday, reason: `trùng ${taken.name}` });
    else {
      off.set(holiday.date, holiday);
      daysOff.push(holiday);
      if (isWeekend(holiday.date)) owed.push({ holiday, reason: VIETNAMESE_WEEKDAYS[dayOfWeek(holiday.date)]! });
    }
  }
  for (const { holiday, reason } of owed) {
    let date = addDays(holiday.date, 1);
    while (isWeekend(date) || off.has(date)) date = addDays(date, 1);
    const compensation = { date, name: `${NGHI_BU} cho ${holiday.name}, ${reason} ${shortDate(holiday.date)}` };
    off.set(date, compensation);
    daysOff.push(compensation);
  }
  return { year, daysOff: daysOff.sort((a, b) => compareLocalDates(a.date, b.date)), workingDays: [] };
}

/** The default table for fromYear..toYear inclusive (see generateHolidayYear). */
export function generateHolidayTable(fromYear: number, toYear: number): HolidayTable {
  for (const [what, year] of [['fromYear', fromYear], ['toYear', toYear]] as const) {
    if (!Number.isInteger(year) || year < GENERATION_YEARS.from || year > GENERATION_YEARS.to) {
      throw new RangeError(`${what} ${year} is not a year between ${GENERATION_YEARS.from} and ${GENERATION_YEARS.to}`);
    }
  }
  if (fromYear > toYear) throw new RangeError(`fromYear ${fromYear} is after toYear ${toYear}`);
  const years: HolidayYear[] = [];
  for (let year = fromYear; year <= toYear; year++) years.push(generateHolidayYear(year));
  return { firstYear: fromYear, lastYear: toYear, years };
}

// ---------------------------------------------------------------------------------------------------------------
// Writing.

const CAN = ['Canh', 'Tân', 'Nhâm', 'Quý', 'Giáp', 'Ất', 'Bính', 'Đinh', 'Mậu', 'Kỷ'];
const CHI = ['Thân', 'Dậu', 'Tuất', 'Hợi', 'Tý', 'Sửu', 'Dần', 'Mão', 'Thìn', 'Tỵ', 'Ngọ', 'Mùi'];

/** The sexagenary name of the lunar year that starts in `year` (2026 → Bính Ngọ), as announcements name Tết. */
export function lunarYearName(year: number): string {
  return `${CAN[((year % 10) + 10) % 10]} ${CHI[((year % 12) + 12) % 12]}`;
}

function header(table: HolidayTable): string {
  const span = `${table.firstYear}–${table.lastYear}`;
  return [
    ` Vietnam's working-day calendar, ${span}: for each year, the days off besides Saturdays and Sundays`,
    ` (daysOff) and the Saturdays or Sundays declared working days in exchange for a bridge day ("ngày làm bù",`,
    ` workingDays). Case tracking computes one-stop-shop due dates ("ngày hẹn trả") from it. A date in a year`,
    ` that is not listed here is refused, never counted as a working day by default.`,
    ``,
    ` [I] Configuration, not law: an operator edits it when the Government announces each year's schedule`,
    ` (the Prime Minister fixes the Tết days and the day next to 2 September every year), keeping the names`,
    ` "${TET_NAME}…" on the five Tết days and "${HUNG_KINGS_NAME}" on the 10th of the 3rd lunar month, then runs`,
    ` \`lgsp holidays check\`. Add each new year before it starts.`,
    ``,
    ` Generated by \`lgsp holidays generate --from ${table.firstYear} --to ${table.lastYear} --out config/holidays/vietnam.yaml\`,`,
    ` from the Labour Code 2012 art. 115 (years to 2020) and the Labour Code 2019 art. 112 (from 2021):`,
    `   - 1 January; 30 April; 1 May; 2 September;`,
    `   - Tết Nguyên Đán, 5 days: the last day of the lunar year and the first four days of the new one (the`,
    `     Government picks the days each year; this is the common pattern);`,
    `   - Giỗ Tổ Hùng Vương, the 10th day of the 3rd lunar month;`,
    `   - from 2021, a day next to 2 September: the one that joins the pair to a weekend, as the announced`,
    `     schedules did (1 September when 2 September is a Tuesday, Friday or Saturday, else 3 September);`,
    `   - a holiday on a Saturday or Sunday gives a day off on the next working day (Labour Code 2012`,
    `     art. 115(3), Labour Code 2019 art. 111(3)).`,
    ` Lunar dates come from date-holidays (Vietnam's own lunar calendar, computed at UTC+7; Tết 2030 is 2 February`,
    ` in Vietnam, 3 February in China). No year carries an announced schedule (an extended Tết, swapped Saturdays)`,
    ` yet: add one only from the Government's notice, and cite it in a comment next to the year.`,
    ``,
    ` \`lgsp holidays check [FILE]\` validates this file and compares each year's Tết, Hùng Kings' day and fixed`,
    ` holidays with the rules above; it exits 1 naming every disagreement.`,
  ].join('\n');
}

/** The table as YAML, with the header that says what the file is and how it was made; parseHolidayTable reads it back. */
export function formatHolidayTable(table: HolidayTable): string {
  const doc = new YAML.Document(
    {
      // Number keys, so that a year reads `2026:` rather than `"2026":`.
      years: new Map(
        table.years.map((year) => [
          year.year,
          { daysOff: year.daysOff.map(({ date, name }) => ({ date, name })), workingDays: year.workingDays.map(({ date, name }) => ({ date, name })) },
        ]),
      ),
    },
    { schema: 'core' },
  );
  const years = doc.get('years') as YAML.YAMLMap<YAML.Scalar<number>, YAML.YAMLMap>;
  for (const pair of years.items) {
    const year = pair.key.value;
    if (year >= GENERATION_YEARS.from && year <= GENERATION_YEARS.to) {
      const lunar = lunarHolidaysOf(year);
      pair.key.commentBefore = ` ${year}: Tết ${lunarYearName(year)} (mùng 1: ${lunar.lunarNewYear}); Giỗ Tổ Hùng Vương ${lunar.hungKingsDay}`;
    }
  }
  YAML.visit(doc, {
    Map(_, node, path) {
      // One line per day, as an operator reads and edits them.
      if (YAML.isSeq(path[path.length - 1])) node.flow = true;
    },
    Pair(_, pair) {
      if (YAML.isScalar(pair.key) && pair.key.value === 'name' && YAML.isScalar(pair.value)) pair.value.type = 'QUOTE_DOUBLE';
    },
  });
  const comment = header(table)
    .split('\n')
    .map((line) => (line ? `#${line}` : '#'))
    .join('\n');
  return `${comment}\n\n${doc.toString({ lineWidth: 0, flowCollectionPadding: true })}`;
}

function shortDate(date: LocalDate): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? String(segment) : `.${String(segment)}`)).join('');
}

function describeInput(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a timestamp';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}
