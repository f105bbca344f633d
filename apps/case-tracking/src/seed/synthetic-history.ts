import { createHash } from 'node:crypto';
import { MemberConfig, Registry, seededRandom } from '@lgsp/registry';
import { addDays, LocalDate, startOfLocalDate, WorkingCalendar } from '@lgsp/working-days';
import { Procedure, ProcedureCatalog } from '../catalog';
import { formatCaseCode, MAX_DAILY_SEQUENCE } from '../cases/case-code';
import { CaseAlerted, CaseEvent, CaseReceived, CaseStatusChanged, procedureSnapshot } from '../cases/case-events';

export interface SyntheticHistoryOptions {
  /** How many cases. */
  cases: number;
  /** The last receipt day; the first is 1 January of its year. Cases of the last ten days are still open. */
  until: LocalDate;
  seed?: string;
}

/** Shares of the outcome of a case received long enough ago to be over. [I] — realistic, not measured. */
const CANCELLED_SHARE = 0.04;
const ON_TIME_SHARE = 0.88;
const RETURNED_SHARE = 0.7;
const OPEN_WINDOW_DAYS = 10;
/** The service's default (CASE_DUE_SOON_WORKING_DAYS). */
const DUE_SOON_WORKING_DAYS = 1;
/** Cases marked as already on the national portal per `portal.synced` event. */
const SYNC_RECEIPT_EVERY = 1000;

/**
 * A year of one-stop-shop history for benchmarks and demos: cases received on working days across the province's
 * agencies for the catalog's procedures, each with its case code, plan, appointment and outcome — the same events
 * the service writes, so that the service rebuilds them (statistics included) as it would its own. Deterministic for
 * a seed. Historical cases are marked as already on the national portal.
 */
export function* syntheticHistory(registry: Registry, catalog: ProcedureCatalog, calendar: WorkingCalendar, options: SyntheticHistoryOptions): Generator<CaseEvent> {
  const random = seededRandom(options.seed ?? 'lgsp-case-history');
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const members = registry.members();
  const communes = members.filter((m) => m.kind === 'commune');
  const districts = members.filter((m) => m.kind === 'district');
  const districtsAndCommunes = [...districts, ...communes];
  const procedures = catalog.all();
  const workingDays: LocalDate[] = [];
  for (let d = `${options.until.slice(0, 4)}-01-01`; d <= options.until; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) workingDays.push(d);
  const openFrom = addDays(options.until, -OPEN_WINDOW_DAYS);
  const today = addDays(options.until, 1);
  const sequences = new Map<string, number>();
  const by = { clientId: 'synthetic-history', officer: 'Công chức một cửa' };
  let synced: { code: string; version: number }[] = [];

  for (let i = 0; i < options.cases; i++) {
    const procedure = pick(procedures);
    const agency = receiverFor(procedure, pick, communes, districts, districtsAndCommunes);
    if (!agency) continue;
    const day = pick(workingDays);
    const key = `${agency}|${day}`;
    const sequence = (sequences.get(key) ?? 0) + 1;
    if (sequence > MAX_DAILY_SEQUENCE) continue;
    sequences.set(key, sequence);
    const code = formatCaseCode(agency, day, sequence);
    const receivedAt = startOfLocalDate(day) + (7.5 + random() * 9) * 3_600_000;
    if (!catalog.mayReceive(procedure, agency)) continue;
    const plan = catalog.plan(procedure, agency).steps;
    const due = (from: LocalDate, days: number) => (procedure.dayKind === 'working' ? calendar.addWorkingDays(from, days) : calendar.addCalendarDays(from, days));
    const appointment = due(day, procedure.processingDays);
    const received: CaseReceived = {
      type: 'case.received',
      code,
      at: receivedAt,
      receivedAt,
      clientId: by.clientId,
      externalId: `history-${i}`,
      intakeHash: createHash('sha256').update(code).digest('base64url').slice(0, 22),
      receivingAgency: agency,
      procedure: procedureSnapshot(procedure),
      channel: procedure.level === 4 && random() < 0.6 ? 2 : 1,
      applicant: { name: 'Công dân', kind: 'citizen', idNumber: `0380${String(i).padStart(8, '0')}` },
      summary: procedure.name,
      documents: [],
      fees: [],
      status: 2,
      plan,
      appointment,
      stepDue: plan[0] ? due(day, plan[0].days) : null,
      by: { ...by, agency },
    };
    yield received;
    let version = 1;
    const move = (from: 2 | 4 | 9, to: 4 | 7 | 9 | 10, on: LocalDate, onTime?: boolean): CaseStatusChanged => ({
      type: 'case.status-changed',
      code,
      at: Math.max(receivedAt + 60_000, startOfLocalDate(on) + 10 * 3_600_000),
      from,
      to,
      by: { ...by, agency },
      ...(onTime === undefined ? {} : { onTime }),
    });
    if (day >= openFrom) {
      if (random() < 0.5) {
        yield move(2, 4, day);
        version++;
      }
      // The alerts the scheduler wrote while the case was open, as it would have (due soon from the working day
      // before the due date, overdue from the day after), so that a service rebuilt from this history has none
      // left to catch up on.
      const alert = (threshold: 'due-soon' | 'overdue', from: LocalDate): CaseAlerted => ({ type: 'case.alerted', code, at: Math.max(receivedAt + 60_000, startOfLocalDate(from)), threshold, due: appointment, agency });
      const dueSoonFrom = calendar.subtractWorkingDays(appointment, DUE_SOON_WORKING_DAYS);
      if (dueSoonFrom <= today) yield alert('due-soon', dueSoonFrom < day ? day : dueSoonFrom);
      if (addDays(appointment, 1) <= today) yield alert('overdue', addDays(appointment, 1));
    } else if (random() < CANCELLED_SHARE) {
      yield move(2, 7, day);
      version++;
    } else {
      const onTime = random() < ON_TIME_SHARE;
      const finished = onTime ? clampBefore(addDays(appointment, -Math.floor(random() * 3)), day) : addDays(appointment, 1 + Math.floor(random() * 5));
      const finishedOn = finished > options.until ? options.until : finished;
      yield move(2, 9, finishedOn, finishedOn <= appointment);
      version++;
      if (random() < RETURNED_SHARE) {
        yield move(9, 10, finishedOn);
        version++;
      }
    }
    synced.push({ code, version });
    if (synced.length >= SYNC_RECEIPT_EVERY) {
      yield { type: 'portal.synced', at: receivedAt, cases: synced };
      synced = [];
    }
  }
  if (synced.length > 0) yield { type: 'portal.synced', at: startOfLocalDate(options.until), cases: synced };
}

function clampBefore(date: LocalDate, notBefore: LocalDate): LocalDate {
  return date < notBefore ? notBefore : date;
}

/** An agency that may receive the procedure, the way cases actually arrive: at communes, districts, departments. */
function receiverFor(procedure: Procedure, pick: <T>(items: readonly T[]) => T, communes: MemberConfig[], districts: MemberConfig[], both: MemberConfig[]): string | null {
  switch (procedure.receivers.scope) {
    case 'agencies':
      return procedure.receivers.agencies.length > 0 ? pick(procedure.receivers.agencies) : null;
    case 'districts':
      return pick(districts).code;
    case 'districts-and-communes':
      return pick(both).code;
    case 'communes':
      return pick(communes).code;
  }
}

