import { Inject, Injectable } from '@nestjs/common';
import { addDays, CalendarRangeError, LocalDate, localDateOf, WorkingCalendar } from '@lgsp/working-days';
import { CASE_TRACKING_CONFIG } from '../config/tokens';
import { CaseTrackingConfig } from '../config/case-tracking-config';
import { CaseTrackingError } from './case-tracking-error';

export type DayKind = 'working' | 'calendar';

/**
 * Deadline arithmetic in the procedure's own unit (working or calendar days) over the holiday table. A date the table
 * does not cover is a configuration gap, not the caller's mistake: it is answered 503 with a sentence naming the year.
 */
@Injectable()
export class Deadlines {
  constructor(
    readonly calendar: WorkingCalendar,
    @Inject(CASE_TRACKING_CONFIG) private readonly config: Pick<CaseTrackingConfig, 'CASE_DUE_SOON_WORKING_DAYS'>,
  ) {}

  /** The date `days` later than `from` (the start day not counted). */
  due(from: LocalDate, days: number, kind: DayKind): LocalDate {
    return this.guard(() => (kind === 'working' ? this.calendar.addWorkingDays(from, days) : this.calendar.addCalendarDays(from, days)));
  }

  /** Days left from `today` until `due` (0 when already reached), in the procedure's unit. */
  remaining(today: LocalDate, due: LocalDate, kind: DayKind): number {
    return this.guard(() => Math.max(0, kind === 'working' ? this.calendar.workingDaysBetween(today, due) : daysBetween(today, due)));
  }

  /** The first day on which a case due on `due` counts as due soon. */
  dueSoonFrom(due: LocalDate): LocalDate {
    return this.guard(() => this.calendar.subtractWorkingDays(due, this.config.CASE_DUE_SOON_WORKING_DAYS));
  }

  /** The first day on which a case due on `due` is overdue. */
  overdueFrom(due: LocalDate): LocalDate {
    return addDays(due, 1);
  }

  today(now: number): LocalDate {
    return localDateOf(now);
  }

  covers(date: LocalDate): boolean {
    return date >= this.calendar.firstDate && date <= this.calendar.lastDate;
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof CalendarRangeError) {
        throw new CaseTrackingError(503, 'CALENDAR_NOT_COVERED', `${error.message} The platform's holiday table must be extended before deadlines can be computed.`);
      }
      throw error;
    }
  }
}

function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
