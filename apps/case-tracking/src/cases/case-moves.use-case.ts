import { Inject, Injectable } from '@nestjs/common';
import { ServiceCaller } from '@lgsp/messaging';
import { Registry } from '@lgsp/registry';
import { LocalDate, localDateOf } from '@lgsp/working-days';
import { Clock, CLOCK } from '../config/tokens';
import { actsFor } from './authority';
import { CaseRecord } from './case-book';
import { caseCodeProblem } from './case-code';
import { apologyCommand, parseCommand, statusCommand, transferCommand } from './case-commands';
import { CaseActor, CaseRescheduled, CaseStatusChanged, CaseTransferred } from './case-events';
import { CaseLedger } from './case-ledger';
import { allowedNext, CaseStatus, describeStatus, isAllowedTransition, isClosed, isFinished, isPaused } from './case-status';
import { CaseTrackingError } from './case-tracking-error';
import { CaseSummary, caseSummary } from './case-view';
import { Deadlines } from './deadlines';

/** Finds a case by code, refusing a malformed code (400) apart from an unknown one (404). */
export function requireCase(ledger: CaseLedger, code: string): CaseRecord {
  const problem = caseCodeProblem(code);
  if (problem) throw new CaseTrackingError(400, 'INVALID_CASE_CODE', `${problem}.`);
  const record = ledger.book.get(code);
  if (!record) throw new CaseTrackingError(404, 'CASE_NOT_FOUND', `There is no case ${code} on this platform.`);
  return record;
}

/**
 * What happens to a case after intake: status moves (the national portal's 1–10, only the allowed ones), transfers
 * between agencies along the process-control sheet (form 05), and the apology with a new appointment (form 04). Each
 * is one event, decided under the case's lock.
 */
@Injectable()
export class CaseMovesUseCase {
  constructor(
    private readonly ledger: CaseLedger,
    private readonly registry: Registry,
    private readonly deadlines: Deadlines,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async changeStatus(caller: ServiceCaller, code: string, body: Buffer): Promise<CaseSummary> {
    requireCase(this.ledger, code);
    const command = parseCommand(statusCommand, body, 'status change');
    const to = command.status as CaseStatus;
    return this.ledger.decide([code], (book) => {
      const record = book.get(code)!;
      const by = this.actor(caller, record, command.officer);
      const from = record.status;
      if (!isAllowedTransition(from, to)) {
        const next = allowedNext(from);
        throw new CaseTrackingError(
          409,
          'ILLEGAL_TRANSITION',
          `Case ${code} is at status ${describeStatus(from)}; it cannot move to ${describeStatus(to)}. ${
            next.length === 0 ? 'It is closed: no move leaves it.' : `From ${from} it may move to ${next.join(', ')}.`
          }`,
          { from, to, allowed: next },
        );
      }
      const now = this.clock.now();
      const today = localDateOf(now);
      const kind = record.procedure.dayKind;
      const event: CaseStatusChanged = { type: 'case.status-changed', code, at: now, from, to, by, ...(command.note ? { note: command.note } : {}) };

      if (from === 1 && to === 2) {
        // An online submission's clock starts when it is accepted.
        event.appointment = event.legalDue = this.deadlines.due(today, record.procedure.processingDays, kind);
        if (record.plan[0]) event.stepDue = this.deadlines.due(today, record.plan[0].days, kind);
      }
      if (isPaused(to) && !isPaused(from) && record.legalDue) {
        event.remainingDays = this.deadlines.remaining(today, record.legalDue, kind);
      }
      if (isPaused(from) && !isPaused(to) && record.remainingDays !== undefined) {
        // The clock resumes with the days that were left; the current step's deadline moves by as much.
        event.appointment = event.legalDue = this.deadlines.due(today, record.remainingDays, kind);
        const pausedOn = localDateOf(record.supplements[record.supplements.length - 1]?.requestedAt ?? now);
        const stepDue = record.sheet[record.sheet.length - 1]?.due;
        if (stepDue) event.stepDue = this.deadlines.due(today, this.deadlines.remaining(pausedOn, stepDue, kind), kind);
      }
      if (isFinished(to) && record.finishedAt === undefined) {
        event.onTime = record.legalDue !== null && today <= record.legalDue && record.alerts.overdue === undefined;
      }
      return { events: [event], answer: () => caseSummary(book.get(code)!, this.registry) };
    });
  }

  async transfer(caller: ServiceCaller, code: string, body: Buffer): Promise<CaseSummary> {
    requireCase(this.ledger, code);
    const command = parseCommand(transferCommand, body, 'transfer');
    return this.ledger.decide([code], (book) => {
      const record = book.get(code)!;
      const by = this.actor(caller, record, command.officer, 'current');
      if (record.status !== 2 && record.status !== 4) {
        throw new CaseTrackingError(409, 'NOT_TRANSFERABLE', `Case ${code} is at status ${describeStatus(record.status)}; only a case accepted or in progress (2 or 4) moves between agencies.`);
      }
      const target = this.registry.member(command.toAgency);
      if (!target) throw new CaseTrackingError(422, 'UNKNOWN_AGENCY', `toAgency ${JSON.stringify(command.toAgency)} is not an agency of this platform's registry.`);
      if (command.toAgency === record.currentAgency) {
        throw new CaseTrackingError(409, 'ALREADY_THERE', `Case ${code} is already at ${command.toAgency} (${target.name}).`);
      }
      const current = record.sheet[record.sheet.length - 1]!;
      const step = nextStepAt(record, current.stepIndex, command.toAgency);
      if (!step) {
        const involved = [...new Set(record.plan.map((s) => s.agency))];
        throw new CaseTrackingError(
          422,
          'AGENCY_NOT_INVOLVED',
          `${command.toAgency} (${target.name}) has no step in procedure ${record.procedure.code} for this case; its process-control sheet involves ${involved.join(', ')}.`,
          { involved },
        );
      }
      const now = this.clock.now();
      const today = localDateOf(now);
      const event: CaseTransferred = {
        type: 'case.transferred',
        code,
        at: now,
        fromAgency: record.currentAgency,
        toAgency: command.toAgency,
        stepIndex: step.index,
        stepName: step.name,
        stepDue: this.deadlines.due(today, step.days, record.procedure.dayKind),
        previousStepLate: current.due !== null && today > current.due,
        by,
        ...(command.note ? { note: command.note } : {}),
      };
      return { events: [event], answer: () => caseSummary(book.get(code)!, this.registry) };
    });
  }

  async apologise(caller: ServiceCaller, code: string, body: Buffer): Promise<CaseSummary> {
    requireCase(this.ledger, code);
    const command = parseCommand(apologyCommand, body, 'apology (form 04)');
    return this.ledger.decide([code], (book) => {
      const record = book.get(code)!;
      const by = this.actor(caller, record, command.officer);
      if (isFinished(record.status) || isClosed(record.status) || !record.appointment || !record.legalDue) {
        throw new CaseTrackingError(409, 'NOT_OPEN', `Case ${code} is at status ${describeStatus(record.status)}; form 04 is for a case still being processed.`);
      }
      const now = this.clock.now();
      const today = localDateOf(now);
      if (today < this.deadlines.dueSoonFrom(record.legalDue) && record.alerts.overdue === undefined) {
        throw new CaseTrackingError(409, 'NOT_LATE', `Case ${code} is due on ${record.legalDue} and not late; form 04 (apology and new appointment) is for a case that is or is about to be late.`);
      }
      const wanted: LocalDate = command.newAppointment;
      if (wanted <= record.appointment || wanted <= today) {
        throw new CaseTrackingError(422, 'APPOINTMENT_NOT_LATER', `newAppointment ${wanted} must be after both the current appointment (${record.appointment}) and today (${today}).`);
      }
      if (!this.deadlines.covers(wanted)) {
        throw new CaseTrackingError(422, 'APPOINTMENT_OUTSIDE_CALENDAR', `newAppointment ${wanted} falls outside the years the holiday table covers.`);
      }
      if (!this.deadlines.calendar.isWorkingDay(wanted)) {
        throw new CaseTrackingError(422, 'NOT_A_WORKING_DAY', `newAppointment ${wanted} is a weekend or a public holiday; results are returned on working days.`);
      }
      const event: CaseRescheduled = { type: 'case.rescheduled', code, at: now, previousAppointment: record.appointment, appointment: wanted, reason: command.reason, by };
      return { events: [event], answer: () => caseSummary(book.get(code)!, this.registry) };
    });
  }

  /**
   * The caller must act for the agency holding the case (or, for status moves, the receiving one: the one-stop desk
   * hands back results and takes withdrawals whoever is processing).
   */
  private actor(caller: ServiceCaller, record: CaseRecord, officer: { name: string; title?: string }, who: 'current' | 'current-or-receiving' = 'current-or-receiving'): CaseActor {
    const agencies = who === 'current' ? [record.currentAgency] : [record.currentAgency, record.receivingAgency];
    const agency = agencies.find((a) => actsFor(this.registry, caller.member, a));
    if (!agency) {
      throw new CaseTrackingError(
        403,
        'NOT_YOUR_CASE',
        `Case ${record.code} is at ${record.currentAgency}${who === 'current' ? '' : ` (received by ${record.receivingAgency})`}; your system acts for ${caller.member}, which is neither nor above it.`,
      );
    }
    return { clientId: caller.clientId, agency, officer: officer.name, ...(officer.title ? { title: officer.title } : {}) };
  }
}

/** The planned step the case enters at `agency`: the next one ahead of the current step, else one behind (sent back). */
function nextStepAt(record: CaseRecord, currentIndex: number, agency: string) {
  return (
    record.plan.find((s) => s.index > currentIndex && s.agency === agency) ??
    [...record.plan].reverse().find((s) => s.index <= currentIndex && s.agency === agency)
  );
}
