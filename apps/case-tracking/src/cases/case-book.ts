import { LocalDate } from '@lgsp/working-days';
import { caseCodeDay, parseCaseCode } from './case-code';
import { CaseActor, CaseEvent, CaseReceived, DeadlineThreshold, PlannedStep, ProcedureSnapshot } from './case-events';
import { CaseStatus, isClosed, isFinished, isPaused } from './case-status';

/** One row of the process-control sheet (form 05) as it happened. */
export interface SheetRow {
  stepIndex: number;
  name: string;
  agency: string;
  startedAt: number;
  due: LocalDate | null;
  endedAt?: number;
  handedTo?: string;
  late?: boolean;
}

/** One entry of the case's progress, as the national portal's progress records show it. */
export interface ProgressEntry {
  at: number;
  status: CaseStatus;
  action: 'received' | 'status' | 'transfer' | 'rescheduled';
  agency: string;
  officer: string;
  title?: string;
  note?: string;
  stepDue: LocalDate | null;
  /** A transfer: the agency the case went to. */
  to?: string;
}

export interface SupplementRequest {
  requestedAt: number;
  status: 5 | 6 | 8;
  previousAppointment: LocalDate | null;
  resumedAt?: number;
  appointment?: LocalDate;
}

/** What the intake said, kept as the event wrote it; the rest moves with the later events. */
type IntakeFields = 'code' | 'clientId' | 'externalId' | 'intakeHash' | 'receivingAgency' | 'procedure' | 'channel' | 'applicant' | 'summary' | 'documents' | 'fees' | 'receivedAt';

export interface CaseRecord extends Pick<CaseReceived, IntakeFields> {
  status: CaseStatus;
  statusAt: number;
  currentAgency: string;
  plan: PlannedStep[];
  sheet: SheetRow[];
  /** The date the citizen was last given (moves with pauses and with form 04). */
  appointment: LocalDate | null;
  /** The date the case is judged against (moves with pauses only: an apology does not make a late case on time). */
  legalDue: LocalDate | null;
  /** While paused: the days that were left, given back on resuming. */
  remainingDays?: number;
  supplements: SupplementRequest[];
  apologies: { at: number; previousAppointment: LocalDate; appointment: LocalDate; reason: string; officer: string }[];
  finishedAt?: number;
  returnedAt?: number;
  onTime?: boolean;
  alerts: Partial<Record<DeadlineThreshold, number>>;
  progress: ProgressEntry[];
  /** How many progress entries the national portal has (the sync worker's mark). */
  syncedVersion: number;
}

/** Told each applied event with the case as it was before (undefined for a new case) and after. */
export type BookObserver = (event: CaseEvent, before: Readonly<Pick<CaseRecord, 'status' | 'alerts'>> | undefined, after: CaseRecord | undefined) => void;

/**
 * The in-process projection of the event topic: every case, the daily sequences and the intake ids already used.
 * `apply` is the only writer, so the projection after a restart is the projection before it.
 */
export class CaseBook {
  private readonly cases = new Map<string, CaseRecord>();
  /** `${agency}|${YYMMDD}` → the last sequence number given out. */
  private readonly sequences = new Map<string, number>();
  /** client id → its intake ids → case code. */
  private readonly byExternalId = new Map<string, Map<string, string>>();
  /** One copy of the short strings a million cases repeat: agency codes, client ids, officers, dates. */
  private readonly strings = new Map<string, string>();
  private readonly observers: BookObserver[] = [];
  /** Cases whose portal copy is behind, in the order they fell behind. */
  private readonly unsynced = new Set<string>();
  /**
   * One copy of each procedure snapshot and plan: a million cases share a few thousand of them, and each event's
   * parse would otherwise keep its own. Shared, so never changed in place.
   */
  private readonly procedures = new Map<string, ProcedureSnapshot>();
  private readonly plans = new Map<string, PlannedStep[]>();

  get size(): number {
    return this.cases.size;
  }

  observe(observer: BookObserver): void {
    this.observers.push(observer);
  }

  get(code: string): CaseRecord | undefined {
    return this.cases.get(code);
  }

  byExternal(clientId: string, externalId: string): CaseRecord | undefined {
    const code = this.byExternalId.get(clientId)?.get(externalId);
    return code === undefined ? undefined : this.cases.get(code);
  }

  /** The next sequence for an agency's receipt day (not reserved: the caller holds the agency-day lock). */
  nextSequence(agency: string, receiptDate: LocalDate): number {
    return (this.sequences.get(`${agency}|${caseCodeDay(receiptDate)}`) ?? 0) + 1;
  }

  openCases(): IterableIterator<CaseRecord> {
    return (function* (cases: Map<string, CaseRecord>) {
      for (const record of cases.values()) if (!isClosed(record.status) && !isFinished(record.status)) yield record;
    })(this.cases);
  }

  /** Codes whose national-portal copy is behind, oldest first. */
  unsyncedCodes(): IterableIterator<string> {
    return this.unsynced.values();
  }

  get unsyncedCount(): number {
    return this.unsynced.size;
  }

  apply(event: CaseEvent): void {
    if (event.type === 'portal.synced') {
      for (const { code, version } of event.cases) {
        const record = this.cases.get(code);
        if (!record) continue;
        record.syncedVersion = Math.max(record.syncedVersion, version);
        if (record.syncedVersion >= record.progress.length) this.unsynced.delete(code);
      }
      this.notify(event, undefined, undefined);
      return;
    }
    if (event.type === 'case.received') {
      const str = (v: string) => this.intern(v);
      const record = newRecord({
        ...event,
        clientId: str(event.clientId),
        receivingAgency: str(event.receivingAgency),
        appointment: event.appointment === null ? null : str(event.appointment),
        stepDue: event.stepDue === null ? null : str(event.stepDue),
        by: { ...event.by, clientId: str(event.by.clientId), agency: str(event.by.agency), officer: str(event.by.officer) },
        procedure: this.internProcedure(event.procedure),
        plan: this.internPlan(event.procedure.code, event.receivingAgency, event.plan),
      });
      this.cases.set(record.code, record);
      const parts = parseCaseCode(record.code);
      if (parts) {
        const key = `${parts.agency}|${parts.day}`;
        this.sequences.set(key, Math.max(this.sequences.get(key) ?? 0, parts.sequence));
      }
      if (record.externalId !== undefined) {
        let ids = this.byExternalId.get(record.clientId);
        if (!ids) this.byExternalId.set(record.clientId, (ids = new Map()));
        ids.set(record.externalId, record.code);
      }
      this.unsynced.add(record.code);
      this.notify(event, undefined, record);
      return;
    }
    const record = this.cases.get(event.code);
    if (!record) return; // an event for a case this topic never received: nothing to attach it to
    if ('by' in event) event.by = { ...event.by, clientId: this.intern(event.by.clientId), agency: this.intern(event.by.agency), officer: this.intern(event.by.officer) };
    const before = { status: record.status, alerts: { ...record.alerts } };
    switch (event.type) {
      case 'case.status-changed':
        applyStatusChange(record, event);
        break;
      case 'case.transferred': {
        const open = record.sheet[record.sheet.length - 1];
        if (open && open.endedAt === undefined) {
          open.endedAt = event.at;
          open.handedTo = event.toAgency;
          open.late = event.previousStepLate;
        }
        record.sheet.push({ stepIndex: event.stepIndex, name: event.stepName, agency: event.toAgency, startedAt: event.at, due: event.stepDue });
        record.currentAgency = event.toAgency;
        record.progress.push(progress(event.at, record.status, 'transfer', event.by, event.note, event.stepDue, event.toAgency));
        break;
      }
      case 'case.rescheduled':
        record.apologies = [...record.apologies, { at: event.at, previousAppointment: event.previousAppointment, appointment: event.appointment, reason: event.reason, officer: event.by.officer }];
        record.appointment = event.appointment;
        record.progress.push(progress(event.at, record.status, 'rescheduled', event.by, event.reason, currentStepDue(record)));
        break;
      case 'case.alerted':
        record.alerts[event.threshold] ??= event.at;
        break;
    }
    if (event.type !== 'case.alerted') this.unsynced.add(record.code);
    this.notify(event, before, record);
  }

  private intern(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  /** The snapshot already held for this procedure, when it is the same (a catalog change makes a new one). */
  private internProcedure(procedure: ProcedureSnapshot): ProcedureSnapshot {
    const known = this.procedures.get(procedure.code);
    if (known && sameFields(known, procedure)) return known;
    this.procedures.set(procedure.code, procedure);
    return procedure;
  }

  /** The plan already held for this procedure and receiving agency, when it is the same. */
  private internPlan(procedureCode: string, agency: string, plan: PlannedStep[]): PlannedStep[] {
    const key = `${procedureCode}|${agency}`;
    const known = this.plans.get(key);
    if (known && known.length === plan.length && known.every((step, i) => sameFields(step, plan[i]!))) return known;
    this.plans.set(key, plan);
    return plan;
  }

  private notify(event: CaseEvent, before: Readonly<Pick<CaseRecord, 'status' | 'alerts'>> | undefined, after: CaseRecord | undefined): void {
    for (const observer of this.observers) observer(event, before, after);
  }
}

/**
 * The empty list every case without papers, fees, pauses or apologies shares (most of a million): lists on a record
 * are replaced, never changed in place.
 */
const NONE: never[] = Object.freeze([]) as unknown as never[];

function newRecord(event: CaseReceived): CaseRecord {
  const firstStep = event.plan[0];
  return {
    code: event.code,
    clientId: event.clientId,
    externalId: event.externalId,
    intakeHash: event.intakeHash,
    receivingAgency: event.receivingAgency,
    procedure: event.procedure,
    channel: event.channel,
    applicant: event.applicant,
    summary: event.summary,
    documents: event.documents.length === 0 ? NONE : event.documents,
    fees: event.fees.length === 0 ? NONE : event.fees,
    receivedAt: event.receivedAt,
    status: event.status,
    statusAt: event.at,
    currentAgency: event.receivingAgency,
    plan: event.plan,
    sheet: [{ stepIndex: 0, name: firstStep?.name ?? 'Tiếp nhận', agency: event.receivingAgency, startedAt: event.receivedAt, due: event.stepDue }],
    appointment: event.appointment,
    legalDue: event.appointment,
    supplements: NONE,
    apologies: NONE,
    alerts: {},
    progress: [progress(event.at, event.status, 'received', event.by, undefined, event.stepDue)],
    syncedVersion: 0,
  };
}

function applyStatusChange(record: CaseRecord, event: Extract<CaseEvent, { type: 'case.status-changed' }>): void {
  record.status = event.to;
  record.statusAt = event.at;
  if (event.appointment !== undefined) record.appointment = event.appointment;
  if (event.legalDue !== undefined) record.legalDue = event.legalDue;
  if (event.stepDue !== undefined) {
    const open = record.sheet[record.sheet.length - 1];
    if (open && open.endedAt === undefined) open.due = event.stepDue;
  }
  if (isPaused(event.to) && !isPaused(event.from)) {
    record.remainingDays = event.remainingDays;
    record.supplements = [...record.supplements, { requestedAt: event.at, status: event.to as 5 | 6 | 8, previousAppointment: record.appointment }];
  } else if (isPaused(event.from) && !isPaused(event.to)) {
    record.remainingDays = undefined;
    const open = record.supplements[record.supplements.length - 1];
    if (open && open.resumedAt === undefined) {
      open.resumedAt = event.at;
      open.appointment = event.appointment;
    }
  }
  if (isFinished(event.to) && record.finishedAt === undefined) {
    record.finishedAt = event.at;
    record.onTime = event.onTime;
    const open = record.sheet[record.sheet.length - 1];
    if (open && open.endedAt === undefined) open.endedAt = event.at;
  }
  if (event.to === 10) record.returnedAt = event.at;
  record.progress.push(progress(event.at, event.to, 'status', event.by, event.note, currentStepDue(record)));
}

function currentStepDue(record: CaseRecord): LocalDate | null {
  return record.sheet[record.sheet.length - 1]?.due ?? null;
}

function progress(at: number, status: CaseStatus, action: ProgressEntry['action'], by: CaseActor, note: string | undefined, stepDue: LocalDate | null, to?: string): ProgressEntry {
  const entry: ProgressEntry = { at, status, action, agency: by.agency, officer: by.officer, stepDue };
  // Set only when present: a million entries without them are a million fewer slots.
  if (by.title !== undefined) entry.title = by.title;
  if (note !== undefined) entry.note = note;
  if (to !== undefined) entry.to = to;
  return entry;
}

function sameFields(a: object, b: object): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}
