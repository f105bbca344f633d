export {
  addDays,
  compareLocalDates,
  dayOfWeek,
  isLocalDate,
  isWeekend,
  localDateOf,
  startOfLocalDate,
  VIETNAM_UTC_OFFSET_MS,
  weekdayName,
  type DayOfWeek,
  type LocalDate,
} from './local-date';
export {
  defaultHolidayTablePath,
  formatHolidayTable,
  generateHolidayTable,
  generateHolidayYear,
  HolidayTableError,
  loadHolidayTable,
  nationalDayAdjacentDate,
  parseHolidayTable,
  statutoryHolidayCount,
  statutoryHolidays,
  validateHolidayTable,
  type HolidayTable,
  type HolidayTableIssue,
  type HolidayYear,
  type NamedDay,
} from './holiday-table';
export { checkHolidayTable, type HolidayYearCheck } from './holiday-table-check';
export { lunarHolidaysOf, type LunarHolidays } from './lunar-holidays';
export { CalendarRangeError, WorkingCalendar } from './working-calendar';
