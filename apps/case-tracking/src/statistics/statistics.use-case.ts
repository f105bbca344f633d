import { Inject, Injectable } from '@nestjs/common';
import { ServiceCaller } from '@lgsp/messaging';
import { Registry } from '@lgsp/registry';
import { localDateOf } from '@lgsp/working-days';
import { Clock, CLOCK } from '../config/tokens';
import { actsFor } from '../cases/authority';
import { CaseTrackingError } from '../cases/case-tracking-error';
import { CaseStatistics, PERIOD_PATTERN, STATISTICS_DIMENSIONS, StatisticsDimension } from './case-statistics';

/** Agency dimensions: an agency system sees the rows of the agencies it acts for; operators see every row. */
const AGENCY_DIMENSIONS: readonly StatisticsDimension[] = ['agency', 'unit'];

@Injectable()
export class StatisticsUseCase {
  constructor(
    private readonly statistics: CaseStatistics,
    private readonly registry: Registry,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** GET /statistics?by=&period=&value=&limit= */
  query(caller: ServiceCaller, query: URLSearchParams) {
    const by = (query.get('by') ?? 'all') as StatisticsDimension;
    if (!STATISTICS_DIMENSIONS.includes(by)) {
      throw new CaseTrackingError(400, 'INVALID_DIMENSION', `by=${JSON.stringify(query.get('by'))} is not a grouping; use one of ${STATISTICS_DIMENSIONS.join(', ')}.`);
    }
    const period = query.get('period') ?? localDateOf(this.clock.now()).slice(0, 4);
    const match = PERIOD_PATTERN.exec(period);
    const day = match?.[3] === undefined ? null : new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    if (!match || (day !== null && day.getUTCDate() !== Number(match[3]))) {
      throw new CaseTrackingError(400, 'INVALID_PERIOD', `period=${JSON.stringify(period)} is not a period; use a year (2026), a quarter (2026-Q4), a month (2026-11) or a day (2026-11-23).`);
    }
    const limit = Number(query.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new CaseTrackingError(400, 'INVALID_LIMIT', `limit=${JSON.stringify(query.get('limit'))} must be a whole number from 1 to 10000.`);
    }
    const value = query.get('value') ?? undefined;
    const staff = caller.roles.includes('operator') || caller.roles.includes('admin');
    let rows = this.statistics.query(by, period, value);
    if (!staff) {
      if (!AGENCY_DIMENSIONS.includes(by)) {
        throw new CaseTrackingError(403, 'OPERATORS_ONLY', `Statistics by ${by} cover every agency; your system sees its own agencies' rows (by=agency or by=unit).`);
      }
      rows = rows.filter((row) => actsFor(this.registry, caller.member, row.key));
    }
    rows.sort((a, b) => b.received - a.received || b.inProgress - a.inProgress || (a.key < b.key ? -1 : 1));
    const total = rows.length;
    return {
      by,
      period,
      total,
      rows: rows.slice(0, limit).map((row) => ({ ...row, name: nameOf(this.registry, by, row.key) })),
    };
  }
}

function nameOf(registry: Registry, by: StatisticsDimension, key: string): string | null {
  return by === 'agency' || by === 'unit' ? (registry.member(key)?.name ?? null) : null;
}
