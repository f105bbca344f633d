/**
 * The administrative procedures (thủ tục hành chính, TTHC) that one-stop shops receive cases for.
 *
 * Code. `1.NNNNNN.` + the QCVN 102 code of the agency that published the procedure (DOMAIN.md §4), e.g.
 * `1.001612.000.00.00.H56`. The publisher bounds where the procedure applies: one published by the province applies
 * in all of it; one published by a district applies in that district and its communes only.
 *
 * Tier (cấp thực hiện) is the level of government that decides; `receivers` says who may take a case in, and is
 * tied to the tier:
 * - province tier: `{ scope: 'agencies', agencies: [...] }`, the department(s) named by code;
 * - district tier: `{ scope: 'districts' }`, any district; or `{ scope: 'districts-and-communes' }`, any district
 *   and also any commune, which forwards the case to its own district (liên thông);
 * - commune tier: `{ scope: 'communes' }`, any commune.
 *
 * Steps. The plan the process-control sheet (form 05, Circular 01/2018) is kept against: in order, who handles the
 * case and how many days of the time limit each one has. A handler is `receiver` (the agency that took the case
 * in), `district` (the receiver's district, or the receiver itself when it is a district; never for the province
 * tier) or a fixed agency, `{ agency: code }` (a department asked for its opinion, UBND tỉnh approving). The first
 * and the last step are the receiver's, because a case is filed and its result collected at the same one-stop shop
 * (Decree 61/2018). Step days are whole days, may be 0 (handing back the result the day it arrives), and add up
 * to `processingDays`; `dayKind` says whether they are working days (the default) or calendar days.
 *
 * Online service has two vocabularies, and a procedure carries both: Decree 43/2011's levels 1–4 (3: submitted
 * online; 4: also paid for and answered online) and Decree 42/2022's modes `toan-trinh` (fully online), `mot-phan`
 * (partly online) and `truc-tiep` (in person only). A file may state either or both. Level 4 implies toàn trình,
 * 3 một phần, 1 and 2 trực tiếp; a mode alone implies level 4, 3 or 2. Stating both keeps both as written, because
 * procedures were reclassified under Decree 42 without their old level changing. Modes may be written in
 * Vietnamese (`toàn trình`, `Một phần`).
 */
import { AGENCY_CODE_PATTERN, parseAgencyCode, vietnameseSlug, type ConfigIssue } from '@lgsp/registry';
import { z } from 'zod';
import { ProcedureCatalogError } from './procedure-catalog-error';
import { describeInput, parseWithIssues } from './schema-issues';

export const SERVICE_LEVELS = [1, 2, 3, 4] as const;
export const ONLINE_MODES = ['toan-trinh', 'mot-phan', 'truc-tiep'] as const;
export const PROCEDURE_TIERS = ['province', 'district', 'commune'] as const;
export const DAY_KINDS = ['working', 'calendar'] as const;
export const RECEIVER_SCOPES = ['agencies', 'districts', 'districts-and-communes', 'communes'] as const;

/** Decree 43/2011 online service levels. */
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];
/** Decree 42/2022: fully online, partly online, in person only. */
export type OnlineMode = (typeof ONLINE_MODES)[number];
/** Cấp thực hiện: the level of government that decides. */
export type ProcedureTier = (typeof PROCEDURE_TIERS)[number];
export type DayKind = (typeof DAY_KINDS)[number];
export type ReceiverScope = (typeof RECEIVER_SCOPES)[number];

/** Who may take a case in; which scopes a tier allows is in RECEIVER_SCOPES_OF_TIER. */
export type ProcedureReceivers =
  | { scope: 'agencies'; agencies: string[] }
  | { scope: 'districts' }
  | { scope: 'districts-and-communes' }
  | { scope: 'communes' };

/** `district`: the district of the receiving agency (the receiver itself when it is a district). */
export type StepHandler = 'receiver' | 'district' | { agency: string };

export interface ProcedureStep {
  name: string;
  handler: StepHandler;
  /** Whole days of the procedure's dayKind, 0 or more. */
  days: number;
}

export interface ProcedureField {
  code: string;
  name: string;
}

export interface Procedure {
  /** National procedure number + publishing agency, e.g. `1.001612.000.00.00.H56`. */
  code: string;
  name: string;
  /** Lĩnh vực. */
  field: ProcedureField;
  tier: ProcedureTier;
  level: ServiceLevel;
  onlineMode: OnlineMode;
  processingDays: number;
  dayKind: DayKind;
  receivers: ProcedureReceivers;
  steps: ProcedureStep[];
}

export const RECEIVER_SCOPES_OF_TIER: Readonly<Record<ProcedureTier, readonly ReceiverScope[]>> = {
  province: ['agencies'],
  district: ['districts', 'districts-and-communes'],
  commune: ['communes'],
};

/** The longest time limit a procedure or a step may have, in days; a larger number is taken for a typing slip. */
export const MAX_PROCESSING_DAYS = 365;

export const PROCEDURE_CODE_PATTERN = /^([1-9]\.\d{6})\.(.+)$/;

export function onlineModeOfLevel(level: ServiceLevel): OnlineMode {
  return level === 4 ? 'toan-trinh' : level === 3 ? 'mot-phan' : 'truc-tiep';
}

export function levelOfOnlineMode(mode: OnlineMode): ServiceLevel {
  return mode === 'toan-trinh' ? 4 : mode === 'mot-phan' ? 3 : 2;
}

/** `1.001612.000.00.00.H56` → number `1.001612`, publisher `000.00.00.H56`; null when it is not a procedure code. */
export function parseProcedureCode(code: string): { number: string; publisher: string } | null {
  const match = PROCEDURE_CODE_PATTERN.exec(code);
  if (!match || !AGENCY_CODE_PATTERN.test(match[2]!)) return null;
  try {
    parseAgencyCode(match[2]!);
  } catch {
    return null;
  }
  return { number: match[1]!, publisher: match[2]! };
}

// ---------------------------------------------------------------------------------------------------------------
// Schema: what a file or an API body may say; the output is a complete Procedure.

const agencyCodeSchema = z.string().superRefine((value, ctx) => {
  try {
    parseAgencyCode(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const procedureCodeSchema = z.string().superRefine((value, ctx) => {
  const match = PROCEDURE_CODE_PATTERN.exec(value);
  if (!match) {
    ctx.addIssue({
      code: 'custom',
      message: `${describeInput(value)} is not a procedure code: expected the national number and the publishing agency's QCVN 102 code, like 1.001612.000.00.00.H56`,
    });
    return;
  }
  try {
    parseAgencyCode(match[2]!);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `the publishing agency after ${match[1]}. is wrong: ${(error as Error).message}` });
  }
});

const nameSchema = z.string().trim().min(1).max(500);
const fieldCodeSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^\S+$/, { error: (issue) => `${describeInput(issue.input)} is not a field code: it must have no spaces` });
const daysSchema = z.number().int().min(0).max(MAX_PROCESSING_DAYS);

const onlineModeSchema = z.preprocess(
  (value) => (typeof value === 'string' ? vietnameseSlug(value) : value),
  z.enum(ONLINE_MODES, {
    error: (issue) =>
      issue.input === undefined
        ? 'is required'
        : `must be one of "toan-trinh" (toàn trình, fully online), "mot-phan" (một phần, partly online) or "truc-tiep" (trực tiếp, in person only) (got ${describeInput(issue.input)})`,
  }),
);

const handlerSchema = z.union([z.enum(['receiver', 'district']), z.strictObject({ agency: agencyCodeSchema })], {
  error: (issue) =>
    `must be "receiver", "district" or { agency: <QCVN 102 code> } (got ${describeInput(issue.input)})`,
});

const stepSchema = z.strictObject({
  name: nameSchema,
  handler: handlerSchema,
  days: daysSchema,
});

const uniqueAgencies = z.array(agencyCodeSchema).min(1).superRefine((codes, ctx) => {
  codes.forEach((code, index) => {
    if (codes.indexOf(code) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `lists ${code} more than once` });
  });
});

const receiversSchema = z.discriminatedUnion('scope', [
  z.strictObject({ scope: z.literal('agencies'), agencies: uniqueAgencies }),
  z.strictObject({ scope: z.literal('districts') }),
  z.strictObject({ scope: z.literal('districts-and-communes') }),
  z.strictObject({ scope: z.literal('communes') }),
]);

const procedureInputSchema = z.strictObject({
  code: procedureCodeSchema,
  name: nameSchema,
  field: z.strictObject({ code: fieldCodeSchema, name: nameSchema }),
  tier: z.enum(PROCEDURE_TIERS),
  level: z.literal(SERVICE_LEVELS).optional(),
  onlineMode: onlineModeSchema.optional(),
  processingDays: daysSchema,
  dayKind: z.enum(DAY_KINDS).default('working'),
  receivers: receiversSchema,
  steps: z.array(stepSchema).min(1),
});

type ProcedureInput = z.output<typeof procedureInputSchema>;

/** A procedure as a file or an API body may give it: level and onlineMode each optional, dayKind defaulted. */
export const procedureSchema = procedureInputSchema.transform((input, ctx): Procedure => {
  for (const issue of meaningIssues(input)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  const level = input.level ?? levelOfOnlineMode(input.onlineMode ?? 'truc-tiep');
  return {
    code: input.code,
    name: input.name,
    field: { code: input.field.code, name: input.field.name },
    tier: input.tier,
    level,
    onlineMode: input.onlineMode ?? onlineModeOfLevel(level),
    processingDays: input.processingDays,
    dayKind: input.dayKind,
    receivers: input.receivers.scope === 'agencies' ? { scope: 'agencies', agencies: [...input.receivers.agencies] } : { scope: input.receivers.scope },
    steps: input.steps.map((step) => ({
      name: step.name,
      handler: typeof step.handler === 'string' ? step.handler : { agency: step.handler.agency },
      days: step.days,
    })),
  };
});

/** Rules across fields, checked once each field is well-formed on its own. */
function meaningIssues(input: ProcedureInput): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (input.level === undefined && input.onlineMode === undefined) {
    issues.push({ path: ['level'], message: 'is required unless onlineMode is given (a level 1–4, or an onlineMode, or both)' });
  }
  const scopes = RECEIVER_SCOPES_OF_TIER[input.tier];
  if (!scopes.includes(input.receivers.scope)) {
    issues.push({
      path: ['receivers', 'scope'],
      message: `${JSON.stringify(input.receivers.scope)} does not fit a ${input.tier}-tier procedure: use ${scopes.map((scope) => JSON.stringify(scope)).join(' or ')}${
        input.tier === 'province' ? ' and list the receiving department(s) in agencies' : ''
      }`,
    });
  }
  const last = input.steps.length - 1;
  input.steps.forEach((step, index) => {
    if ((index === 0 || index === last) && step.handler !== 'receiver') {
      issues.push({
        path: ['steps', index, 'handler'],
        message: `must be "receiver": a case ${index === 0 ? 'starts at the one-stop shop that received it' : 'returns its result to the one-stop shop that received it'}`,
      });
    }
    if (step.handler === 'district' && input.tier === 'province') {
      issues.push({ path: ['steps', index, 'handler'], message: 'cannot be "district" in a province-tier procedure, whose receivers are departments' });
    }
  });
  const total = input.steps.reduce((sum, step) => sum + step.days, 0);
  if (total !== input.processingDays) {
    issues.push({
      path: ['steps'],
      message: `the steps' days add up to ${total}, but processingDays is ${input.processingDays}; they must be equal`,
    });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points.

export type ProcedureCheck = { ok: true; value: Procedure } | { ok: false; issues: ConfigIssue[] };

/** Validates one procedure; every issue's path starts with `at` (e.g. `procedures[3]`). */
export function checkProcedure(input: unknown, at = ''): ProcedureCheck {
  return parseWithIssues(procedureSchema, input, at);
}

/** One procedure from an API body or code; throws INVALID_PROCEDURE naming every field that is wrong. */
export function parseProcedure(input: unknown): Procedure {
  const checked = checkProcedure(input);
  if (!checked.ok) throw ProcedureCatalogError.fromIssues('INVALID_PROCEDURE', 'Invalid procedure', checked.issues);
  return checked.value;
}

/**
 * A list of procedures, given either as a list or as `{ procedures: [...] }` (the form a catalog file takes, so
 * that it can grow other sections). Checks each procedure on its own, not against a registry or each other:
 * that is ProcedureCatalog's job. Throws INVALID_CATALOG listing every problem; `source` is named in the message.
 */
export function parseProcedureList(input: unknown, source?: string): Procedure[] {
  const what = `Invalid procedure catalog${source ? ` in ${source}` : ''}`;
  let list: unknown;
  let at: string;
  if (Array.isArray(input)) {
    list = input;
    at = '';
  } else if (typeof input === 'object' && input !== null && 'procedures' in input) {
    const extra = Object.keys(input).filter((key) => key !== 'procedures');
    if (extra.length > 0) {
      throw ProcedureCatalogError.fromIssues('INVALID_CATALOG', what, extra.map((key) => ({ path: key, message: 'is not a known field (a catalog holds procedures)' })));
    }
    list = (input as { procedures: unknown }).procedures;
    at = 'procedures';
    if (!Array.isArray(list)) {
      throw ProcedureCatalogError.fromIssues('INVALID_CATALOG', what, [{ path: at, message: `must be a list (got ${describeInput(list)})` }]);
    }
  } else {
    throw ProcedureCatalogError.fromIssues('INVALID_CATALOG', what, [
      { path: '', message: `must be a list of procedures or an object with a procedures list (got ${describeInput(input)})` },
    ]);
  }
  const procedures: Procedure[] = [];
  const issues: ConfigIssue[] = [];
  (list as unknown[]).forEach((item, index) => {
    const checked = checkProcedure(item, `${at}[${index}]`);
    if (checked.ok) procedures.push(checked.value);
    else issues.push(...checked.issues);
  });
  if (issues.length > 0) throw ProcedureCatalogError.fromIssues('INVALID_CATALOG', what, issues);
  return procedures;
}
