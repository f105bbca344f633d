import { LocalDate } from '@lgsp/working-days';
import { Procedure } from '../catalog';
import { CaseStatus } from './case-status';

/**
 * What happened to cases, as written to the service's event topic — the one durable home of case state. Events
 * carry what was decided (codes, appointment dates, step deadlines), not the inputs to recompute it, so that
 * replaying the topic after a change to the holiday table or the catalog rebuilds exactly what people were told.
 */

/** Who did it: the client system that called, the agency it acted for, and the officer it names. */
export interface CaseActor {
  clientId: string;
  agency: string;
  officer: string;
  title?: string;
}

/** One planned row of the process-control sheet (form 05). */
export interface PlannedStep {
  index: number;
  name: string;
  agency: string;
  days: number;
}

export interface ProcedureSnapshot {
  code: string;
  name: string;
  fieldCode: string;
  fieldName: string;
  level: 1 | 2 | 3 | 4;
  tier: 'province' | 'district' | 'commune';
  dayKind: 'working' | 'calendar';
  processingDays: number;
}

/** What a case keeps of its procedure: enough to judge and count it even if the catalog changes later. */
export function procedureSnapshot(procedure: Procedure): ProcedureSnapshot {
  return {
    code: procedure.code,
    name: procedure.name,
    fieldCode: procedure.field.code,
    fieldName: procedure.field.name,
    level: procedure.level,
    tier: procedure.tier,
    dayKind: procedure.dayKind,
    processingDays: procedure.processingDays,
  };
}

export interface Applicant {
  name: string;
  /** Identity document number (CCCD, passport, enterprise code): shown masked to anyone but the agencies. */
  idNumber?: string;
  kind: 'citizen' | 'organization';
}

export interface CaseReceived {
  type: 'case.received';
  code: string;
  at: number;
  /** When the desk (or the online form) received it; the code's date. May be earlier than `at`. */
  receivedAt: number;
  clientId: string;
  externalId?: string;
  /** SHA-256 of the intake as asked, so that a repeat is told apart from a different intake under the same id. */
  intakeHash: string;
  receivingAgency: string;
  procedure: ProcedureSnapshot;
  channel: 1 | 2 | 3;
  applicant: Applicant;
  summary: string;
  documents: { name: string; copies: number }[];
  fees: { name: string; amount: number }[];
  status: 1 | 2;
  plan: PlannedStep[];
  /** Set when the case is accepted (status 2); an online submission (1) gets one on acceptance. */
  appointment: LocalDate | null;
  stepDue: LocalDate | null;
  by: CaseActor;
}

export interface CaseStatusChanged {
  type: 'case.status-changed';
  code: string;
  at: number;
  from: CaseStatus;
  to: CaseStatus;
  by: CaseActor;
  note?: string;
  /** New dates when the move sets or shifts them (acceptance, resuming after a pause). */
  appointment?: LocalDate;
  legalDue?: LocalDate;
  stepDue?: LocalDate;
  /** Entering a pause: the working (or calendar) days that were left, given back on resuming. */
  remainingDays?: number;
  /** Finishing (9 or 10 first reached): whether it was on time. */
  onTime?: boolean;
}

export interface CaseTransferred {
  type: 'case.transferred';
  code: string;
  at: number;
  fromAgency: string;
  toAgency: string;
  /** The planned step the case enters. */
  stepIndex: number;
  stepName: string;
  stepDue: LocalDate;
  /** Whether the step being closed ran past its own deadline. */
  previousStepLate: boolean;
  by: CaseActor;
  note?: string;
}

/** Form 04: the apology letter with a new appointment, for a case that is or will be late. */
export interface CaseRescheduled {
  type: 'case.rescheduled';
  code: string;
  at: number;
  previousAppointment: LocalDate;
  appointment: LocalDate;
  reason: string;
  by: CaseActor;
}

export type DeadlineThreshold = 'due-soon' | 'overdue';

/** Written once per case and threshold by the deadline scheduler; the topic remembers it across restarts. */
export interface CaseAlerted {
  type: 'case.alerted';
  code: string;
  at: number;
  threshold: DeadlineThreshold;
  due: LocalDate;
  agency: string;
}

/** The sync worker's receipt: these versions of these cases are on the national portal. */
export interface PortalSynced {
  type: 'portal.synced';
  at: number;
  cases: { code: string; version: number }[];
}

export type CaseEvent = CaseReceived | CaseStatusChanged | CaseTransferred | CaseRescheduled | CaseAlerted | PortalSynced;

/** Events of one case share its code as key; sync receipts (many cases) are keyed by their type. */
export function caseEventKey(event: CaseEvent): string {
  return event.type === 'portal.synced' ? event.type : event.code;
}
