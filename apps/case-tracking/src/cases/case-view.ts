import { Registry } from '@lgsp/registry';
import { CaseRecord } from './case-book';
import { CASE_STATUSES, CaseStatus } from './case-status';

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
const statusOf = (status: CaseStatus) => ({ code: status, name: CASE_STATUSES[status].name, portal: CASE_STATUSES[status].portal });

/** What the agencies handling a case see: everything, the applicant included. */
export function caseView(record: CaseRecord, registry: Registry) {
  const agencyName = (code: string) => registry.member(code)?.name ?? code;
  return {
    code: record.code,
    externalId: record.externalId ?? null,
    procedure: record.procedure,
    receivingAgency: { code: record.receivingAgency, name: agencyName(record.receivingAgency) },
    currentAgency: { code: record.currentAgency, name: agencyName(record.currentAgency) },
    channel: record.channel,
    applicant: record.applicant,
    summary: record.summary,
    documents: record.documents,
    fees: record.fees,
    status: statusOf(record.status),
    receivedAt: iso(record.receivedAt),
    appointment: record.appointment,
    legalDue: record.legalDue,
    finishedAt: iso(record.finishedAt),
    returnedAt: iso(record.returnedAt),
    onTime: record.onTime ?? null,
    alerts: { dueSoon: iso(record.alerts['due-soon']), overdue: iso(record.alerts.overdue) },
    paused: record.remainingDays === undefined ? null : { remainingDays: record.remainingDays, unit: record.procedure.dayKind },
    supplements: record.supplements.map((s) => ({ ...s, requestedAt: iso(s.requestedAt), resumedAt: iso(s.resumedAt) })),
    apologies: record.apologies.map((a) => ({ ...a, at: iso(a.at) })),
    processSheet: processSheet(record, registry),
    progress: record.progress.map((p) => ({ ...p, at: iso(p.at), status: statusOf(p.status) })),
    portal: { syncedVersion: record.syncedVersion, version: record.progress.length },
  };
}
export type CaseView = ReturnType<typeof caseView>;

/**
 * What a move answers: where the case stands after it. Small on purpose — moves are the busiest call, and the full
 * case (GET /cases/{code}) is one request away.
 */
export function caseSummary(record: CaseRecord, registry: Registry) {
  const current = record.sheet[record.sheet.length - 1];
  return {
    code: record.code,
    status: statusOf(record.status),
    currentAgency: { code: record.currentAgency, name: registry.member(record.currentAgency)?.name ?? record.currentAgency },
    step: current ? { index: current.stepIndex, name: current.name, due: current.due } : null,
    appointment: record.appointment,
    legalDue: record.legalDue,
    paused: record.remainingDays === undefined ? null : { remainingDays: record.remainingDays, unit: record.procedure.dayKind },
    onTime: record.onTime ?? null,
    version: record.progress.length,
  };
}
export type CaseSummary = ReturnType<typeof caseSummary>;

/** Form 05, the process-control sheet: the plan, and each hand-over as it happened. */
export function processSheet(record: CaseRecord, registry: Registry) {
  const agencyName = (code: string) => registry.member(code)?.name ?? code;
  return {
    plan: record.plan.map((step) => ({ ...step, agencyName: agencyName(step.agency) })),
    rows: record.sheet.map((row) => ({
      stepIndex: row.stepIndex,
      name: row.name,
      agency: row.agency,
      agencyName: agencyName(row.agency),
      startedAt: iso(row.startedAt),
      due: row.due,
      endedAt: iso(row.endedAt),
      handedTo: row.handedTo ?? null,
      late: row.late ?? null,
    })),
  };
}

/**
 * What anyone holding the case code may see — the progress the national portal shows the public: the procedure, the
 * agencies, dates and statuses. No applicant's name or papers, no officer, no note.
 */
export function publicCaseView(record: CaseRecord, registry: Registry) {
  const agencyName = (code: string) => registry.member(code)?.name ?? code;
  return {
    code: record.code,
    procedure: { code: record.procedure.code, name: record.procedure.name },
    receivingAgency: agencyName(record.receivingAgency),
    status: statusOf(record.status),
    receivedAt: iso(record.receivedAt),
    appointment: record.appointment,
    returnedAt: iso(record.returnedAt),
    progress: record.progress.map((p) => ({ at: iso(p.at), status: statusOf(p.status), agency: agencyName(p.agency) })),
  };
}
