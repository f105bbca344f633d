import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { describeInput, formatPath, humanZodMessage, joinPath as join } from './zod-issues';
import { agencyAncestors, parseAgencyCode, type AgencyCode } from './agency-code';
import { normalizeRequestPath } from './access-control';
import { ConfigError, type CodedIssue, type RegistryErrorCode } from './errors';
import { isSecretHash } from './secrets';

export type PlatformRole = 'lgsp' | 'ngsp';
export type ClientRole = 'agency-system' | 'operator' | 'admin';
export type ServiceKind = 'event' | 'request-reply';
export type BodyLogging = 'full' | 'metadata' | 'none';
export type MemberKind = 'province' | 'ministry' | 'department' | 'district' | 'commune' | 'unit';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const PLATFORM_ROLES = ['lgsp', 'ngsp'] as const satisfies readonly PlatformRole[];
export const CLIENT_ROLES = ['agency-system', 'operator', 'admin'] as const satisfies readonly ClientRole[];
export const SERVICE_KINDS = ['event', 'request-reply'] as const satisfies readonly ServiceKind[];
export const BODY_LOGGING_MODES = ['full', 'metadata', 'none'] as const satisfies readonly BodyLogging[];
export const MEMBER_KINDS = ['province', 'ministry', 'department', 'district', 'commune', 'unit'] as const satisfies readonly MemberKind[];
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const satisfies readonly HttpMethod[];

export const INSTANCE_PATTERN = /^[a-z0-9][a-z0-9-]{1,30}$/;
export const CLIENT_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const SERVICE_CODE_PATTERN = /^[a-z0-9][a-z0-9.-]{1,63}$/;
export const GROUP_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const TIER_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** `requestsPerMinute: 0` means no limit. A file's `tiers` are merged over these. */
export const DEFAULT_TIERS: Readonly<Record<string, TierConfig>> = Object.freeze({
  bronze: { requestsPerMinute: 1000 },
  silver: { requestsPerMinute: 2000 },
  gold: { requestsPerMinute: 5000 },
  unlimited: { requestsPerMinute: 0 },
});

export const DEFAULT_TIER = 'bronze';
export const DEFAULT_BODY_LOGGING: BodyLogging = 'metadata';
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface TierConfig {
  requestsPerMinute: number;
}

export interface MemberConfig {
  code: string;
  name: string;
  kind: MemberKind;
  /** The member above this one; filled in at load time with the nearest member ancestor when left out. */
  parent?: string;
}

export interface ClientConfig {
  id: string;
  member: string;
  name: string;
  secretHash: string;
  tier: string;
  roles: ClientRole[];
  groups: string[];
  enabled: boolean;
}

export interface ServiceConfig {
  code: string;
  provider: string;
  name: string;
  kind: ServiceKind;
  bodyLogging: BodyLogging;
  timeoutMs: number;
}

export interface GrantConfig {
  service: string;
  client?: string;
  group?: string;
  methods?: string[];
  paths?: string[];
}

export interface PlatformConfig {
  platform: { role: PlatformRole; code: string; name: string; instance: string };
  tiers: Record<string, TierConfig>;
  members: MemberConfig[];
  clients: ClientConfig[];
  services: ServiceConfig[];
  grants: GrantConfig[];
}

// ---------------------------------------------------------------------------------------------------------------
// Shape: one zod schema per entity, shared by the file and by run-time changes.

const INVALID_AGENCY_CODE: RegistryErrorCode = 'INVALID_AGENCY_CODE';

const agencyCodeSchema = z.string().superRefine((value, ctx) => {
  try {
    parseAgencyCode(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message, params: { registryCode: INVALID_AGENCY_CODE } });
  }
});

const nameSchema = z.string().trim().min(1).max(300);

function patterned(pattern: RegExp, what: string) {
  return z.string().regex(pattern, { error: (issue) => `${describeInput(issue.input)} is not ${what}` });
}

function uniqueItems<T extends z.ZodType>(item: T) {
  return z.array(item).superRefine((items, ctx) => {
    items.forEach((value, index) => {
      if (items.indexOf(value) !== index) {
        ctx.addIssue({ code: 'custom', message: `lists ${describeInput(value)} more than once`, path: [index] });
      }
    });
  });
}

const clientIdSchema = patterned(CLIENT_ID_PATTERN, 'a client id (3–64 characters: a-z, 0-9, dot, underscore, hyphen; starting with a letter or digit)');
const serviceCodeSchema = patterned(SERVICE_CODE_PATTERN, 'a service code (2–64 characters: a-z, 0-9, dot, hyphen; starting with a letter or digit)');
const groupNameSchema = patterned(GROUP_NAME_PATTERN, 'a group name (a-z, 0-9, dot, underscore, hyphen; starting with a letter or digit)');
const tierNameSchema = patterned(TIER_NAME_PATTERN, 'a tier name (a-z, 0-9, underscore, hyphen)');

const pathPrefixSchema = z.string().superRefine((value, ctx) => {
  if (!value.startsWith('/') || /[?#%\s]/.test(value) || (value !== '/' && value.endsWith('/')) || normalizeRequestPath(value) !== value) {
    ctx.addIssue({
      code: 'custom',
      message: `${describeInput(value)} is not a path prefix like /documents: it must start with /, have no trailing slash, no empty, . or .. segments, and no query, fragment or percent-encoding`,
    });
  }
});

const methodSchema = z.preprocess((value) => (typeof value === 'string' ? value.toUpperCase() : value), z.enum(HTTP_METHODS));

export const memberSchema = z.strictObject({
  code: agencyCodeSchema,
  name: nameSchema,
  kind: z.enum(MEMBER_KINDS),
  parent: agencyCodeSchema.optional(),
});

export const clientSchema = z.strictObject({
  id: clientIdSchema,
  member: agencyCodeSchema,
  name: nameSchema,
  secretHash: z.string().refine(isSecretHash, {
    error: 'is not a secret hash of the form scrypt$N$r$p$salt$hash (make one with hashSecret or the demo generator)',
  }),
  tier: z.string().min(1).default(DEFAULT_TIER),
  roles: uniqueItems(z.enum(CLIENT_ROLES)).min(1).default((): ClientRole[] => ['agency-system']),
  groups: uniqueItems(groupNameSchema).default(() => []),
  enabled: z.boolean().default(true),
});

export const serviceSchema = z.strictObject({
  code: serviceCodeSchema,
  provider: agencyCodeSchema,
  name: nameSchema,
  kind: z.enum(SERVICE_KINDS),
  bodyLogging: z.enum(BODY_LOGGING_MODES).default(DEFAULT_BODY_LOGGING),
  timeoutMs: z.number().int().min(1).max(600_000).default(DEFAULT_TIMEOUT_MS),
});

export const grantSchema = z
  .strictObject({
    service: serviceCodeSchema,
    client: clientIdSchema.optional(),
    group: groupNameSchema.optional(),
    methods: uniqueItems(methodSchema).min(1, { error: 'must list at least one method; leave methods out to allow all' }).optional(),
    paths: uniqueItems(pathPrefixSchema).min(1, { error: 'must list at least one path; leave paths out to allow all' }).optional(),
  })
  .superRefine((grant, ctx) => {
    if (grant.client !== undefined && grant.group !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['group'],
        message: `a grant goes to either a client or a group, not both (this one also names client ${describeInput(grant.client)})`,
      });
    } else if (grant.client === undefined && grant.group === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a grant must name the client or the group it is for' });
    }
  });

const platformSchema = z.strictObject({
  role: z.enum(PLATFORM_ROLES),
  code: agencyCodeSchema,
  name: nameSchema,
  instance: patterned(INSTANCE_PATTERN, 'an instance name (2–31 characters: a-z, 0-9, hyphen; e.g. lgsp-h56)'),
});

const tierSchema = z.strictObject({ requestsPerMinute: z.number().int().min(0) });

const platformConfigSchema = z.strictObject({
  platform: platformSchema,
  tiers: z
    .record(tierNameSchema, tierSchema)
    .optional()
    .transform((tiers) => ({ ...structuredClone(DEFAULT_TIERS), ...tiers })),
  members: z.array(memberSchema).min(1),
  clients: z.array(clientSchema).default(() => []),
  services: z.array(serviceSchema).default(() => []),
  grants: z.array(grantSchema).default(() => []),
});

// Keeps the hand-written interface (which other code reads) and the schema (which produces it) in step.
type Assignable<From extends To, To> = From;
type ParsedPlatformConfigMatchesInterface = Assignable<z.output<typeof platformConfigSchema>, PlatformConfig>;

// ---------------------------------------------------------------------------------------------------------------
// Meaning: checks across entities, written against a view so that the file and run-time changes share them.

/** What the cross-reference checks need to know about the registry a member, client or grant joins. */
export interface ReferenceView {
  hasMember(code: string): boolean;
  tierNames(): readonly string[];
  hasService(code: string): boolean;
  hasClient(id: string): boolean;
  hasGroup(name: string): boolean;
}

const LEVEL_OF_KIND: Record<MemberKind, readonly AgencyCode['level'][]> = {
  province: [1],
  ministry: [1],
  department: [2],
  district: [2],
  commune: [3],
  unit: [2, 3, 4],
};

/** Checks a member against the others; returns the parent it should be filed under (given, or nearest member ancestor). */
export function memberIssues(member: MemberConfig, view: ReferenceView, at: string): { issues: CodedIssue[]; parent?: string } {
  const issues: CodedIssue[] = [];
  const code = parseAgencyCode(member.code);
  const levels = LEVEL_OF_KIND[member.kind];
  if (!levels.includes(code.level)) {
    issues.push({
      path: `${at}.kind`,
      code: 'INVALID_INPUT',
      message: `a ${member.kind} has a level-${levels.join('/')} agency code, but ${member.code} is level ${code.level}`,
    });
  }
  const ancestors = agencyAncestors(member.code);
  if (member.parent === undefined) {
    return { issues, parent: ancestors.find((ancestor) => view.hasMember(ancestor)) };
  }
  if (!ancestors.includes(member.parent)) {
    issues.push({
      path: `${at}.parent`,
      code: 'INVALID_INPUT',
      message:
        code.parent === null
          ? `${member.code} is a level-1 code and has no parent`
          : `${member.parent} is not above ${member.code} (its QCVN 102 parent is ${code.parent})`,
    });
  } else if (!view.hasMember(member.parent)) {
    issues.push({ path: `${at}.parent`, code: 'UNKNOWN_MEMBER', message: `agency ${member.parent} is not a member` });
  }
  return { issues, parent: member.parent };
}

export function clientIssues(client: Pick<ClientConfig, 'member' | 'tier'>, view: ReferenceView, at: string): CodedIssue[] {
  const issues: CodedIssue[] = [];
  if (!view.hasMember(client.member)) {
    issues.push({ path: join(at, 'member'), code: 'UNKNOWN_MEMBER', message: `agency ${client.member} is not a member` });
  }
  if (!view.tierNames().includes(client.tier)) {
    issues.push({
      path: join(at, 'tier'),
      code: 'UNKNOWN_TIER',
      message: `tier ${describeInput(client.tier)} is not defined (tiers: ${view.tierNames().join(', ')})`,
    });
  }
  return issues;
}

export function serviceIssues(service: ServiceConfig, view: ReferenceView, at: string): CodedIssue[] {
  return view.hasMember(service.provider)
    ? []
    : [{ path: `${at}.provider`, code: 'UNKNOWN_MEMBER', message: `agency ${service.provider} is not a member` }];
}

export function grantIssues(grant: GrantConfig, view: ReferenceView, at: string): CodedIssue[] {
  const issues: CodedIssue[] = [];
  if (!view.hasService(grant.service)) {
    issues.push({ path: join(at, 'service'), code: 'UNKNOWN_SERVICE', message: `service ${describeInput(grant.service)} is not in services` });
  }
  if (grant.client !== undefined && !view.hasClient(grant.client)) {
    issues.push({ path: join(at, 'client'), code: 'UNKNOWN_CLIENT', message: `client ${describeInput(grant.client)} is not in clients` });
  }
  if (grant.group !== undefined && !view.hasGroup(grant.group)) {
    // Deny-by-default turns a misspelt group into a silent outage, so a group must have a client before a grant.
    issues.push({ path: join(at, 'group'), code: 'UNKNOWN_GROUP', message: `no client is in group ${describeInput(grant.group)}` });
  }
  return issues;
}

/** Two grants are the same grant when they give the same thing to the same grantee, whatever the list order. */
export function grantKey(grant: GrantConfig): string {
  return JSON.stringify([
    grant.service,
    grant.client ?? null,
    grant.group ?? null,
    grant.methods ? [...grant.methods].map((method) => method.toUpperCase()).sort() : null,
    grant.paths ? [...grant.paths].sort() : null,
  ]);
}

function crossReferenceIssues(config: PlatformConfig): CodedIssue[] {
  const issues: CodedIssue[] = [];
  const memberCodes = firstIndexes(config.members, (member) => member.code, 'members', 'code', 'agency', issues);
  const clientIds = firstIndexes(config.clients, (client) => client.id, 'clients', 'id', 'client', issues);
  const serviceCodes = firstIndexes(config.services, (service) => service.code, 'services', 'code', 'service', issues);
  const groups = new Set(config.clients.flatMap((client) => client.groups));
  const view: ReferenceView = {
    hasMember: (code) => memberCodes.has(code),
    tierNames: () => Object.keys(config.tiers),
    hasService: (code) => serviceCodes.has(code),
    hasClient: (id) => clientIds.has(id),
    hasGroup: (name) => groups.has(name),
  };

  if (!memberCodes.has(config.platform.code)) {
    issues.push({
      path: 'platform.code',
      code: 'UNKNOWN_MEMBER',
      message: `agency ${config.platform.code} is not a member; list the platform's own agency in members`,
    });
  }
  config.members.forEach((member, index) => {
    const checked = memberIssues(member, view, `members[${index}]`);
    issues.push(...checked.issues);
    if (checked.issues.length === 0 && checked.parent !== undefined) member.parent = checked.parent;
  });
  config.clients.forEach((client, index) => issues.push(...clientIssues(client, view, `clients[${index}]`)));
  config.services.forEach((service, index) => issues.push(...serviceIssues(service, view, `services[${index}]`)));
  const grantIndexes = new Map<string, number>();
  config.grants.forEach((grant, index) => {
    issues.push(...grantIssues(grant, view, `grants[${index}]`));
    const key = grantKey(grant);
    const first = grantIndexes.get(key);
    if (first === undefined) grantIndexes.set(key, index);
    else issues.push({ path: `grants[${index}]`, code: 'GRANT_EXISTS', message: `repeats grants[${first}]` });
  });
  return issues;
}

function firstIndexes<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  list: string,
  field: string,
  noun: string,
  issues: CodedIssue[],
): Map<string, number> {
  const indexes = new Map<string, number>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const first = indexes.get(key);
    if (first === undefined) indexes.set(key, index);
    else
      issues.push({
        path: `${list}[${index}].${field}`,
        code: noun === 'client' ? 'CLIENT_EXISTS' : 'INVALID_INPUT',
        message: `${noun} ${key} is listed twice (first at ${list}[${first}])`,
      });
  });
  return indexes;
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points.

/**
 * Validates a configuration already read into memory (from YAML, JSON or code) and returns it with defaults
 * filled in. Throws a ConfigError listing every problem; `source` (a file name) is named in its message.
 */
export function parsePlatformConfig(input: unknown, source?: string): PlatformConfig {
  const config = parseShape(platformConfigSchema, input, '');
  if (!config.ok) throw new ConfigError(config.issues, { source });
  const issues = crossReferenceIssues(config.value);
  if (issues.length > 0) throw new ConfigError(issues, { source });
  return config.value;
}

export function loadPlatformConfigFile(path: string): PlatformConfig {
  const extension = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(extension)) {
    throw new ConfigError([{ path: '', message: `cannot tell the format of ${path}: use a .yaml, .yml or .json file` }], { source: path });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ path: '', message: `cannot read the file: ${(error as Error).message}` }], { source: path });
  }
  let input: unknown;
  try {
    input = extension === '.json' ? JSON.parse(text) : YAML.parse(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError([{ path: '', message: `not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}` }], {
      source: path,
    });
  }
  return parsePlatformConfig(input, path);
}

/** YAML that loadPlatformConfigFile reads back into an equal configuration. */
export function serializePlatformConfig(config: PlatformConfig): string {
  return YAML.stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
}

export type ShapeResult<T> = { ok: true; value: T } | { ok: false; issues: CodedIssue[] };

/** Runs a schema and turns zod's issues into sentences that start from the field, `at` being the field's prefix. */
export function parseShape<T extends z.ZodType>(schema: T, input: unknown, at: string): ShapeResult<z.output<T>> {
  const result = schema.safeParse(input, { error: humanZodMessage });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.flatMap((issue) => toCodedIssues(issue, at)) };
}

function toCodedIssues(issue: z.core.$ZodIssue, at: string): CodedIssue[] {
  const path = join(at, formatPath(issue.path));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: join(path, formatPath([key])),
      code: 'INVALID_INPUT' as const,
      message: `is not a known field${suggestField(key)}`,
    }));
  }
  const registryCode = issue.code === 'custom' ? (issue.params?.['registryCode'] as RegistryErrorCode | undefined) : undefined;
  return [{ path, code: registryCode ?? 'INVALID_INPUT', message: issue.message }];
}


const KNOWN_FIELDS = [
  ...new Set([
    ...Object.keys(platformConfigSchema.shape),
    ...Object.keys(platformSchema.shape),
    ...Object.keys(tierSchema.shape),
    ...Object.keys(memberSchema.shape),
    ...Object.keys(clientSchema.shape),
    ...Object.keys(serviceSchema.shape),
    'service',
    'client',
    'group',
    'methods',
    'paths',
  ]),
];

function suggestField(key: string): string {
  // A field valid elsewhere (secretHash on a new client) gets no suggestion: suggesting itself would confuse.
  if (KNOWN_FIELDS.includes(key)) return '';
  const near = KNOWN_FIELDS.find((known) => known.toLowerCase() === key.toLowerCase() || editDistance(known, key) <= 2);
  return near ? ` (did you mean ${near}?)` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

