import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './errors';
import { DEFAULT_TIERS, loadPlatformConfigFile, parsePlatformConfig, serializePlatformConfig, type PlatformConfig } from './platform-config';
import { setSecretHashCost } from './secrets';
import { smallConfig } from './testing/small-config';

setSecretHashCost(1024);

let base: PlatformConfig;
beforeAll(async () => {
  base = await smallConfig();
});

/** Breaks a copy of the small configuration and returns what parsePlatformConfig says about it. */
function problemsWith(breakIt: (config: any) => void): ConfigError {
  const config = structuredClone(base);
  breakIt(config);
  try {
    parsePlatformConfig(config, 'platform.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('the configuration was accepted');
}

describe('parsePlatformConfig', () => {
  it('accepts the small configuration unchanged where it was complete (tiers gain the defaults it did not override)', () => {
    expect(parsePlatformConfig(structuredClone(base))).toEqual({ ...base, tiers: { ...DEFAULT_TIERS, ...base.tiers } });
  });

  it('fills in defaults and the parent of a member that left it out', () => {
    const config = structuredClone(base) as any;
    delete config.tiers;
    delete config.members[4].parent;
    config.clients[0] = { id: 'h56-minimal', member: '000.00.02.H56', name: 'Minimal', secretHash: base.clients[0]!.secretHash };
    config.services[0] = { code: 'ping', provider: '000.00.00.H56', name: 'Ping', kind: 'request-reply' };
    config.grants = [];
    const parsed = parsePlatformConfig(config);
    expect(parsed.tiers).toEqual({
      bronze: { requestsPerMinute: 1000 },
      silver: { requestsPerMinute: 2000 },
      gold: { requestsPerMinute: 5000 },
      unlimited: { requestsPerMinute: 0 },
    });
    expect(parsed.members[4]!.parent).toBe('000.00.23.H56');
    expect(parsed.clients[0]).toMatchObject({ tier: 'bronze', roles: ['agency-system'], groups: [], enabled: true });
    expect(parsed.services[0]).toMatchObject({ bodyLogging: 'metadata', timeoutMs: 10000 });
  });

  it('merges tiers from the file over the defaults', () => {
    const config = structuredClone(base);
    config.tiers = { silver: { requestsPerMinute: 2500 }, platinum: { requestsPerMinute: 9000 } };
    expect(parsePlatformConfig(config).tiers).toMatchObject({
      bronze: { requestsPerMinute: 1000 },
      silver: { requestsPerMinute: 2500 },
      platinum: { requestsPerMinute: 9000 },
    });
  });

  it('accepts a commune filed directly under the province when its district is not a member', () => {
    const config = structuredClone(base);
    config.members.push({ code: '000.05.40.H56', name: 'Xã Xa', kind: 'commune', parent: '000.00.00.H56' });
    expect(() => parsePlatformConfig(config)).not.toThrow();
  });

  it('normalises grant methods to upper case', () => {
    const config = structuredClone(base);
    config.grants[2]!.methods = ['get'];
    expect(parsePlatformConfig(config).grants[2]!.methods).toEqual(['GET']);
  });

  it.each<[string, (config: any) => void, string, RegExp]>([
    ['missing platform.code', (c) => delete c.platform.code, 'platform.code', /is required/],
    ['bad instance name', (c) => (c.platform.instance = 'LGSP H56'), 'platform.instance', /"LGSP H56" is not an instance name/],
    ['one-letter instance name', (c) => (c.platform.instance = 'x'), 'platform.instance', /not an instance name/],
    ['platform role outside the enum', (c) => (c.platform.role = 'province'), 'platform.role', /must be one of "lgsp", "ngsp" \(got "province"\)/],
    ['platform code not a member', (c) => (c.platform.code = '000.00.00.H08'), 'platform.code', /agency 000\.00\.00\.H08 is not a member/],
    ['invalid agency code', (c) => (c.members[2].code = '000.00.5.H56'), 'members[2].code', /"000\.00\.5\.H56" is not a valid QCVN 102 agency code/],
    ['duplicate member', (c) => (c.members[2].code = '000.00.02.H56'), 'members[2].code', /agency 000\.00\.02\.H56 is listed twice \(first at members\[1\]\)/],
    ['member kind outside the enum', (c) => (c.members[1].kind = 'sở'), 'members[1].kind', /must be one of "province"/],
    ['member kind at the wrong level', (c) => (c.members[4].kind = 'district'), 'members[4].kind', /a district has a level-2 agency code, but 000\.01\.23\.H56 is level 3/],
    ['parent that is not above the member', (c) => (c.members[4].parent = '000.00.02.H56'), 'members[4].parent', /not above 000\.01\.23\.H56 \(its QCVN 102 parent is 000\.00\.23\.H56\)/],
    ['parent that is not a member', (c) => c.members.splice(3, 1), 'members[3].parent', /agency 000\.00\.23\.H56 is not a member/],
    ['empty member name', (c) => (c.members[1].name = '  '), 'members[1].name', /must not be empty/],
    ['client of an unknown member', (c) => (c.clients[3].member = '000.00.99.H56'), 'clients[3].member', /agency 000\.00\.99\.H56 is not a member/],
    ['duplicate client id', (c) => (c.clients[1].id = 'h56-qlvb-so-tu-phap'), 'clients[1].id', /client h56-qlvb-so-tu-phap is listed twice/],
    ['unknown tier', (c) => (c.clients[0].tier = 'platinum'), 'clients[0].tier', /tier "platinum" is not defined \(tiers: bronze, silver, gold, unlimited\)/],
    ['client id with capitals', (c) => (c.clients[0].id = 'H56-QLVB'), 'clients[0].id', /"H56-QLVB" is not a client id/],
    ['unknown role', (c) => (c.clients[0].roles = ['root']), 'clients[0].roles[0]', /must be one of "agency-system", "operator", "admin"/],
    ['no roles', (c) => (c.clients[0].roles = []), 'clients[0].roles', /must list at least 1 item/],
    ['repeated group', (c) => (c.clients[0].groups = ['a-group', 'a-group']), 'clients[0].groups[1]', /lists "a-group" more than once/],
    ['malformed secret hash', (c) => (c.clients[0].secretHash = 'plain-text'), 'clients[0].secretHash', /not a secret hash/],
    ['enabled as a string', (c) => (c.clients[0].enabled = 'yes'), 'clients[0].enabled', /must be a boolean \(got "yes"\)/],
    ['misspelt field', (c) => (c.services[0].bodylogging = 'full'), 'services[0].bodylogging', /is not a known field \(did you mean bodyLogging\?\)/],
    ['wrong service kind', (c) => (c.services[1].kind = 'async'), 'services[1].kind', /must be one of "event", "request-reply" \(got "async"\)/],
    ['wrong body logging', (c) => (c.services[1].bodyLogging = 'headers'), 'services[1].bodyLogging', /must be one of "full", "metadata", "none"/],
    ['service code with capitals', (c) => (c.services[0].code = 'Ping'), 'services[0].code', /"Ping" is not a service code/],
    ['service of an unknown provider', (c) => (c.services[0].provider = '000.00.00.H08'), 'services[0].provider', /agency 000\.00\.00\.H08 is not a member/],
    ['fractional timeout', (c) => (c.services[0].timeoutMs = 1.5), 'services[0].timeoutMs', /must be an integer/],
    ['negative rate', (c) => (c.tiers.silver.requestsPerMinute = -1), 'tiers.silver.requestsPerMinute', /must be at least 0/],
    ['grant to both client and group', (c) => (c.grants[0].group = 'document-systems'), 'grants[0].group', /either a client or a group, not both/],
    ['grant to nobody', (c) => delete c.grants[0].client, 'grants[0]', /must name the client or the group/],
    ['grant to an unknown service', (c) => (c.grants[0].service = 'national.weather'), 'grants[0].service', /service "national\.weather" is not in services/],
    ['grant to an unknown client', (c) => (c.grants[0].client = 'h56-nobody'), 'grants[0].client', /client "h56-nobody" is not in clients/],
    ['grant to a group nobody is in', (c) => (c.grants[1].group = 'document-system'), 'grants[1].group', /no client is in group "document-system"/],
    ['grant with an unknown method', (c) => (c.grants[2].methods = ['FETCH']), 'grants[2].methods[0]', /must be one of "GET"/],
    ['grant with an empty method list', (c) => (c.grants[2].methods = []), 'grants[2].methods', /leave methods out to allow all/],
    ['grant path with ..', (c) => (c.grants[1].paths = ['/documents/../admin']), 'grants[1].paths[0]', /is not a path prefix/],
    ['grant path with a trailing slash', (c) => (c.grants[1].paths = ['/documents/']), 'grants[1].paths[0]', /is not a path prefix/],
    ['grant path without a leading slash', (c) => (c.grants[1].paths = ['documents']), 'grants[1].paths[0]', /is not a path prefix/],
    ['duplicate grant', (c) => c.grants.push({ ...c.grants[2], methods: ['GET'] }), 'grants[3]', /repeats grants\[2\]/],
  ])('names the field for %s', (_, breakIt, path, message) => {
    const error = problemsWith(breakIt);
    expect(error.issues).toContainEqual({ path, message: expect.stringMatching(message) });
    expect(error.message).toContain(`platform.yaml`);
    expect(error.message).toContain(`  - ${path}: `);
  });

  it('lists every problem at once, not just the first', () => {
    const error = problemsWith((c) => {
      c.clients[3].member = '000.00.99.H56';
      c.clients[0].tier = 'platinum';
      c.grants[0].service = 'nope';
    });
    expect(error.issues.map((issue) => issue.path)).toEqual(['clients[0].tier', 'clients[3].member', 'grants[0].service']);
    expect(error.message).toMatch(/\(3 problems\)/);
    expect(error.message).toContain('clients[3].member: agency 000.00.99.H56 is not a member');
  });

  it('says so when the input is not a configuration at all', () => {
    expect(() => parsePlatformConfig(null)).toThrow(/must be an object \(got null\)/);
    expect(() => parsePlatformConfig({})).toThrow(/platform: is required/);
  });
});

describe('configuration files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'registry-config-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('round-trips through YAML and JSON', () => {
    const config = parsePlatformConfig(structuredClone(base));
    expect(loadPlatformConfigFile(write('platform.yaml', serializePlatformConfig(config)))).toEqual(config);
    expect(loadPlatformConfigFile(write('platform.yml', serializePlatformConfig(config)))).toEqual(config);
    expect(loadPlatformConfigFile(write('platform.json', JSON.stringify(config)))).toEqual(config);
  });

  it('names the file and the field', () => {
    const config = structuredClone(base);
    config.clients[3]!.member = '000.00.99.H56';
    const path = write('bad.yaml', serializePlatformConfig(config));
    expect(() => loadPlatformConfigFile(path)).toThrow(`Invalid platform configuration in ${path}`);
    expect(() => loadPlatformConfigFile(path)).toThrow('clients[3].member: agency 000.00.99.H56 is not a member');
  });

  it('reports YAML syntax errors with their line', () => {
    const path = write('broken.yaml', 'platform:\n  role: lgsp\n  code: [unclosed\n');
    expect(() => loadPlatformConfigFile(path)).toThrow(ConfigError);
    expect(() => loadPlatformConfigFile(path)).toThrow(/not valid YAML: .*line/s);
  });

  it('reports a missing file and an unknown extension as configuration errors', () => {
    expect(() => loadPlatformConfigFile(join(dir, 'absent.yaml'))).toThrow(/cannot read the file/);
    expect(() => loadPlatformConfigFile(write('platform.toml', ''))).toThrow(/use a \.yaml, \.yml or \.json file/);
  });

  it('keeps agency codes as strings in YAML', () => {
    const text = serializePlatformConfig(parsePlatformConfig(structuredClone(base)));
    expect(text).toContain('code: 000.00.00.H56');
    expect(text).not.toContain('&'); // no YAML anchors, which would confuse a person editing the file
  });
});
