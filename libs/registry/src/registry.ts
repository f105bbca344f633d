import { isAllowed as grantsAllow, type AccessRequest } from './access-control';
import { RegistryError, type CodedIssue, type RegistryErrorCode } from './errors';
import {
  clientIssues,
  clientSchema,
  grantIssues,
  grantKey,
  grantSchema,
  parsePlatformConfig,
  parseShape,
  type ClientConfig,
  type ClientRole,
  type GrantConfig,
  type MemberConfig,
  type PlatformConfig,
  type ReferenceView,
  type ServiceConfig,
  type TierConfig,
} from './platform-config';
import { generateSecret, hashSecret, isSecretHash, secretHashParams, verifySecret } from './secrets';

export { RegistryError } from './errors';

export type RegistryAction = 'client.added' | 'client.revoked' | 'client.secret-rotated' | 'grant.added' | 'grant.revoked';

/**
 * One run-time change, as written to the audit log. It carries everything needed to replay it
 * (never a secret in clear: a new client's details hold the hash).
 */
export interface RegistryChange {
  at: string;
  /** Client id of the admin who made the change. */
  actor: string;
  action: RegistryAction;
  /** The client id for client changes; for grants the grantee: the client id, or `group:<name>`. */
  subject: string;
  details: Record<string, unknown>;
}

export interface NewClientInput {
  id: string;
  member: string;
  name: string;
  tier: string;
  roles: ClientRole[];
  groups?: string[];
}

export interface RegistryOptions {
  /** The clock that stamps changes; tests pin it. */
  now?: () => Date;
}

const ACTIONS: readonly RegistryAction[] = ['client.added', 'client.revoked', 'client.secret-rotated', 'grant.added', 'grant.revoked'];

const newClientSchema = clientSchema.omit({ secretHash: true, enabled: true });

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * The member registry, service catalog and access rights the gateway works from: loaded from the validated
 * platform configuration, then changed at run time through the admin API. Members, services and tiers are
 * fixed for the life of the process; clients and grants change. Every change goes through `apply`, which
 * validates it exactly as the file is validated, so a change that is refused leaves nothing behind.
 */
export class Registry {
  readonly platform: PlatformConfig['platform'];

  private readonly tierByName: ReadonlyMap<string, TierConfig>;
  private readonly memberList: readonly MemberConfig[];
  private readonly memberByCode: ReadonlyMap<string, MemberConfig>;
  private readonly childrenByCode: ReadonlyMap<string, readonly MemberConfig[]>;
  private readonly serviceList: readonly ServiceConfig[];
  private readonly serviceByCode: ReadonlyMap<string, ServiceConfig>;
  private readonly clientById = new Map<string, ClientConfig>();
  private clientList: readonly ClientConfig[] = EMPTY;
  private groupNames = new Set<string>();
  private grantList: readonly GrantConfig[] = EMPTY;
  private grantsByService = new Map<string, GrantConfig[]>();
  private dummyHash: Promise<string> | undefined;
  private readonly now: () => Date;

  constructor(config: PlatformConfig, options: RegistryOptions = {}) {
    // Re-validated because a caller may build the object in code; the file path has already been through this.
    const valid = parsePlatformConfig(config, 'the configuration given to Registry');
    this.now = options.now ?? (() => new Date());
    this.platform = deepFreeze(valid.platform);
    this.tierByName = new Map(Object.entries(valid.tiers).map(([name, tier]) => [name, deepFreeze(tier)]));
    this.memberList = deepFreeze(valid.members);
    this.memberByCode = new Map(this.memberList.map((member) => [member.code, member]));
    const children = new Map<string, MemberConfig[]>();
    for (const member of this.memberList) {
      if (member.parent === undefined) continue;
      children.set(member.parent, [...(children.get(member.parent) ?? []), member]);
    }
    this.childrenByCode = new Map([...children].map(([code, list]) => [code, Object.freeze(list)]));
    this.serviceList = deepFreeze(valid.services);
    this.serviceByCode = new Map(this.serviceList.map((service) => [service.code, service]));
    for (const client of valid.clients) this.clientById.set(client.id, deepFreeze(client));
    this.grantList = deepFreeze(valid.grants);
    this.reindex();
  }

  member(code: string): MemberConfig | undefined {
    return this.memberByCode.get(code);
  }

  members(): readonly MemberConfig[] {
    return this.memberList;
  }

  children(code: string): readonly MemberConfig[] {
    return this.childrenByCode.get(code) ?? EMPTY;
  }

  /** Revoked clients stay, with `enabled: false`, so that their id is never reused and old log records still resolve. */
  client(id: string): ClientConfig | undefined {
    return this.clientById.get(id);
  }

  clients(): readonly ClientConfig[] {
    return this.clientList;
  }

  service(code: string): ServiceConfig | undefined {
    return this.serviceByCode.get(code);
  }

  services(): readonly ServiceConfig[] {
    return this.serviceList;
  }

  grants(): readonly GrantConfig[] {
    return this.grantList;
  }

  /** Every group some client (enabled or not) is in: the groups a grant may name. */
  groups(): readonly string[] {
    return [...this.groupNames].sort();
  }

  tier(name: string): TierConfig | undefined {
    return this.tierByName.get(name);
  }

  isAllowed(req: Omit<AccessRequest, 'groups'>): boolean {
    const client = this.clientById.get(req.clientId);
    if (!client || !client.enabled) return false;
    return grantsAllow(this.grantsByService.get(req.service) ?? EMPTY, { ...req, groups: client.groups });
  }

  /**
   * The client, if the id is known, enabled and the secret right; null otherwise, without saying which.
   * An unknown id still costs one scrypt run so that response time does not reveal which ids exist.
   */
  async authenticate(clientId: string, secret: string): Promise<ClientConfig | null> {
    const client = typeof clientId === 'string' ? this.clientById.get(clientId) : undefined;
    const secretHash = client?.secretHash ?? (await this.hashForUnknownClients());
    const matches = await verifySecret(typeof secret === 'string' ? secret : '', secretHash);
    return client !== undefined && client.enabled && matches ? client : null;
  }

  async addClient(actor: string, input: NewClientInput): Promise<{ change: RegistryChange; secret: string }> {
    const client = this.validNewClient(input);
    const secret = generateSecret();
    const secretHash = await hashSecret(secret);
    const { id, ...rest } = client;
    const change = this.record(actor, 'client.added', id, { ...rest, secretHash });
    // Checked again inside apply: another addClient for the same id may have finished while this one hashed.
    this.apply(change);
    return { change, secret };
  }

  revokeClient(actor: string, id: string): RegistryChange {
    const change = this.record(actor, 'client.revoked', id, {});
    this.apply(change);
    return change;
  }

  /** Issues a new secret; the old one stops working at once. */
  async rotateSecret(actor: string, id: string): Promise<{ change: RegistryChange; secret: string }> {
    this.enabledClient(id);
    const secret = generateSecret();
    const change = this.record(actor, 'client.secret-rotated', id, { secretHash: await hashSecret(secret) });
    this.apply(change);
    return { change, secret };
  }

  addGrant(actor: string, grant: GrantConfig): RegistryChange {
    const valid = this.validGrant(grant);
    const change = this.record(actor, 'grant.added', grantee(valid), { grant: valid });
    this.apply(change);
    return change;
  }

  /** Revokes the grant equal to this one (same service, grantee, methods and paths, in any order). */
  revokeGrant(actor: string, grant: GrantConfig): RegistryChange {
    const stored = this.grantList[this.grantIndex(this.validGrant(grant))]!;
    const change = this.record(actor, 'grant.revoked', grantee(stored), { grant: stored });
    this.apply(change);
    return change;
  }

  /**
   * Applies a change, whether just made or read back from the audit log at start-up. Throws a RegistryError,
   * changing nothing, if the change does not fit the current state.
   */
  apply(change: RegistryChange): void {
    checkEnvelope(change);
    switch (change.action) {
      case 'client.added': {
        const details = change.details;
        const client = this.validNewClient({
          id: change.subject,
          member: details['member'],
          name: details['name'],
          tier: details['tier'],
          roles: details['roles'],
          groups: details['groups'],
        });
        const secretHash = details['secretHash'];
        if (!isSecretHash(secretHash)) {
          fail('INVALID_INPUT', 'details.secretHash', 'is not a secret hash of the form scrypt$N$r$p$salt$hash');
        }
        this.clientById.set(client.id, deepFreeze({ ...client, secretHash: secretHash as string, enabled: true }));
        break;
      }
      case 'client.revoked': {
        const client = this.enabledClient(change.subject);
        this.clientById.set(client.id, deepFreeze({ ...client, enabled: false }));
        break;
      }
      case 'client.secret-rotated': {
        const client = this.enabledClient(change.subject);
        const secretHash = change.details['secretHash'];
        if (!isSecretHash(secretHash)) {
          fail('INVALID_INPUT', 'details.secretHash', 'is not a secret hash of the form scrypt$N$r$p$salt$hash');
        }
        this.clientById.set(client.id, deepFreeze({ ...client, secretHash: secretHash as string }));
        break;
      }
      case 'grant.added': {
        const grant = this.validGrant(change.details['grant']);
        if (this.grantList.some((existing) => grantKey(existing) === grantKey(grant))) {
          fail('GRANT_EXISTS', '', `an identical grant of ${grant.service} to ${grantee(grant)} already exists`);
        }
        this.grantList = Object.freeze([...this.grantList, deepFreeze(grant)]);
        break;
      }
      case 'grant.revoked': {
        const index = this.grantIndex(this.validGrant(change.details['grant']));
        this.grantList = Object.freeze(this.grantList.filter((_, position) => position !== index));
        break;
      }
    }
    this.reindex();
  }

  /** The current state as a configuration file would hold it (revoked clients included, disabled). */
  snapshot(): PlatformConfig {
    return structuredClone({
      platform: this.platform,
      tiers: Object.fromEntries(this.tierByName),
      members: this.memberList,
      clients: this.clientList,
      services: this.serviceList,
      grants: this.grantList,
    }) as PlatformConfig;
  }

  private validNewClient(input: unknown): Omit<ClientConfig, 'secretHash' | 'enabled'> {
    const parsed = parseShape(newClientSchema, input, '');
    if (!parsed.ok) throw errorFrom(parsed.issues);
    const client = parsed.value;
    if (this.clientById.has(client.id)) fail('CLIENT_EXISTS', 'id', `client ${client.id} already exists`);
    const issues = clientIssues(client, this.view(), '');
    if (issues.length > 0) throw errorFrom(issues);
    return client;
  }

  private validGrant(input: unknown): GrantConfig {
    const parsed = parseShape(grantSchema, input, '');
    if (!parsed.ok) throw errorFrom(parsed.issues);
    const issues = grantIssues(parsed.value, this.view(), '');
    if (issues.length > 0) throw errorFrom(issues);
    return withoutUndefined(parsed.value);
  }

  private grantIndex(grant: GrantConfig): number {
    const key = grantKey(grant);
    const index = this.grantList.findIndex((existing) => grantKey(existing) === key);
    if (index === -1) fail('UNKNOWN_GRANT', '', `there is no grant of ${grant.service} to ${grantee(grant)} with these methods and paths`);
    return index;
  }

  private enabledClient(id: unknown): ClientConfig {
    const client = typeof id === 'string' ? this.clientById.get(id) : undefined;
    if (!client) fail('UNKNOWN_CLIENT', 'id', `client ${JSON.stringify(id)} does not exist`);
    // Revocation is final: a revoked client's id stays taken and cannot be brought back or given a new secret.
    if (!client.enabled) fail('INVALID_INPUT', 'id', `client ${client.id} is already revoked`);
    return client;
  }

  private record(actor: string, action: RegistryAction, subject: string, details: Record<string, unknown>): RegistryChange {
    return { at: this.now().toISOString(), actor, action, subject, details };
  }

  private view(): ReferenceView {
    return {
      hasMember: (code) => this.memberByCode.has(code),
      tierNames: () => [...this.tierByName.keys()],
      hasService: (code) => this.serviceByCode.has(code),
      hasClient: (id) => this.clientById.has(id),
      hasGroup: (name) => this.groupNames.has(name),
    };
  }

  private reindex(): void {
    this.clientList = Object.freeze([...this.clientById.values()]);
    this.groupNames = new Set(this.clientList.flatMap((client) => client.groups));
    this.grantsByService = new Map();
    for (const grant of this.grantList) {
      this.grantsByService.set(grant.service, [...(this.grantsByService.get(grant.service) ?? []), grant]);
    }
  }

  private hashForUnknownClients(): Promise<string> {
    if (!this.dummyHash) {
      // Costs what verifying a real client's hash costs, whatever cost the configured hashes were made at.
      const sample = this.clientList.map((client) => secretHashParams(client.secretHash)).find((params) => params !== null);
      this.dummyHash = hashSecret(
        generateSecret(),
        sample ? { cost: sample.cost, blockSize: sample.blockSize, parallelism: sample.parallelism } : {},
      );
    }
    return this.dummyHash;
  }
}

function checkEnvelope(change: RegistryChange): void {
  const issues: CodedIssue[] = [];
  if (typeof change !== 'object' || change === null) fail('INVALID_INPUT', '', 'a change must be an object');
  if (!ACTIONS.includes(change.action)) {
    issues.push({ path: 'action', code: 'INVALID_INPUT', message: `must be one of ${ACTIONS.join(', ')}` });
  }
  if (typeof change.actor !== 'string' || change.actor.trim() === '') {
    issues.push({ path: 'actor', code: 'INVALID_INPUT', message: 'must name the client id of the admin making the change' });
  }
  if (typeof change.at !== 'string' || Number.isNaN(Date.parse(change.at))) {
    issues.push({ path: 'at', code: 'INVALID_INPUT', message: 'must be an ISO 8601 timestamp' });
  }
  if (typeof change.subject !== 'string' || change.subject === '') {
    issues.push({ path: 'subject', code: 'INVALID_INPUT', message: 'must not be empty' });
  }
  if (typeof change.details !== 'object' || change.details === null || Array.isArray(change.details)) {
    issues.push({ path: 'details', code: 'INVALID_INPUT', message: 'must be an object' });
  }
  if (issues.length > 0) throw errorFrom(issues);
}

function grantee(grant: GrantConfig): string {
  return grant.client ?? `group:${grant.group}`;
}

function fail(code: RegistryErrorCode, path: string, message: string): never {
  throw new RegistryError(code, [{ path, message }]);
}

/** The most specific reason wins the code: "unknown member" says more than "invalid input". */
function errorFrom(issues: readonly CodedIssue[]): RegistryError {
  const specific = issues.find((issue) => issue.code !== 'INVALID_INPUT');
  return new RegistryError(specific?.code ?? 'INVALID_INPUT', issues);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value;
}
