import { Registry } from '@lgsp/registry';
import { localDateOf } from '@lgsp/working-days';
import { CaseRecord } from '../cases/case-book';
import { withAncestors } from '../cases/authority';
import { CaseEvent } from '../cases/case-events';
import { CaseStatus, isClosed, isFinished } from '../cases/case-status';

/** Counts that belong to a period: when the case was received, finished or closed. */
interface PeriodCounts {
  received: number;
  doneOnTime: number;
  doneLate: number;
  /** Not accepted (3) or withdrawn (7). */
  cancelled: number;
}

/** Counts of what is true now, whatever the period. */
interface CurrentCounts {
  inProgress: number;
  overdueNow: number;
}

/**
 * How the statistics group cases: `agency` is the receiving agency alone; `unit` adds each case to its agency and to
 * every agency above it (a district's row includes its communes, the province's row everything).
 */
export const STATISTICS_DIMENSIONS = ['all', 'agency', 'unit', 'procedure', 'level', 'field'] as const;
export type StatisticsDimension = (typeof STATISTICS_DIMENSIONS)[number];

export const PERIOD_PATTERN = /^(\d{4})(?:-(?:(0[1-9]|1[0-2])(?:-(\d{2}))?|Q([1-4])))?$/;

export interface StatisticsRow extends PeriodCounts, CurrentCounts {
  key: string;
  onTimeRate: number | null;
}

/**
 * Statistics kept up to date as events are applied — a query reads counters, it never scans cases. Every event touches
 * a fixed number of counters: per dimension value, one per period granularity (year, quarter, month, day) of the
 * date it counts on, so any period query is a lookup, at a million cases as at ten.
 */
export class CaseStatistics {
  /** dimension → value → period → counts. */
  private readonly periods = new Map<StatisticsDimension, Map<string, Map<string, PeriodCounts>>>();
  private readonly current = new Map<StatisticsDimension, Map<string, CurrentCounts>>();

  constructor(private readonly registry: Registry) {
    for (const dimension of STATISTICS_DIMENSIONS) {
      this.periods.set(dimension, new Map());
      this.current.set(dimension, new Map());
    }
  }

  /** A CaseBook observer. */
  readonly observe = (event: CaseEvent, before: { status: CaseStatus; alerts: CaseRecord['alerts'] } | undefined, after: CaseRecord | undefined): void => {
    if (!after || event.type === 'portal.synced') return;
    if (event.type === 'case.received') {
      this.count(after, event.receivedAt, 'received', 1);
      this.adjust(after, 'inProgress', 1);
      return;
    }
    if (!before) return;
    if (event.type === 'case.alerted' && event.threshold === 'overdue' && before.alerts.overdue === undefined && isOpen(after.status)) {
      this.adjust(after, 'overdueNow', 1);
      return;
    }
    if (event.type !== 'case.status-changed' || !isOpen(before.status) || isOpen(after.status)) return;
    // The case has just left the open set: finished (on time or late) or closed without a result.
    this.adjust(after, 'inProgress', -1);
    if (after.alerts.overdue !== undefined) this.adjust(after, 'overdueNow', -1);
    if (isFinished(after.status)) this.count(after, event.at, after.onTime ? 'doneOnTime' : 'doneLate', 1);
    else this.count(after, event.at, 'cancelled', 1);
  };

  /** Rows for one dimension and period (`2026`, `2026-Q4`, `2026-11`, `2026-11-23`), optionally one value. */
  query(dimension: StatisticsDimension, period: string, value?: string): StatisticsRow[] {
    const periods = this.periods.get(dimension)!;
    const current = this.current.get(dimension)!;
    const keys = value !== undefined ? [value] : [...new Set([...periods.keys(), ...current.keys()])];
    return keys.map((key) => {
      const counts = periods.get(key)?.get(period) ?? { received: 0, doneOnTime: 0, doneLate: 0, cancelled: 0 };
      const now = current.get(key) ?? { inProgress: 0, overdueNow: 0 };
      const done = counts.doneOnTime + counts.doneLate;
      return { key, ...counts, ...now, onTimeRate: done === 0 ? null : Math.round((counts.doneOnTime / done) * 10_000) / 10_000 };
    });
  }

  private count(record: CaseRecord, at: number, field: keyof PeriodCounts, delta: number): void {
    const date = localDateOf(at);
    const month = Number(date.slice(5, 7));
    const periodKeys = [date.slice(0, 4), `${date.slice(0, 4)}-Q${Math.ceil(month / 3)}`, date.slice(0, 7), date];
    for (const [dimension, value] of this.keysOf(record)) {
      const byValue = this.periods.get(dimension)!;
      let byPeriod = byValue.get(value);
      if (!byPeriod) byValue.set(value, (byPeriod = new Map()));
      for (const period of periodKeys) {
        let counts = byPeriod.get(period);
        if (!counts) byPeriod.set(period, (counts = { received: 0, doneOnTime: 0, doneLate: 0, cancelled: 0 }));
        counts[field] += delta;
      }
    }
  }

  private adjust(record: CaseRecord, field: keyof CurrentCounts, delta: number): void {
    for (const [dimension, value] of this.keysOf(record)) {
      const byValue = this.current.get(dimension)!;
      let counts = byValue.get(value);
      if (!counts) byValue.set(value, (counts = { inProgress: 0, overdueNow: 0 }));
      counts[field] += delta;
    }
  }

  private readonly unitsCache = new Map<string, string[]>();

  private keysOf(record: CaseRecord): [StatisticsDimension, string][] {
    let units = this.unitsCache.get(record.receivingAgency);
    if (!units) this.unitsCache.set(record.receivingAgency, (units = withAncestors(this.registry, record.receivingAgency)));
    return [
      ['all', 'all'],
      ['agency', record.receivingAgency],
      ...units.map((unit): [StatisticsDimension, string] => ['unit', unit]),
      ['procedure', record.procedure.code],
      ['level', String(record.procedure.level)],
      ['field', record.procedure.fieldCode],
    ];
  }
}

function isOpen(status: CaseStatus): boolean {
  return !isFinished(status) && !isClosed(status);
}
