import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ServiceCaller } from '@lgsp/messaging';
import { Registry } from '@lgsp/registry';
import { localDateOf } from '@lgsp/working-days';
import { ProcedureCatalog } from '../catalog';
import { translated } from '../catalog-api/procedures.use-case';
import { CaseTrackingConfig } from '../config/case-tracking-config';
import { CASE_TRACKING_CONFIG, Clock, CLOCK } from '../config/tokens';
import { actsFor } from './authority';
import { caseCodeDay, formatCaseCode, MAX_DAILY_SEQUENCE } from './case-code';
import { IntakeCommand, intakeCommand, parseCommand } from './case-commands';
import { CaseReceived, procedureSnapshot } from './case-events';
import { CaseLedger } from './case-ledger';
import { CaseTrackingError } from './case-tracking-error';
import { CaseView, caseView } from './case-view';
import { Deadlines } from './deadlines';

/** Receipt times a little ahead of ours are clock skew between the desk's machine and this one, not the future. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface IntakeReceipt {
  /** True when this intake id was already received: the answer is the case as it stands, and nothing was written. */
  replayed: boolean;
  case: CaseView;
}

/**
 * Intake (form 01, receipt and appointment): gives the case its code `{agency}-{YYMMDD}-{NNNN}`. The sequence is taken
 * under a lock of the agency's receipt day and written to the topic before anyone is told, so concurrent intakes
 * never share a number and a restart (which rebuilds the counters from the topic) never gives one out again.
 */
@Injectable()
export class IntakeUseCase {
  constructor(
    private readonly ledger: CaseLedger,
    private readonly registry: Registry,
    private readonly catalog: ProcedureCatalog,
    private readonly deadlines: Deadlines,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CASE_TRACKING_CONFIG) private readonly config: Pick<CaseTrackingConfig, 'CASE_MAX_BACKDATE_DAYS'>,
  ) {}

  async receive(caller: ServiceCaller, body: Buffer): Promise<IntakeReceipt> {
    const command = parseCommand(intakeCommand, body, 'intake');
    const agency = command.receivingAgency ?? caller.member;
    const member = this.registry.member(agency);
    if (!member) {
      throw new CaseTrackingError(422, 'UNKNOWN_AGENCY', `receivingAgency ${JSON.stringify(agency)} is not an agency of this platform's registry.`);
    }
    if (!actsFor(this.registry, caller.member, agency)) {
      throw new CaseTrackingError(403, 'NOT_YOUR_AGENCY', `Your system belongs to ${caller.member}; it cannot receive cases for ${agency} (${member.name}), which is not under it.`);
    }
    const procedure = this.catalog.get(command.procedureCode);
    if (!procedure) {
      throw new CaseTrackingError(422, 'UNKNOWN_PROCEDURE', `There is no procedure ${JSON.stringify(command.procedureCode)} in the catalog (GET /procedures lists them).`);
    }
    const plan = translated(() => this.catalog.plan(procedure, agency));

    const now = this.clock.now();
    const receivedAt = this.receiptTime(command, now);
    const receiptDate = localDateOf(receivedAt);
    const status = command.status ?? (command.channel === 2 ? 1 : 2);
    // An online submission is not accepted yet: its clock (and its appointment) starts when it is.
    const appointment = status === 2 ? this.deadlines.due(receiptDate, procedure.processingDays, procedure.dayKind) : null;
    const stepDue = status === 2 && plan.steps[0] ? this.deadlines.due(receiptDate, plan.steps[0].days, procedure.dayKind) : null;
    const intakeHash = hashIntake(command, agency);
    const day = caseCodeDay(receiptDate);

    return this.ledger.decide<IntakeReceipt>([`intake:${caller.clientId}|${command.externalId}`, `sequence:${agency}|${day}`], (book) => {
      const existing = book.byExternal(caller.clientId, command.externalId);
      if (existing) {
        if (existing.intakeHash !== intakeHash) {
          throw new CaseTrackingError(
            409,
            'DUPLICATE_INTAKE',
            `externalId ${JSON.stringify(command.externalId)} was already received as case ${existing.code} with different contents; a new intake needs a new externalId.`,
            { caseCode: existing.code },
          );
        }
        return { events: [], answer: () => ({ replayed: true, case: caseView(existing, this.registry) }) };
      }
      const sequence = book.nextSequence(agency, receiptDate);
      if (sequence > MAX_DAILY_SEQUENCE) {
        throw new CaseTrackingError(503, 'DAILY_SEQUENCE_EXHAUSTED', `${agency} has received ${MAX_DAILY_SEQUENCE} cases on ${receiptDate}; case codes have four digits for the sequence.`);
      }
      const code = formatCaseCode(agency, receiptDate, sequence);
      const event: CaseReceived = {
        type: 'case.received',
        code,
        at: now,
        receivedAt,
        clientId: caller.clientId,
        externalId: command.externalId,
        intakeHash,
        receivingAgency: agency,
        procedure: procedureSnapshot(procedure),
        channel: command.channel,
        applicant: { name: command.applicant.name, kind: command.applicant.kind, idNumber: command.applicant.idNumber },
        summary: command.summary,
        documents: command.documents,
        fees: command.fees,
        status,
        plan: plan.steps,
        appointment,
        stepDue,
        by: { clientId: caller.clientId, agency, officer: command.officer.name, ...(command.officer.title ? { title: command.officer.title } : {}) },
      };
      return { events: [event], answer: () => ({ replayed: false, case: caseView(book.get(code)!, this.registry) }) };
    });
  }

  private receiptTime(command: IntakeCommand, now: number): number {
    if (command.receivedAt === undefined) return now;
    const at = Date.parse(command.receivedAt);
    if (at > now + CLOCK_SKEW_MS) {
      throw new CaseTrackingError(422, 'RECEIVED_IN_FUTURE', `receivedAt ${command.receivedAt} is in the future; a case is entered after it is received.`);
    }
    const oldest = now - this.config.CASE_MAX_BACKDATE_DAYS * 86_400_000;
    if (at < oldest) {
      throw new CaseTrackingError(
        422,
        'RECEIVED_TOO_LONG_AGO',
        `receivedAt ${command.receivedAt} is more than ${this.config.CASE_MAX_BACKDATE_DAYS} days ago; older cases are migrated, not received.`,
      );
    }
    if (!this.deadlines.covers(localDateOf(at))) {
      throw new CaseTrackingError(422, 'RECEIVED_OUTSIDE_CALENDAR', `receivedAt ${command.receivedAt} falls outside the years the holiday table covers.`);
    }
    return at;
  }
}

/** The intake as asked, in a canonical form: the same request twice hashes alike, a changed field does not. */
function hashIntake(command: IntakeCommand, agency: string): string {
  // 128 bits are plenty to tell two intakes apart, and a million cases keep a million of these.
  return createHash('sha256').update(JSON.stringify(canonical({ ...command, receivingAgency: agency }))).digest('base64url').slice(0, 22);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}
