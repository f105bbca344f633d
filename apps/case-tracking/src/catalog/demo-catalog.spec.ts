import { generateThanhHoaDemo, Registry, setSecretHashCost, type MemberConfig, type PlatformConfig } from '@lgsp/registry';
import { generateDemoCatalog } from './demo-catalog';
import { checkProcedure, parseProcedureCode, type Procedure } from './procedure';
import { ProcedureCatalog } from './procedure-catalog';

// Hashing the demo's client secrets is not what these tests are about; a small scrypt cost keeps beforeAll short.
setSecretHashCost(1024);

const PROVINCE = '000.00.00.H56';
const TU_PHAP = '000.00.02.H56';

let registry: Registry;
let procedures: Procedure[];
let catalog: ProcedureCatalog;

beforeAll(async () => {
  registry = new Registry((await generateThanhHoaDemo({ secrets: 'deterministic' })).config);
  procedures = generateDemoCatalog(registry);
  catalog = new ProcedureCatalog(procedures, registry);
});

const ofTier = (tier: Procedure['tier']) => procedures.filter((procedure) => procedure.tier === tier);
const receivedBy = (department: string) =>
  procedures.filter((procedure) => procedure.receivers.scope === 'agencies' && procedure.receivers.agencies.includes(department));

describe('generateDemoCatalog with the Thanh Hóa demo registry', () => {
  it('has the seed reports’ scale: 1,519 province, 383 district and 179 commune procedures; 52 at level 3 and 1,144 at level 4', () => {
    expect(catalog.counts()).toEqual({
      total: 2081,
      byTier: { province: 1519, district: 383, commune: 179 },
      byLevel: { 1: 15, 2: 870, 3: 52, 4: 1144 },
      // 36 level-4 procedures were classed partly online under Decree 42; the mode is kept apart from the level.
      byOnlineMode: { 'toan-trinh': 1108, 'mot-phan': 88, 'truc-tiep': 885 },
    });
  });

  it('is deterministic: the same seed gives an equal catalog, another seed a different one of the same scale', () => {
    expect(generateDemoCatalog(registry)).toEqual(procedures);
    expect(generateDemoCatalog(registry, 'lgsp-h56-demo')).toEqual(procedures);
    const other = generateDemoCatalog(registry, 'another-seed');
    expect(other).not.toEqual(procedures);
    // Not a cosmetic difference: most procedures get another code.
    const codes = new Set(procedures.map((procedure) => procedure.code));
    expect(other.filter((procedure) => codes.has(procedure.code)).length).toBeLessThan(procedures.length / 2);
    expect(new ProcedureCatalog(other, registry).counts()).toEqual(catalog.counts());
  });

  it('passes the schema procedure by procedure (the catalog constructor also checked them against the registry)', () => {
    const failures = procedures.map((procedure, index) => checkProcedure(procedure, `procedures[${index}]`)).filter((checked) => !checked.ok);
    expect(failures).toEqual([]);
  });

  it('publishes every procedure from the province, under distinct national numbers and distinct names', () => {
    for (const procedure of procedures) {
      expect(procedure.code).toMatch(/^1\.\d{6}\.000\.00\.00\.H56$/);
      expect(parseProcedureCode(procedure.code)?.publisher).toBe(PROVINCE);
    }
    expect(new Set(procedures.map((procedure) => procedure.code)).size).toBe(2081);
    expect(new Set(procedures.map((procedure) => procedure.name)).size).toBe(2081);
  });

  it('gives every department some province-tier procedures, many to the big departments and few to the small ones', () => {
    const departments = registry.members().filter((member) => member.kind === 'department');
    const share = (name: string) => receivedBy(departments.find((department) => department.name === name)!.code).length;
    for (const department of departments) expect(receivedBy(department.code).length).toBeGreaterThan(0);
    const big = [
      'Sở Tư pháp',
      'Sở Kế hoạch và Đầu tư',
      'Sở Tài nguyên và Môi trường',
      'Sở Xây dựng',
      'Sở Giao thông vận tải',
      'Sở Y tế',
      'Sở Giáo dục và Đào tạo',
      'Sở Lao động - Thương binh và Xã hội',
      'Sở Công Thương',
      'Sở Nông nghiệp và Phát triển nông thôn',
    ];
    const small = ['Thanh tra tỉnh', 'Văn phòng UBND tỉnh', 'Ban Dân tộc', 'Sở Ngoại vụ', 'Văn phòng Đoàn ĐBQH và HĐND tỉnh'];
    expect(Math.min(...big.map(share))).toBeGreaterThanOrEqual(50);
    expect(Math.max(...small.map(share))).toBeLessThanOrEqual(10);
    expect(ofTier('province').every((procedure) => procedure.receivers.scope === 'agencies' && procedure.receivers.agencies.length === 1)).toBe(true);
  });

  it('files the justice department’s procedures under its real fields, with real-sounding names', () => {
    const fields = new Set(procedures.filter((procedure) => procedure.field.code.startsWith('TP-')).map((procedure) => procedure.field.name));
    for (const name of ['Hộ tịch', 'Chứng thực', 'Quốc tịch', 'Lý lịch tư pháp', 'Luật sư', 'Công chứng']) expect(fields).toContain(name);
    const names = new Set(procedures.map((procedure) => procedure.name));
    expect(names).toContain('Cấp bản sao trích lục hộ tịch');
    expect(names).toContain('Đăng ký thành lập doanh nghiệp tư nhân');
    expect(names).toContain('Cấp giấy phép xây dựng nhà ở riêng lẻ');
    expect(names).toContain('Đăng ký khai sinh');
    expect(procedures.find((procedure) => procedure.name === 'Đăng ký khai sinh')?.tier).toBe('commune');
    expect(procedures.find((procedure) => procedure.name === 'Cấp giấy phép xây dựng nhà ở riêng lẻ')?.tier).toBe('district');
    expect(receivedBy(TU_PHAP).map((procedure) => procedure.field.name)).toContain('Lý lịch tư pháp');
  });

  it('uses short field codes without spaces, each with one name', () => {
    const nameOf = new Map<string, Set<string>>();
    for (const { field } of procedures) nameOf.set(field.code, (nameOf.get(field.code) ?? new Set()).add(field.name));
    expect(nameOf.size).toBeGreaterThan(60);
    for (const [code, names] of nameOf) {
      expect(code).toMatch(/^\S{2,16}$/);
      expect([code, names.size]).toEqual([code, 1]);
    }
  });

  it('keeps time limits realistic: mostly 1–20 days, about one in ten in calendar days, hand-back often the same day', () => {
    const within = procedures.filter((procedure) => procedure.processingDays >= 1 && procedure.processingDays <= 20).length;
    expect(within / procedures.length).toBeGreaterThan(0.8);
    expect(procedures.every((procedure) => procedure.processingDays >= 1)).toBe(true);
    const calendar = procedures.filter((procedure) => procedure.dayKind === 'calendar').length / procedures.length;
    expect(calendar).toBeGreaterThan(0.05);
    expect(calendar).toBeLessThan(0.15);
    expect(procedures.filter((procedure) => procedure.steps.at(-1)!.days === 0).length / procedures.length).toBeGreaterThan(0.5);
  });

  it('plans province-tier cases at the receiving department, sometimes with another department’s opinion or the province’s approval', () => {
    const fixed = ofTier('province').flatMap((procedure) =>
      procedure.steps.flatMap((step) => (typeof step.handler === 'object' ? [{ procedure, agency: step.handler.agency }] : [])),
    );
    const byProvince = fixed.filter(({ agency }) => agency === PROVINCE).length;
    const byOtherDepartment = fixed.filter(({ procedure, agency }) => agency !== PROVINCE && registry.member(agency)?.kind === 'department' && procedure.receivers.scope === 'agencies' && !procedure.receivers.agencies.includes(agency)).length;
    expect(byProvince).toBeGreaterThan(100);
    expect(byOtherDepartment).toBeGreaterThan(100);
    expect(byProvince + byOtherDepartment).toBe(fixed.length);
    expect(byProvince + byOtherDepartment).toBeLessThan(ofTier('province').length / 2);
    expect(ofTier('province').some((procedure) => procedure.steps.some((step) => step.handler === 'district'))).toBe(false);
  });

  it('opens many district-tier procedures to communes, which forward to their district; commune-tier ones stay at the commune or go via its district', () => {
    const scopes = ofTier('district').map((procedure) => procedure.receivers.scope);
    const viaCommunes = scopes.filter((scope) => scope === 'districts-and-communes').length;
    expect(viaCommunes).toBeGreaterThan(383 * 0.25);
    expect(scopes.filter((scope) => scope === 'districts').length).toBeGreaterThan(383 * 0.25);
    expect(ofTier('commune').every((procedure) => procedure.receivers.scope === 'communes')).toBe(true);
    const communeHandlers = new Set(ofTier('commune').flatMap((procedure) => procedure.steps.map((step) => JSON.stringify(step.handler))));
    expect([...communeHandlers].sort()).toEqual(['"district"', '"receiver"']);
  });

  it('resolves every procedure’s plan for an agency that may receive it, the rows adding up to the time limit', () => {
    const commune = registry.members().find((member) => member.kind === 'commune')!;
    const district = registry.member(commune.parent!)!;
    for (const procedure of procedures) {
      const receiver =
        procedure.receivers.scope === 'agencies' ? procedure.receivers.agencies[0]! : procedure.receivers.scope === 'districts' ? district.code : commune.code;
      const plan = catalog.plan(procedure, receiver);
      expect([procedure.code, plan.steps.reduce((sum, step) => sum + step.days, 0)]).toEqual([procedure.code, procedure.processingDays]);
      expect(plan.steps[0]!.agency).toBe(receiver);
      expect(plan.steps.at(-1)!.agency).toBe(receiver);
      if (procedure.receivers.scope === 'districts-and-communes') {
        expect(plan.agencies).toEqual([commune.code, district.code]);
        expect(plan.steps.map((step) => step.agency)).toEqual([commune.code, district.code, commune.code]);
      }
    }
  });

  it('answers the listing by tier, level and receiving agency over the whole catalog', () => {
    expect(catalog.list({ tier: 'commune', limit: 1 }).total).toBe(179);
    expect(catalog.list({ level: 3, limit: 1 }).total).toBe(52);
    expect(catalog.list({ tier: 'province', level: 4, limit: 1 }).total).toBe(ofTier('province').filter((procedure) => procedure.level === 4).length);
    const commune = registry.members().find((member) => member.kind === 'commune')!.code;
    const open = ofTier('district').filter((procedure) => procedure.receivers.scope === 'districts-and-communes').length;
    expect(catalog.list({ agency: commune, limit: 1 }).total).toBe(179 + open);
    expect(catalog.list({ agency: TU_PHAP, limit: 1 }).total).toBe(receivedBy(TU_PHAP).length);
  });
});

describe('generateDemoCatalog with another province', () => {
  const H22 = '000.00.00.H22';
  const member = (code: string, name: string, kind: MemberConfig['kind'], parent?: string): MemberConfig => ({ code, name, kind, ...(parent ? { parent } : {}) });
  const config = (members: MemberConfig[]): PlatformConfig => ({
    platform: { role: 'lgsp', code: H22, name: 'Nền tảng tích hợp, chia sẻ dữ liệu tỉnh Quảng Ninh', instance: 'lgsp-h22' },
    tiers: {},
    members,
    clients: [],
    services: [],
    grants: [],
  });

  it('derives publisher, receivers and fields from that registry, and gives unknown departments a field of their own', () => {
    const other = new Registry(
      config([
        member(H22, 'UBND tỉnh Quảng Ninh', 'province'),
        member('000.00.01.H22', 'Sở Tư pháp', 'department', H22),
        member('000.00.02.H22', 'Sở Du lịch', 'department', H22),
        member('000.00.03.H22', 'Ban Quản lý vịnh Hạ Long', 'department', H22),
        member('000.00.04.H22', 'Thành phố Hạ Long', 'district', H22),
        member('000.01.04.H22', 'Phường Bạch Đằng', 'commune', '000.00.04.H22'),
      ]),
    );
    const generated = generateDemoCatalog(other);
    const built = new ProcedureCatalog(generated, other);
    expect(built.counts().byTier).toEqual({ province: 1519, district: 383, commune: 179 });
    expect(built.counts().byLevel).toEqual({ 1: 15, 2: 870, 3: 52, 4: 1144 });
    expect(generated.every((procedure) => procedure.code.endsWith('.000.00.00.H22'))).toBe(true);
    const fieldsOf = (code: string) =>
      new Set(generated.filter((procedure) => procedure.receivers.scope === 'agencies' && procedure.receivers.agencies[0] === code).map((procedure) => procedure.field.name));
    expect(fieldsOf('000.00.01.H22')).toContain('Hộ tịch');
    expect(fieldsOf('000.00.02.H22')).toContain('Du lịch');
    expect([...fieldsOf('000.00.03.H22')]).toEqual(['Quản lý vịnh Hạ Long']);
    expect(built.plan(generated.find((procedure) => procedure.receivers.scope === 'districts-and-communes')!, '000.01.04.H22').agencies).toEqual([
      '000.01.04.H22',
      '000.00.04.H22',
    ]);
  });

  it('shares the province tier evenly among departments whose names it does not know', () => {
    const other = new Registry(
      config([
        member(H22, 'UBND tỉnh Quảng Ninh', 'province'),
        member('000.00.01.H22', 'Ban Quản lý vịnh Hạ Long', 'department', H22),
        member('000.00.02.H22', 'Ban Quản lý Khu di tích Yên Tử', 'department', H22),
        member('000.00.03.H22', 'Trung tâm Phục vụ hành chính công', 'department', H22),
      ]),
    );
    const generated = generateDemoCatalog(other);
    const shares = ['000.00.01.H22', '000.00.02.H22', '000.00.03.H22'].map(
      (code) => generated.filter((procedure) => procedure.receivers.scope === 'agencies' && procedure.receivers.agencies[0] === code).length,
    );
    expect(shares).toEqual([507, 506, 506]);
    expect(() => new ProcedureCatalog(generated, other)).not.toThrow();
  });

  it('refuses a registry without departments, naming the province', () => {
    const bare = new Registry(config([member(H22, 'UBND tỉnh Quảng Ninh', 'province')]));
    expect(() => generateDemoCatalog(bare)).toThrow('The demo catalog needs departments under UBND tỉnh Quảng Ninh (000.00.00.H22)');
  });
});
