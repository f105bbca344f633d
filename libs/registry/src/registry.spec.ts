import { ConfigError, RegistryError, type RegistryErrorCode } from './errors';
import { parsePlatformConfig, type PlatformConfig } from './platform-config';
import { Registry, type RegistryChange } from './registry';
import { setSecretHashCost, verifySecret } from './secrets';

// A pass-through, so that a test can see which hash authenticate spends its scrypt work on.
jest.mock('./secrets', () => {
  const actual = jest.requireActual<typeof import('./secrets')>('./secrets');
  return { ...actual, verifySecret: jest.fn(actual.verifySecret) };
});
import { SECRETS, smallConfig } from './testing/small-config';

setSecretHashCost(1024);

const ADMIN = 'h56-admin';
let config: PlatformConfig;
let registry: Registry;
let clock: number;

beforeAll(async () => {
  config = await smallConfig();
});

beforeEach(() => {
  clock = Date.parse('2024-05-01T08:00:00.000Z');
  registry = new Registry(structuredClone(config), { now: () => new Date((clock += 1000)) });
});

async function expectRegistryError(action: () => unknown, code: RegistryErrorCode, message?: RegExp): Promise<RegistryError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as RegistryError).code).toBe(code);
    if (message) expect((error as RegistryError).message).toMatch(message);
    return error as RegistryError;
  }
  throw new Error(`expected a ${code} RegistryError`);
}

const newClient = {
  id: 'h56-qlvb-so-y-te',
  member: '000.00.14.H56',
  name: 'QLVB Sở Y tế',
  tier: 'silver',
  roles: ['agency-system' as const],
  groups: ['document-systems'],
};

describe('Registry lookups', () => {
  it('finds members, their children, clients, services and tiers', () => {
    expect(registry.platform.instance).toBe('lgsp-h56');
    expect(registry.member('000.00.23.H56')?.name).toBe('Thị xã Bỉm Sơn');
    expect(registry.member('000.00.99.H56')).toBeUndefined();
    expect(registry.children('000.00.00.H56').map((member) => member.code)).toEqual(['000.00.02.H56', '000.00.14.H56', '000.00.23.H56']);
    expect(registry.children('000.00.23.H56').map((member) => member.code)).toEqual(['000.01.23.H56']);
    expect(registry.children('000.01.23.H56')).toEqual([]);
    expect(registry.members()).toHaveLength(5);
    expect(registry.client('h56-disabled')?.enabled).toBe(false);
    expect(registry.clients()).toHaveLength(4);
    expect(registry.service('national.population')?.bodyLogging).toBe('none');
    expect(registry.services()).toHaveLength(3);
    expect(registry.tier('silver')).toEqual({ requestsPerMinute: 2000 });
    expect(registry.tier('unlimited')).toEqual({ requestsPerMinute: 0 });
    expect(registry.tier('platinum')).toBeUndefined();
    expect(registry.groups()).toEqual(['document-systems', 'one-stop-shops']);
  });

  it('hands out objects nobody can change behind its back', () => {
    const client = registry.client('h56-qlvb-so-tu-phap')!;
    expect(() => {
      (client as { enabled: boolean }).enabled = false;
    }).toThrow(TypeError);
    expect(() => (client.groups as string[]).push('one-stop-shops')).toThrow(TypeError);
  });

  it('refuses an invalid configuration at construction', () => {
    const broken = structuredClone(config);
    broken.clients[0]!.member = '000.00.99.H56';
    expect(() => new Registry(broken)).toThrow(ConfigError);
  });
});

describe('Registry.isAllowed', () => {
  it('uses the client groups the registry knows, not ones the caller claims', () => {
    expect(registry.isAllowed({ clientId: 'h56-qlvb-so-tu-phap', service: 'document-exchange.documents', method: 'POST', path: '/documents' })).toBe(true);
    expect(registry.isAllowed({ clientId: 'h56-motcua-bim-son', service: 'document-exchange.documents', method: 'POST', path: '/documents' })).toBe(false);
    expect(registry.isAllowed({ clientId: 'h56-motcua-bim-son', service: 'national.population', method: 'GET', path: '/citizens/1' })).toBe(true);
    expect(registry.isAllowed({ clientId: 'h56-motcua-bim-son', service: 'national.population', method: 'POST', path: '/citizens' })).toBe(false);
  });

  it('denies disabled and unknown clients even where a grant would match', () => {
    expect(registry.isAllowed({ clientId: 'h56-disabled', service: 'document-exchange.documents', method: 'POST', path: '/documents' })).toBe(false);
    expect(registry.isAllowed({ clientId: 'h56-nobody', service: 'ping', method: 'GET', path: '/' })).toBe(false);
  });
});

describe('Registry.authenticate', () => {
  it('returns the client for the right secret', async () => {
    expect((await registry.authenticate('h56-qlvb-so-tu-phap', SECRETS['h56-qlvb-so-tu-phap']))?.id).toBe('h56-qlvb-so-tu-phap');
  });

  it('returns null for a wrong secret, another client’s secret, an unknown id or a disabled client', async () => {
    expect(await registry.authenticate('h56-qlvb-so-tu-phap', 'wrong')).toBeNull();
    expect(await registry.authenticate('h56-qlvb-so-tu-phap', SECRETS['h56-motcua-bim-son'])).toBeNull();
    expect(await registry.authenticate('h56-nobody', SECRETS['h56-qlvb-so-tu-phap'])).toBeNull();
    expect(await registry.authenticate('h56-disabled', SECRETS['h56-disabled'])).toBeNull();
    expect(await registry.authenticate(undefined as unknown as string, undefined as unknown as string)).toBeNull();
  });

  it('spends scrypt work on unknown ids too, so that timing does not tell which ids exist', async () => {
    const verify = jest.mocked(verifySecret);
    verify.mockClear();
    await registry.authenticate('h56-nobody', 'x');
    expect(verify).toHaveBeenCalledTimes(1);
    // Same cost as the configured clients' hashes, and not one of them (which a guessed secret could match).
    expect(verify.mock.calls[0]![1]).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(config.clients.map((client) => client.secretHash)).not.toContain(verify.mock.calls[0]![1]);
  });
});

describe('run-time changes', () => {
  it('adds a client with a fresh secret it can authenticate with, and audits the hash, never the secret', async () => {
    const { change, secret } = await registry.addClient(ADMIN, newClient);
    expect(change).toEqual({
      at: '2024-05-01T08:00:01.000Z',
      actor: ADMIN,
      action: 'client.added',
      subject: 'h56-qlvb-so-y-te',
      details: {
        member: '000.00.14.H56',
        name: 'QLVB Sở Y tế',
        tier: 'silver',
        roles: ['agency-system'],
        groups: ['document-systems'],
        secretHash: expect.stringMatching(/^scrypt\$/),
      },
    });
    expect(JSON.stringify(change)).not.toContain(secret);
    expect(await verifySecret(secret, change.details['secretHash'] as string)).toBe(true);
    expect((await registry.authenticate('h56-qlvb-so-y-te', secret))?.enabled).toBe(true);
    expect(registry.isAllowed({ clientId: 'h56-qlvb-so-y-te', service: 'document-exchange.documents', method: 'POST', path: '/documents/1' })).toBe(true);
  });

  it('revokes a client: its secret stops working, its grants stop applying, its id stays taken', async () => {
    const change = registry.revokeClient(ADMIN, 'h56-qlvb-so-tu-phap');
    expect(change).toMatchObject({ action: 'client.revoked', subject: 'h56-qlvb-so-tu-phap', details: {} });
    expect(registry.client('h56-qlvb-so-tu-phap')?.enabled).toBe(false);
    expect(await registry.authenticate('h56-qlvb-so-tu-phap', SECRETS['h56-qlvb-so-tu-phap'])).toBeNull();
    expect(registry.isAllowed({ clientId: 'h56-qlvb-so-tu-phap', service: 'ping', method: 'GET', path: '/' })).toBe(false);
    await expectRegistryError(() => registry.addClient(ADMIN, { ...newClient, id: 'h56-qlvb-so-tu-phap' }), 'CLIENT_EXISTS');
    await expectRegistryError(() => registry.revokeClient(ADMIN, 'h56-qlvb-so-tu-phap'), 'INVALID_INPUT', /already revoked/);
  });

  it('rotates a secret: the new one works, the old one no longer does', async () => {
    const { change, secret } = await registry.rotateSecret(ADMIN, 'h56-motcua-bim-son');
    expect(change.action).toBe('client.secret-rotated');
    expect(await registry.authenticate('h56-motcua-bim-son', secret)).not.toBeNull();
    expect(await registry.authenticate('h56-motcua-bim-son', SECRETS['h56-motcua-bim-son'])).toBeNull();
  });

  it('adds and revokes grants, matching a grant to revoke whatever the order of its lists', () => {
    const request = { clientId: 'h56-motcua-bim-son', service: 'ping', method: 'get', path: '/health' };
    expect(registry.isAllowed(request)).toBe(false);
    const added = registry.addGrant(ADMIN, { service: 'ping', group: 'one-stop-shops', methods: ['post', 'get'], paths: ['/health', '/echo'] });
    expect(added).toMatchObject({
      action: 'grant.added',
      subject: 'group:one-stop-shops',
      details: { grant: { service: 'ping', group: 'one-stop-shops', methods: ['POST', 'GET'], paths: ['/health', '/echo'] } },
    });
    expect(registry.isAllowed(request)).toBe(true);
    expect(registry.grants()).toHaveLength(4);

    const revoked = registry.revokeGrant(ADMIN, { service: 'ping', group: 'one-stop-shops', methods: ['GET', 'POST'], paths: ['/echo', '/health'] });
    expect(revoked).toMatchObject({ action: 'grant.revoked', subject: 'group:one-stop-shops' });
    expect(registry.isAllowed(request)).toBe(false);
    expect(registry.grants()).toHaveLength(3);
  });

  it.each<[string, () => unknown, RegistryErrorCode, RegExp]>([
    ['an existing client id', () => registry.addClient(ADMIN, { ...newClient, id: 'h56-motcua-bim-son' }), 'CLIENT_EXISTS', /^id: client h56-motcua-bim-son already exists$/],
    ['a client of an unknown member', () => registry.addClient(ADMIN, { ...newClient, member: '000.00.99.H56' }), 'UNKNOWN_MEMBER', /^member: agency 000\.00\.99\.H56 is not a member$/],
    ['a client with an invalid agency code', () => registry.addClient(ADMIN, { ...newClient, member: '28.22.H17' }), 'INVALID_AGENCY_CODE', /^member: "28\.22\.H17" is not a valid QCVN 102/],
    ['a client with an unknown tier', () => registry.addClient(ADMIN, { ...newClient, tier: 'platinum' }), 'UNKNOWN_TIER', /^tier: tier "platinum" is not defined/],
    ['a client with a bad id', () => registry.addClient(ADMIN, { ...newClient, id: 'X' }), 'INVALID_INPUT', /^id: "X" is not a client id/],
    ['a client with an unknown role', () => registry.addClient(ADMIN, { ...newClient, roles: ['root' as never] }), 'INVALID_INPUT', /^roles\[0\]: must be one of/],
    ['a client with an extra field', () => registry.addClient(ADMIN, { ...newClient, secretHash: 'x' } as never), 'INVALID_INPUT', /^secretHash: is not a known field$/],
    ['revoking an unknown client', () => registry.revokeClient(ADMIN, 'h56-nobody'), 'UNKNOWN_CLIENT', /does not exist/],
    ['rotating an unknown client', () => registry.rotateSecret(ADMIN, 'h56-nobody'), 'UNKNOWN_CLIENT', /does not exist/],
    ['a grant to an unknown service', () => registry.addGrant(ADMIN, { service: 'national.weather', client: 'h56-motcua-bim-son' }), 'UNKNOWN_SERVICE', /^service: service "national\.weather" is not in services$/],
    ['a grant to an unknown client', () => registry.addGrant(ADMIN, { service: 'ping', client: 'h56-nobody' }), 'UNKNOWN_CLIENT', /^client: client "h56-nobody" is not in clients$/],
    ['a grant to an unknown group', () => registry.addGrant(ADMIN, { service: 'ping', group: 'portals' }), 'UNKNOWN_GROUP', /^group: no client is in group "portals"$/],
    ['a grant to both a client and a group', () => registry.addGrant(ADMIN, { service: 'ping', client: 'h56-motcua-bim-son', group: 'one-stop-shops' }), 'INVALID_INPUT', /not both/],
    ['a grant with a .. path', () => registry.addGrant(ADMIN, { service: 'ping', group: 'one-stop-shops', paths: ['/a/../b'] }), 'INVALID_INPUT', /^paths\[0\]: "\/a\/\.\.\/b" is not a path prefix/],
    ['a grant that already exists', () => registry.addGrant(ADMIN, { service: 'national.population', group: 'one-stop-shops', methods: ['get'] }), 'GRANT_EXISTS', /already exists/],
    ['revoking a grant that does not exist', () => registry.revokeGrant(ADMIN, { service: 'national.population', group: 'one-stop-shops' }), 'UNKNOWN_GRANT', /there is no grant of national\.population to group:one-stop-shops/],
    ['a change without an actor', () => registry.revokeClient('', 'h56-motcua-bim-son'), 'INVALID_INPUT', /^actor: /],
  ])('refuses %s with a code and changes nothing', async (_, change, code, message) => {
    const before = registry.snapshot();
    await expectRegistryError(change, code, message);
    expect(registry.snapshot()).toEqual(before);
  });

  it('lets a new client create a group that grants can then name', async () => {
    await registry.addClient(ADMIN, { ...newClient, groups: ['portals'] });
    expect(() => registry.addGrant(ADMIN, { service: 'ping', group: 'portals' })).not.toThrow();
  });

  it('refuses the second of two concurrent additions of one id', async () => {
    const results = await Promise.allSettled([registry.addClient(ADMIN, newClient), registry.addClient(ADMIN, newClient)]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(registry.clients().filter((client) => client.id === newClient.id)).toHaveLength(1);
  });
});

describe('Registry.apply (replaying the audit log)', () => {
  it('rebuilds the same state from the configuration and the recorded changes', async () => {
    const log: RegistryChange[] = [];
    log.push((await registry.addClient(ADMIN, newClient)).change);
    log.push((await registry.addClient(ADMIN, { ...newClient, id: 'h56-motcua-ha-trung', groups: ['one-stop-shops'] })).change);
    log.push(registry.addGrant(ADMIN, { service: 'ping', group: 'one-stop-shops', methods: ['GET'] }));
    log.push(registry.revokeGrant(ADMIN, { service: 'ping', client: 'h56-qlvb-so-tu-phap' }));
    log.push(registry.revokeClient(ADMIN, 'h56-qlvb-so-y-te'));
    log.push((await registry.rotateSecret(ADMIN, 'h56-motcua-ha-trung')).change);

    // The audit log is JSON on a Kafka topic: replay what survives a round trip, not the live objects.
    const replayed = new Registry(structuredClone(config));
    for (const change of JSON.parse(JSON.stringify(log)) as RegistryChange[]) replayed.apply(change);

    expect(replayed.snapshot()).toEqual(registry.snapshot());
    expect(registry.snapshot()).not.toEqual(new Registry(structuredClone(config)).snapshot());
  });

  it('refuses a change that does not fit the state it is replayed onto', () => {
    const replayed = new Registry(structuredClone(config));
    const change: RegistryChange = { at: '2024-05-01T08:00:00.000Z', actor: ADMIN, action: 'client.revoked', subject: 'h56-nobody', details: {} };
    expect(() => replayed.apply(change)).toThrow(RegistryError);
    expect(() => replayed.apply({ ...change, action: 'client.deleted' as never, subject: 'h56-motcua-bim-son' })).toThrow(/action: must be one of/);
    expect(() =>
      replayed.apply({ ...change, action: 'client.added', subject: 'h56-new', details: { member: '000.00.14.H56', name: 'n', tier: 'silver', roles: ['agency-system'], groups: [] } }),
    ).toThrow(/details\.secretHash/);
  });

  it('produces a snapshot that is itself a valid configuration', async () => {
    await registry.addClient(ADMIN, newClient);
    registry.revokeClient(ADMIN, 'h56-motcua-bim-son');
    const snapshot = registry.snapshot();
    expect(parsePlatformConfig(structuredClone(snapshot))).toEqual(snapshot);
    snapshot.clients.pop();
    expect(registry.clients()).toHaveLength(5);
  });
});
