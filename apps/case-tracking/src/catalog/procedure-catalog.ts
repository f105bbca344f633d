import { vietnameseSlug, type ConfigIssue, type MemberConfig, type MemberKind, type Registry } from '@lgsp/registry';
import { z } from 'zod';
import {
  checkProcedure,
  ONLINE_MODES,
  PROCEDURE_TIERS,
  parseProcedureCode,
  SERVICE_LEVELS,
  type OnlineMode,
  type Procedure,
  type ProcedureTier,
  type ServiceLevel,
} from './procedure';
import { ProcedureCatalogError } from './procedure-catalog-error';
import { parseWithIssues } from './schema-issues';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface ProcedureListFilter {
  tier?: ProcedureTier;
  level?: ServiceLevel;
  onlineMode?: OnlineMode;
  /** A field (lĩnh vực) code. */
  field?: string;
  /** Only procedures this agency may receive a case for (the same rule `plan` applies). */
  agency?: string;
  /** Words that must each begin a word of the name, the field's name or the code; accents and case are ignored. */
  search?: string;
  limit: number;
  /** The `next` of the previous page: listing is in code order and resumes after this code. */
  after?: string;
}

export interface ProcedurePage {
  items: Procedure[];
  /** How many procedures match the filter, on every page. */
  total: number;
  /** Pass as `after` for the next page; null on the last one. */
  next: string | null;
}

/** One row of the plan: an agency's turn with the case. */
export interface CasePlanStep {
  /** Position in the plan, from 0. */
  index: number;
  name: string;
  agency: string;
  days: number;
}

export interface CasePlan {
  steps: CasePlanStep[];
  /** Every agency involved, in order of first appearance (the receiver first). */
  agencies: string[];
}

export interface CatalogCounts {
  total: number;
  byTier: Record<ProcedureTier, number>;
  byLevel: Record<ServiceLevel, number>;
  byOnlineMode: Record<OnlineMode, number>;
}

/**
 * A listing query as it arrives from a query string (numbers as text); `list` runs it too, so that a caller
 * building the filter in code gets the same checks.
 */
export const procedureListFilterSchema = z.strictObject({
  tier: z.enum(PROCEDURE_TIERS).optional(),
  level: z.preprocess(numberFromText, z.literal(SERVICE_LEVELS)).optional(),
  // Spelled as a catalog file may spell it (`toàn trình`), so that a value copied from one works in the other.
  onlineMode: z.preprocess((value) => (typeof value === 'string' ? vietnameseSlug(value) : value), z.enum(ONLINE_MODES)).optional(),
  field: z.string().min(1).optional(),
  agency: z.string().min(1).optional(),
  search: z.string().max(200).optional(),
  limit: z.preprocess(numberFromText, z.number().int().min(1).max(MAX_PAGE_SIZE)).default(DEFAULT_PAGE_SIZE),
  after: z.string().min(1).optional(),
});

/**
 * Query strings carry numbers as text. Only digits are converted: z.coerce would turn "" into 0 and "abc" into NaN,
 * and the refusal would then quote a value the caller never sent.
 */
function numberFromText(value: unknown): unknown {
  return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
}

/** Reads a listing query (e.g. an HTTP query string); throws INVALID_QUERY naming each parameter that is wrong. */
export function parseProcedureListFilter(query: unknown): ProcedureListFilter {
  const parsed = parseWithIssues(procedureListFilterSchema, query, '');
  if (!parsed.ok) throw ProcedureCatalogError.fromIssues('INVALID_QUERY', 'Invalid procedure listing query', parsed.issues);
  return parsed.value;
}

/** The kinds of member that may be named where a procedure names an agency. */
const RECEIVER_KINDS: readonly MemberKind[] = ['department'];
const HANDLER_KINDS: readonly MemberKind[] = ['province', 'department'];
const PUBLISHER_KINDS: Readonly<Record<ProcedureTier, readonly MemberKind[]>> = {
  province: ['province'],
  district: ['province', 'district'],
  commune: ['province', 'district'],
};

const TIER_WORDS: Record<ProcedureTier, string> = { province: 'a province-tier', district: 'a district-tier', commune: 'a commune-tier' };

/**
 * The procedures one-stop shops receive cases for, checked against the member registry. Built once at start-up
 * (from a file or the demo generator) and read-only afterwards: the procedures it hands out are frozen.
 *
 * An agency is *involved* in a procedure when it may receive a case for it: it lies within the publisher's area
 * (the publisher itself or below it in the registry) and fits `receivers`: a listed department; any district; a
 * commune, for a district-tier procedure open to communes (it forwards to its own district) or a commune-tier one.
 * `plan` refuses any other receiver with AGENCY_NOT_INVOLVED, and the listing's `agency` filter uses the same rule.
 */
export class ProcedureCatalog {
  private readonly procedures: readonly Procedure[];
  private readonly byCode: ReadonlyMap<string, Procedure>;
  private readonly inCodeOrder: readonly Procedure[];
  private readonly searchText: ReadonlyMap<Procedure, string>;
  private readonly tally: CatalogCounts;

  constructor(
    procedures: readonly Procedure[],
    private readonly registry: Registry,
  ) {
    const issues: ConfigIssue[] = [];
    const valid: Procedure[] = [];
    // Checked again here because a caller may build procedures in code; a file has already been through this.
    procedures.forEach((procedure, index) => {
      const checked = checkProcedure(procedure, `procedures[${index}]`);
      if (checked.ok) valid.push(deepFreeze(checked.value));
      else issues.push(...checked.issues);
    });
    if (issues.length === 0) issues.push(...this.crossReferenceIssues(valid));
    if (issues.length > 0) {
      throw ProcedureCatalogError.fromIssues('INVALID_CATALOG', 'Invalid procedure catalog', issues);
    }
    this.procedures = Object.freeze(valid);
    this.byCode = new Map(valid.map((procedure) => [procedure.code, procedure]));
    this.inCodeOrder = Object.freeze([...valid].sort((a, b) => compareCodes(a.code, b.code)));
    // Accent-free words between spaces, so that a search word can be matched against the start of any word.
    this.searchText = new Map(
      valid.map((procedure) => [procedure, ` ${[procedure.name, procedure.field.name, procedure.code].map(vietnameseSlug).join(' ').replace(/-/g, ' ')} `]),
    );
    this.tally = countOf(valid);
  }

  get size(): number {
    return this.procedures.length;
  }

  get(code: string): Procedure | undefined {
    return this.byCode.get(code);
  }

  /** Like get, for an entry point that answers 404 when the code is unknown. */
  getOrThrow(code: string): Procedure {
    const procedure = this.byCode.get(code);
    if (!procedure) throw new ProcedureCatalogError('UNKNOWN_PROCEDURE', `There is no procedure ${JSON.stringify(code)} in the catalog.`);
    return procedure;
  }

  /** In the order the catalog was given. */
  all(): readonly Procedure[] {
    return this.procedures;
  }

  /** One page of the procedures matching every condition of the filter, in code order. */
  list(filter: ProcedureListFilter): ProcedurePage {
    const query = parseProcedureListFilter(filter);
    if (query.agency !== undefined && !this.registry.member(query.agency)) {
      throw ProcedureCatalogError.fromIssues('INVALID_QUERY', 'Invalid procedure listing query', [
        { path: 'agency', message: `${JSON.stringify(query.agency)} is not an agency of this platform's registry` },
      ]);
    }
    const words = query.search === undefined ? [] : vietnameseSlug(query.search).split('-').filter(Boolean);
    const matches = this.inCodeOrder.filter(
      (procedure) =>
        (query.tier === undefined || procedure.tier === query.tier) &&
        (query.level === undefined || procedure.level === query.level) &&
        (query.onlineMode === undefined || procedure.onlineMode === query.onlineMode) &&
        (query.field === undefined || procedure.field.code === query.field) &&
        (query.agency === undefined || this.whyNotReceiver(procedure, this.registry.member(query.agency)!) === null) &&
        words.every((word) => this.searchText.get(procedure)!.includes(` ${word}`)),
    );
    const start = query.after === undefined ? 0 : firstAfter(matches, query.after);
    const items = matches.slice(start, start + query.limit);
    const hasMore = start + query.limit < matches.length;
    return { items, total: matches.length, next: hasMore ? items[items.length - 1]!.code : null };
  }

  /** Whether the agency may receive a case for this procedure (see the class comment for what that means). */
  mayReceive(procedure: Procedure, agency: string): boolean {
    const member = this.registry.member(agency);
    return member !== undefined && this.whyNotReceiver(procedure, member) === null;
  }

  /**
   * The plan of a case received by `receivingAgency`: each step's handler resolved to an agency. Consecutive steps
   * at one agency become one row (names joined, days added), because the sheet records hand-overs between agencies:
   * a district-tier case received at a commune has three rows (commune, district, commune), one received at the
   * district has one.
   */
  plan(procedure: Procedure, receivingAgency: string): CasePlan {
    const receiver = this.registry.member(receivingAgency);
    if (!receiver) {
      throw new ProcedureCatalogError('UNKNOWN_AGENCY', `${JSON.stringify(receivingAgency)} is not an agency of this platform's registry.`);
    }
    const reason = this.whyNotReceiver(procedure, receiver);
    if (reason !== null) {
      throw new ProcedureCatalogError(
        'AGENCY_NOT_INVOLVED',
        `${this.label(receiver.code)} may not receive procedure ${procedure.code} (${procedure.name}): ${reason}.`,
      );
    }
    const district = receiver.kind === 'district' ? receiver.code : receiver.parent;
    const steps: CasePlanStep[] = [];
    for (const step of procedure.steps) {
      const agency = step.handler === 'receiver' ? receiver.code : step.handler === 'district' ? district! : step.handler.agency;
      const previous = steps[steps.length - 1];
      if (previous && previous.agency === agency) {
        previous.name = `${previous.name}; ${step.name}`;
        previous.days += step.days;
      } else {
        steps.push({ index: steps.length, name: step.name, agency, days: step.days });
      }
    }
    return { steps, agencies: [...new Set(steps.map((step) => step.agency))] };
  }

  counts(): CatalogCounts {
    return structuredClone(this.tally);
  }

  /** Null when the member may receive the procedure; otherwise the reason, as the end of a sentence. */
  private whyNotReceiver(procedure: Procedure, member: MemberConfig): string | null {
    const publisher = parseProcedureCode(procedure.code)!.publisher;
    const scope = procedure.receivers.scope;
    const within = member.code === publisher || this.isBelow(member.code, publisher);
    const fits =
      scope === 'agencies'
        ? procedure.receivers.agencies.includes(member.code)
        : member.kind === 'commune'
          ? scope === 'communes' || scope === 'districts-and-communes'
          : member.kind === 'district' && (scope === 'districts' || scope === 'districts-and-communes');
    if (!within || !fits) return `it is ${TIER_WORDS[procedure.tier]} procedure received by ${this.receivedBy(procedure, publisher)}`;
    const needsDistrict = scope === 'districts-and-communes' || procedure.steps.some((step) => step.handler === 'district');
    if (member.kind === 'commune' && needsDistrict && !this.isDistrict(member.parent)) {
      return `its district steps go to the receiving commune's district, and ${member.code} is under no district in the registry`;
    }
    return null;
  }

  /** Who may receive the procedure, in words; a district's own procedure is received in that district only. */
  private receivedBy(procedure: Procedure, publisher: string): string {
    const receivers = procedure.receivers;
    if (receivers.scope === 'agencies') return `${receivers.agencies.map((code) => this.label(code)).join(' or ')} only`;
    const district = this.isDistrict(publisher) ? this.label(publisher) : undefined;
    switch (receivers.scope) {
      case 'districts':
        return district ? `${district} only` : 'any district';
      case 'districts-and-communes':
        return district
          ? `${district} or a commune under it, which forwards the case to it`
          : "any district, or any commune, which forwards the case to its district";
      case 'communes':
        return district ? `the communes under ${district}` : 'any commune';
    }
  }

  private isDistrict(code: string | undefined): boolean {
    return code !== undefined && this.registry.member(code)?.kind === 'district';
  }

  private isBelow(code: string, ancestor: string): boolean {
    // Registry parents form a tree (each parent is a QCVN 102 ancestor), so this walk ends within four levels.
    for (let parent = this.registry.member(code)?.parent; parent !== undefined; parent = this.registry.member(parent)?.parent) {
      if (parent === ancestor) return true;
    }
    return false;
  }

  private label(code: string): string {
    const member = this.registry.member(code);
    return member ? `${member.name} (${code})` : code;
  }

  private crossReferenceIssues(procedures: readonly Procedure[]): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const firstOfCode = new Map<string, number>();
    const fieldNames = new Map<string, { name: string; index: number }>();
    const memberOf = (path: string, code: string, kinds: readonly MemberKind[], role: string): MemberConfig | undefined => {
      const member = this.registry.member(code);
      if (!member) issues.push({ path, message: `agency ${code} is not in the registry` });
      else if (!kinds.includes(member.kind)) {
        issues.push({ path, message: `${this.label(code)} is a ${member.kind}; ${role} must be a ${kinds.join(' or a ')}` });
        return undefined;
      }
      return member;
    };
    procedures.forEach((procedure, index) => {
      const at = `procedures[${index}]`;
      const first = firstOfCode.get(procedure.code);
      if (first !== undefined) issues.push({ path: `${at}.code`, message: `procedure ${procedure.code} is listed twice (first at procedures[${first}])` });
      else firstOfCode.set(procedure.code, index);

      const field = fieldNames.get(procedure.field.code);
      if (field === undefined) fieldNames.set(procedure.field.code, { name: procedure.field.name, index });
      else if (field.name !== procedure.field.name) {
        issues.push({
          path: `${at}.field.name`,
          message: `field ${procedure.field.code} is named ${JSON.stringify(field.name)} at procedures[${field.index}]; one field code has one name`,
        });
      }

      const publisher = parseProcedureCode(procedure.code)!.publisher;
      const publishedBy = memberOf(`${at}.code`, publisher, PUBLISHER_KINDS[procedure.tier], `the publisher of ${TIER_WORDS[procedure.tier]} procedure`);
      if (procedure.receivers.scope === 'agencies') {
        procedure.receivers.agencies.forEach((code, position) => {
          const path = `${at}.receivers.agencies[${position}]`;
          const receiver = memberOf(path, code, RECEIVER_KINDS, 'a receiver');
          if (receiver && publishedBy && !this.isBelow(code, publisher)) {
            issues.push({ path, message: `${this.label(code)} is not under the publisher ${this.label(publisher)}, so the procedure does not apply there` });
          }
        });
      }
      procedure.steps.forEach((step, position) => {
        if (typeof step.handler === 'object') memberOf(`${at}.steps[${position}].handler.agency`, step.handler.agency, HANDLER_KINDS, 'a fixed step handler');
      });
    });
    return issues;
  }
}

function countOf(procedures: readonly Procedure[]): CatalogCounts {
  const counts: CatalogCounts = {
    total: procedures.length,
    byTier: { province: 0, district: 0, commune: 0 },
    byLevel: { 1: 0, 2: 0, 3: 0, 4: 0 },
    byOnlineMode: { 'toan-trinh': 0, 'mot-phan': 0, 'truc-tiep': 0 },
  };
  for (const procedure of procedures) {
    counts.byTier[procedure.tier] += 1;
    counts.byLevel[procedure.level] += 1;
    counts.byOnlineMode[procedure.onlineMode] += 1;
  }
  return counts;
}

/** Plain code-point order, the order `after` resumes from; the same in every locale. */
function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function firstAfter(sorted: readonly Procedure[], after: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.code <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
