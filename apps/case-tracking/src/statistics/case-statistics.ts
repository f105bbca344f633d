import { Registry } from '@lgsp/registry';
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

/** The counters one case touches: per dimension value, its counts by period and its current counts. */
interface Targets {
  periods: Map<number, PeriodCounts>[];
  current: CurrentCounts[];
}

/**
 * Statistics kept up to date as events are applied — a query reads counters, it never scans cases. Every event touches
 * a fixed number of counters (per dimension value, its year, month and day), and a query reads one per row (three
 * for a quarter), at a million cases as at ten.
 *
 * Counters are kept per year, month and day, keyed by numbers (2026 → 20260000, 2026-11 → 20261100, 2026-11-23 →
 * 20261123); a quarter adds up its months. The counters a case touches are looked up once per receiving agency and procedure:
 * rebuilding a million cases applies millions of events, and string keys made this the largest cost of a rebuild.
 */
export class CaseStatistics {
  /** dimension → value → period → counts. */
  private readonly periods = new Map<StatisticsDimension, Map<string, Map<number, PeriodCounts>>>();
  private readonly current = new Map<StatisticsDimension, Map<string, CurrentCounts>>();
  private readonly targets = new Map<string, Targets>();

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
      this.count(after, event.receivedAt, 'received');
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
    if (isFinished(after.status)) this.count(after, event.at, after.onTime ? 'doneOnTime' : 'doneLate');
    else this.count(after, event.at, 'cancelled');
  };

  /** Rows for one dimension and period (`2026`, `2026-Q4`, `2026-11`, `2026-11-23`), optionally one value. */
  query(dimension: StatisticsDimension, period: string, value?: string): StatisticsRow[] {
    const months = periodMonths(period);
    const periods = this.periods.get(dimension)!;
    const current = this.current.get(dimension)!;
    const keys = value !== undefined ? [value] : [...new Set([...periods.keys(), ...current.keys()])];
    return keys.map((key) => {
      const counts = { received: 0, doneOnTime: 0, doneLate: 0, cancelled: 0 };
      const byPeriod = periods.get(key);
      // A year, month or day is one counter; a quarter adds up its three months.
      for (const month of byPeriod ? months : []) {
        const c = byPeriod!.get(month);
        if (!c) continue;
        counts.received += c.received;
        counts.doneOnTime += c.doneOnTime;
        counts.doneLate += c.doneLate;
        counts.cancelled += c.cancelled;
      }
      const now = current.get(key) ?? { inProgress: 0, overdueNow: 0 };
      const done = counts.doneOnTime + counts.doneLate;
      return {
        key,
        received: counts.received,
        doneOnTime: counts.doneOnTime,
        doneLate: counts.doneLate,
        cancelled: counts.cancelled,
        inProgress: now.inProgress,
        overdueNow: now.overdueNow,
        onTimeRate: done === 0 ? null : Math.round((counts.doneOnTime / done) * 10_000) / 10_000,
      };
    });
  }

  private count(record: CaseRecord, at: number, field: keyof PeriodCounts): void {
    // The Vietnam-time calendar date of `at`, as numbers (no string is built per event).
    const date = new Date(at + VIETNAM_OFFSET_MS);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const yearKey = year * 10_000;
    const monthKey = yearKey + month * 100;
    const dayKey = monthKey + date.getUTCDate();
    for (const byPeriod of this.targetsOf(record).periods) {
      for (const key of [yearKey, monthKey, dayKey]) {
        let counts = byPeriod.get(key);
        if (!counts) byPeriod.set(key, (counts = { received: 0, doneOnTime: 0, doneLate: 0, cancelled: 0 }));
        counts[field] += 1;
      }
    }
  }

  private adjust(record: CaseRecord, field: keyof CurrentCounts, delta: number): void {
    for (const counts of this.targetsOf(record).current) counts[field] += delta;
  }

  private targetsOf(record: CaseRecord): Targets {
    const cacheKey = `${record.receivingAgency}|${record.procedure.code}|${record.procedure.level}|${record.procedure.fieldCode}`;
    let targets = this.targets.get(cacheKey);
    if (targets) return targets;
    targets = { periods: [], current: [] };
    const values: [StatisticsDimension, string][] = [
      ['all', 'all'],
      ['agency', record.receivingAgency],
      ...withAncestors(this.registry, record.receivingAgency).map((unit): [StatisticsDimension, string] => ['unit', unit]),
      ['procedure', record.procedure.code],
      ['level', String(record.procedure.level)],
      ['field', record.procedure.fieldCode],
    ];
    for (const [dimension, value] of values) {
      const byValue = this.periods.get(dimension)!;
      let byPeriod = byValue.get(value);
      if (!byPeriod) byValue.set(value, (byPeriod = new Map()));
      targets.periods.push(byPeriod);
      const currentByValue = this.current.get(dimension)!;
      let counts = currentByValue.get(value);
      if (!counts) currentByValue.set(value, (counts = { inProgress: 0, overdueNow: 0 }));
      targets.current.push(counts);
    }
    this.targets.set(cacheKey, targets);
    return targets;
  }
}

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/**
 * The counters a period adds up: a year, a month or a day is its own counter (20260000, 20261100, 20261123); a
 * quarter, its three months. Empty for a string that is not a period (checked against PERIOD_PATTERN by the caller).
 */
export function periodMonths(period: string): number[] {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) return [];
  const year = Number(match[1]) * 10_000;
  if (match[4] !== undefined) {
    const first = (Number(match[4]) - 1) * 3 + 1;
    return [year + first * 100, year + (first + 1) * 100, year + (first + 2) * 100];
  }
  return [year + (match[2] === undefined ? 0 : Number(match[2]) * 100) + (match[3] === undefined ? 0 : Number(match[3]))];
}

function isOpen(status: CaseStatus): boolean {
  return !isFinished(status) && !isClosed(status);
}
