import { AGENCY_CODE_PATTERN, parseAgencyCode } from './agency-code';
import { generateThanhHoaDemo, NATIONAL_SERVICES, type DemoPlatform } from './demo-config';
import { parsePlatformConfig, serializePlatformConfig, type MemberKind } from './platform-config';
import { Registry } from './registry';
import { setSecretHashCost, verifySecret } from './secrets';

setSecretHashCost(1024);

let demo: DemoPlatform;
beforeAll(async () => {
  demo = await generateThanhHoaDemo();
});

const membersOf = (kind: MemberKind) => demo.config.members.filter((member) => member.kind === kind);

describe('generateThanhHoaDemo', () => {
  it('has the scale of the seed report: 1 province, 21 departments, 27 districts, 635 communes', () => {
    expect(membersOf('province').map((member) => member.code)).toEqual(['000.00.00.H56']);
    expect(membersOf('department')).toHaveLength(21);
    expect(membersOf('district')).toHaveLength(27);
    expect(membersOf('commune')).toHaveLength(635);
    expect(demo.config.members).toHaveLength(1 + 21 + 27 + 635);
  });

  it('codes departments 01–21 and districts 22–48 under the province', () => {
    expect(membersOf('department').map((member) => member.code)).toEqual(
      Array.from({ length: 21 }, (_, index) => `000.00.${String(index + 1).padStart(2, '0')}.H56`),
    );
    expect(membersOf('district').map((member) => member.code)).toEqual(
      Array.from({ length: 27 }, (_, index) => `000.00.${index + 22}.H56`),
    );
    expect(membersOf('department').concat(membersOf('district')).every((member) => member.parent === '000.00.00.H56')).toBe(true);
  });

  it('uses the real names, with their diacritics', () => {
    const departments = membersOf('department').map((member) => member.name);
    expect(departments).toContain('Sở Tư pháp');
    expect(departments).toContain('Sở Lao động - Thương binh và Xã hội');
    expect(departments).toContain('Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp');
    expect(new Set(departments).size).toBe(21);
    const districts = membersOf('district').map((member) => member.name);
    expect(districts.slice(0, 4)).toEqual(['Thành phố Thanh Hóa', 'Thị xã Bỉm Sơn', 'Thị xã Sầm Sơn', 'Thị xã Nghi Sơn']);
    expect(districts).toContain('Huyện Mường Lát');
    expect(districts.filter((name) => name.startsWith('Huyện '))).toHaveLength(23);
    expect(new Set(districts).size).toBe(27);
  });

  it('gives every member a valid code of group H56, at the level its kind calls for', () => {
    const levels: Record<MemberKind, number> = { province: 1, ministry: 1, department: 2, district: 2, commune: 3, unit: 0 };
    for (const member of demo.config.members) {
      expect(member.code).toMatch(AGENCY_CODE_PATTERN);
      const code = parseAgencyCode(member.code);
      expect(code.group).toBe('H56');
      expect(code.level).toBe(levels[member.kind]);
    }
    expect(new Set(demo.config.members.map((member) => member.code)).size).toBe(demo.config.members.length);
  });

  it('files every commune under its own district, in plausible numbers, with unique names per district', () => {
    const districts = new Map(membersOf('district').map((district) => [district.code, district]));
    for (const commune of membersOf('commune')) {
      expect(commune.parent).toBe(parseAgencyCode(commune.code).parent);
      expect(districts.has(commune.parent!)).toBe(true);
      expect(commune.name).toMatch(/^(Xã|Phường|Thị trấn) \S+ \S+$/u);
      expect(commune.code).toMatch(/^000\.\d{2}\.\d{2}\.H56$/);
    }
    const registry = new Registry(demo.config);
    for (const district of districts.values()) {
      const communes = registry.children(district.code);
      expect(communes.length).toBeGreaterThanOrEqual(5);
      expect(communes.length).toBeLessThanOrEqual(50);
      expect(new Set(communes.map((commune) => commune.name)).size).toBe(communes.length);
    }
    expect(registry.children('000.00.22.H56').filter((commune) => commune.name.startsWith('Phường ')).length).toBeGreaterThan(0);
    expect(registry.children('000.00.26.H56').filter((commune) => commune.name.startsWith('Thị trấn ')).length).toBe(1);
  });

  it('issues one document system per department and district and one one-stop shop per district', () => {
    const documentSystems = demo.config.clients.filter((client) => client.id.startsWith('h56-qlvb-'));
    expect(documentSystems).toHaveLength(48);
    expect(documentSystems.every((client) => client.tier === 'silver' && client.groups.includes('document-systems'))).toBe(true);
    expect(documentSystems.every((client) => client.roles.length === 1 && client.roles[0] === 'agency-system')).toBe(true);
    const oneStopShops = demo.config.clients.filter((client) => client.groups.includes('one-stop-shops'));
    expect(oneStopShops).toHaveLength(27);
    expect(oneStopShops.every((client) => client.id.startsWith('h56-motcua-'))).toBe(true);
    expect(demo.config.clients.map((client) => client.id)).toEqual(
      expect.arrayContaining(['h56-qlvb-so-tu-phap', 'h56-qlvb-bim-son', 'h56-motcua-bim-son', 'h56-motcua-dong-son', 'h56-qlvb-van-phong-ubnd-tinh']),
    );
    const portal = demo.config.clients.find((client) => client.id === 'h56-cong-thong-tin-dien-tu');
    expect(portal?.tier).toBe('gold');
    expect(demo.config.clients.filter((client) => client.roles.includes('operator'))).toHaveLength(1);
    expect(demo.config.clients.filter((client) => client.roles.includes('admin'))).toHaveLength(1);
    expect(demo.config.clients).toHaveLength(48 + 27 + 3);
  });

  it('grants as the brief says: ping to all, documents to document systems, cases and national lookups (GET) to one-stop shops', () => {
    const registry = new Registry(demo.config);
    const ask = (clientId: string, service: string, method = 'GET', path = '/x') => registry.isAllowed({ clientId, service, method, path });
    for (const client of demo.config.clients) expect(ask(client.id, 'ping')).toBe(true);
    expect(ask('h56-qlvb-so-tu-phap', 'document-exchange.documents', 'POST')).toBe(true);
    expect(ask('h56-motcua-bim-son', 'document-exchange.documents', 'POST')).toBe(false);
    expect(ask('h56-motcua-bim-son', 'case-tracking.cases', 'POST')).toBe(true);
    expect(ask('h56-qlvb-so-tu-phap', 'case-tracking.cases')).toBe(false);
    for (const service of NATIONAL_SERVICES) {
      expect(ask('h56-motcua-bim-son', service)).toBe(true);
      expect(ask('h56-motcua-bim-son', service, 'POST')).toBe(false);
      expect(ask('h56-qlvb-so-tu-phap', service)).toBe(false);
      expect(registry.service(service)).toMatchObject({ kind: 'request-reply', bodyLogging: 'none' });
    }
    expect(registry.service('ping')).toMatchObject({ kind: 'request-reply', bodyLogging: 'full', provider: '000.00.00.H56' });
    // Request-reply: the sender is answered with its receipt or the reason the package was refused.
    expect(registry.service('document-exchange.documents')).toMatchObject({ kind: 'request-reply', bodyLogging: 'metadata' });
    expect(registry.service('case-tracking.cases')).toMatchObject({ kind: 'request-reply', bodyLogging: 'metadata' });
    expect(ask('h56-operator', 'case-tracking.cases')).toBe(false);
    expect(ask('h56-operator', 'document-exchange.documents', 'GET', '/operations/push')).toBe(true);
    expect(ask('h56-operator', 'document-exchange.documents', 'GET', '/inbox')).toBe(false);
  });

  it('is a configuration the platform boots from, and survives YAML', () => {
    expect(parsePlatformConfig(structuredClone(demo.config))).toEqual(demo.config);
    expect(demo.config.platform).toEqual(expect.objectContaining({ role: 'lgsp', code: '000.00.00.H56', instance: 'lgsp-h56' }));
  });

  it('returns secrets in clear only in the credentials, each matching its client’s hash', async () => {
    expect(demo.credentials).toHaveLength(demo.config.clients.length);
    const text = serializePlatformConfig(demo.config);
    for (const credential of demo.credentials) {
      expect(text).not.toContain(credential.secret);
      const client = demo.config.clients.find((candidate) => candidate.id === credential.clientId)!;
      expect(credential).toMatchObject({ member: client.member, roles: client.roles });
    }
    const registry = new Registry(demo.config);
    const sample = demo.credentials.filter((_, index) => index % 10 === 0);
    for (const credential of sample) expect((await registry.authenticate(credential.clientId, credential.secret))?.id).toBe(credential.clientId);
  });

  it('issues new secrets on every run unless asked to be deterministic', async () => {
    const again = await generateThanhHoaDemo();
    expect(again.credentials[0]!.secret).not.toBe(demo.credentials[0]!.secret);
    expect(again.config.members).toEqual(demo.config.members);
  });

  it('is byte-for-byte stable in deterministic mode, and varies with the seed', async () => {
    const [first, second, other] = await Promise.all([
      generateThanhHoaDemo({ secrets: 'deterministic' }),
      generateThanhHoaDemo({ secrets: 'deterministic' }),
      generateThanhHoaDemo({ secrets: 'deterministic', seed: 'another' }),
    ]);
    expect(serializePlatformConfig(second.config)).toBe(serializePlatformConfig(first.config));
    expect(second.credentials).toEqual(first.credentials);
    expect(other.credentials[0]!.secret).not.toBe(first.credentials[0]!.secret);
    expect(other.config.members.map((member) => member.name)).not.toEqual(first.config.members.map((member) => member.name));
    expect(await verifySecret(first.credentials[5]!.secret, first.config.clients[5]!.secretHash)).toBe(true);
  });
});
