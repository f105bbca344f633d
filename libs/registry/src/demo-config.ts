import { createHash, createHmac } from 'node:crypto';
import {
  parsePlatformConfig,
  type ClientConfig,
  type ClientRole,
  type GrantConfig,
  type MemberConfig,
  type PlatformConfig,
  type ServiceConfig,
} from './platform-config';
import { generateSecret, hashSecret } from './secrets';
import { vietnameseSlug } from './vietnamese-slug';

/**
 * A demo platform for Thanh Hóa (H56) at the scale of its seed report: document software in 48 provincial
 * units and districts (21 departments + 27 districts), 27 districts, 635 communes. Department and district
 * names are real (the 2016–2021 units); commune names are generated and are not real places.
 */

export interface DemoCredential {
  clientId: string;
  secret: string;
  member: string;
  roles: ClientRole[];
}

export interface DemoPlatform {
  config: PlatformConfig;
  /** The only place secrets appear in clear; the config holds their hashes. */
  credentials: DemoCredential[];
}

export interface DemoOptions {
  /** Varies the generated commune names and, in deterministic mode, the secrets. */
  seed?: string;
  /**
   * `random` (the default) for anything a person will run; `deterministic` derives secrets and salts from the
   * seed, so that the same seed yields byte-identical output (fixtures, golden files) — never for a real deployment.
   */
  secrets?: 'random' | 'deterministic';
}

export const DEMO_DEFAULT_SEED = 'lgsp-h56-demo';

export const DOCUMENT_SYSTEMS_GROUP = 'document-systems';
export const ONE_STOP_SHOPS_GROUP = 'one-stop-shops';
/** Every demo client is in it, so that one grant lets everyone call `ping`. */
export const ALL_CLIENTS_GROUP = 'all-clients';

export const NATIONAL_SERVICES = [
  'national.population',
  'national.business-registry',
  'national.social-insurance',
  'national.land',
  'national.budget-units',
] as const;

const PROVINCE_GROUP = 'H56';
const PROVINCE_CODE = `000.00.00.${PROVINCE_GROUP}`;
const CLIENT_PREFIX = PROVINCE_GROUP.toLowerCase();

/** `slugFrom` shortens the one name whose slug would make a client id longer than the 64 characters allowed. */
const DEPARTMENTS: readonly { name: string; slugFrom?: string }[] = [
  { name: 'Sở Nội vụ' },
  { name: 'Sở Tư pháp' },
  { name: 'Sở Kế hoạch và Đầu tư' },
  { name: 'Sở Tài chính' },
  { name: 'Sở Công Thương' },
  { name: 'Sở Nông nghiệp và Phát triển nông thôn' },
  { name: 'Sở Giao thông vận tải' },
  { name: 'Sở Xây dựng' },
  { name: 'Sở Tài nguyên và Môi trường' },
  { name: 'Sở Thông tin và Truyền thông' },
  { name: 'Sở Lao động - Thương binh và Xã hội' },
  { name: 'Sở Văn hóa, Thể thao và Du lịch' },
  { name: 'Sở Khoa học và Công nghệ' },
  { name: 'Sở Giáo dục và Đào tạo' },
  { name: 'Sở Y tế' },
  { name: 'Thanh tra tỉnh' },
  { name: 'Văn phòng UBND tỉnh' },
  { name: 'Ban Dân tộc' },
  { name: 'Sở Ngoại vụ' },
  { name: 'Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp', slugFrom: 'Ban Quản lý KKT Nghi Sơn' },
  { name: 'Văn phòng Đoàn ĐBQH và HĐND tỉnh' },
];

type DistrictType = 'Thành phố' | 'Thị xã' | 'Huyện';

/**
 * The 27 district-level units of 2016–2021 in code order (city, towns, then districts alphabetically).
 * Commune counts are plausible, not official: they sum to the 635 of the seed report.
 */
const DISTRICTS: readonly { type: DistrictType; place: string; communes: number }[] = [
  { type: 'Thành phố', place: 'Thanh Hóa', communes: 37 },
  { type: 'Thị xã', place: 'Bỉm Sơn', communes: 8 },
  { type: 'Thị xã', place: 'Sầm Sơn', communes: 11 },
  { type: 'Thị xã', place: 'Nghi Sơn', communes: 30 },
  { type: 'Huyện', place: 'Bá Thước', communes: 23 },
  { type: 'Huyện', place: 'Cẩm Thủy', communes: 20 },
  { type: 'Huyện', place: 'Đông Sơn', communes: 16 },
  { type: 'Huyện', place: 'Hà Trung', communes: 25 },
  { type: 'Huyện', place: 'Hậu Lộc', communes: 27 },
  { type: 'Huyện', place: 'Hoằng Hóa', communes: 41 },
  { type: 'Huyện', place: 'Lang Chánh', communes: 11 },
  { type: 'Huyện', place: 'Mường Lát', communes: 9 },
  { type: 'Huyện', place: 'Nga Sơn', communes: 27 },
  { type: 'Huyện', place: 'Ngọc Lặc', communes: 22 },
  { type: 'Huyện', place: 'Như Thanh', communes: 17 },
  { type: 'Huyện', place: 'Như Xuân', communes: 18 },
  { type: 'Huyện', place: 'Nông Cống', communes: 33 },
  { type: 'Huyện', place: 'Quan Hóa', communes: 18 },
  { type: 'Huyện', place: 'Quan Sơn', communes: 13 },
  { type: 'Huyện', place: 'Quảng Xương', communes: 36 },
  { type: 'Huyện', place: 'Thạch Thành', communes: 28 },
  { type: 'Huyện', place: 'Thiệu Hóa', communes: 28 },
  { type: 'Huyện', place: 'Thọ Xuân', communes: 39 },
  { type: 'Huyện', place: 'Thường Xuân', communes: 17 },
  { type: 'Huyện', place: 'Triệu Sơn', communes: 36 },
  { type: 'Huyện', place: 'Vĩnh Lộc', communes: 16 },
  { type: 'Huyện', place: 'Yên Định', communes: 29 },
];

const FIRST_DISTRICT_NUMBER = DEPARTMENTS.length + 1;

// Syllables common in northern-central place names; pairs of them read like plausible commune names.
const PLACE_SYLLABLES = [
  'An', 'Bình', 'Hòa', 'Phú', 'Thịnh', 'Lộc', 'Xuân', 'Hưng', 'Tân', 'Minh', 'Quang', 'Đông', 'Tây', 'Nam',
  'Bắc', 'Trung', 'Thành', 'Long', 'Phúc', 'Thọ', 'Yên', 'Vĩnh', 'Định', 'Hải', 'Sơn', 'Thủy', 'Lâm', 'Cát',
  'Đức', 'Nghĩa', 'Tiến', 'Thắng', 'Lợi', 'Khánh', 'Hợp', 'Thuận', 'Mỹ', 'Ninh', 'Phong', 'Quý', 'Hoa', 'Trường',
  'Thái', 'Hạnh', 'Lạc', 'Châu', 'Hà', 'Giang', 'Vân', 'Tường', 'Kiên', 'Đạt', 'Ngọc', 'Thanh', 'Hiền', 'Cường',
];

export async function generateThanhHoaDemo(options: DemoOptions = {}): Promise<DemoPlatform> {
  const seed = options.seed ?? DEMO_DEFAULT_SEED;
  const deterministic = options.secrets === 'deterministic';
  const random = seededRandom(seed);

  const province: MemberConfig = { code: PROVINCE_CODE, name: 'UBND tỉnh Thanh Hóa', kind: 'province' };
  const departments: MemberConfig[] = DEPARTMENTS.map((department, index) => ({
    code: levelTwoCode(index + 1),
    name: department.name,
    kind: 'department',
    parent: PROVINCE_CODE,
  }));
  const districts: MemberConfig[] = DISTRICTS.map((district, index) => ({
    code: levelTwoCode(FIRST_DISTRICT_NUMBER + index),
    name: `${district.type} ${district.place}`,
    kind: 'district',
    parent: PROVINCE_CODE,
  }));
  const communes: MemberConfig[] = DISTRICTS.flatMap((district, index) =>
    communeNames(district.type, district.communes, random).map((name, communeIndex) => ({
      code: `000.${twoDigits(communeIndex + 1)}.${twoDigits(FIRST_DISTRICT_NUMBER + index)}.${PROVINCE_GROUP}`,
      name,
      kind: 'commune' as const,
      parent: districts[index]!.code,
    })),
  );

  const clientSpecs: ClientSpec[] = [
    ...departments.map((department, index) => documentSystem(department, vietnameseSlug(DEPARTMENTS[index]!.slugFrom ?? department.name))),
    ...districts.map((district, index) => documentSystem(district, vietnameseSlug(DISTRICTS[index]!.place))),
    ...districts.map((district, index) => ({
      id: `${CLIENT_PREFIX}-motcua-${vietnameseSlug(DISTRICTS[index]!.place)}`,
      member: district.code,
      name: `Hệ thống một cửa điện tử — ${district.name}`,
      tier: 'silver',
      roles: ['agency-system'] satisfies ClientRole[],
      groups: [ONE_STOP_SHOPS_GROUP, ALL_CLIENTS_GROUP],
    })),
    {
      id: `${CLIENT_PREFIX}-cong-thong-tin-dien-tu`,
      member: PROVINCE_CODE,
      name: 'Cổng thông tin điện tử tỉnh Thanh Hóa',
      tier: 'gold',
      roles: ['agency-system'],
      groups: [ALL_CLIENTS_GROUP],
    },
    {
      id: `${CLIENT_PREFIX}-operator`,
      member: PROVINCE_CODE,
      name: 'Vận hành LGSP tỉnh Thanh Hóa',
      tier: 'unlimited',
      roles: ['operator'],
      groups: [ALL_CLIENTS_GROUP],
    },
    {
      id: `${CLIENT_PREFIX}-admin`,
      member: PROVINCE_CODE,
      name: 'Quản trị LGSP tỉnh Thanh Hóa',
      tier: 'unlimited',
      roles: ['admin'],
      groups: [ALL_CLIENTS_GROUP],
    },
  ];

  const issued = await Promise.all(
    clientSpecs.map(async (spec) => {
      const secret = deterministic ? derived(seed, `secret:${spec.id}`).toString('base64url') : generateSecret();
      const salt = deterministic ? derived(seed, `salt:${spec.id}`).subarray(0, 16) : undefined;
      const client: ClientConfig = { ...spec, secretHash: await hashSecret(secret, { salt }), enabled: true };
      const credential: DemoCredential = { clientId: spec.id, secret, member: spec.member, roles: [...spec.roles] };
      return { client, credential };
    }),
  );

  const portal = clientSpecs.find((spec) => spec.id.endsWith('-cong-thong-tin-dien-tu'))!;
  const operator = clientSpecs.find((spec) => spec.id.endsWith('-operator'))!;
  const config: PlatformConfig = {
    platform: {
      role: 'lgsp',
      code: PROVINCE_CODE,
      name: 'Nền tảng tích hợp, chia sẻ dữ liệu tỉnh Thanh Hóa',
      instance: 'lgsp-h56',
    },
    tiers: {
      bronze: { requestsPerMinute: 1000 },
      silver: { requestsPerMinute: 2000 },
      gold: { requestsPerMinute: 5000 },
      unlimited: { requestsPerMinute: 0 },
    },
    members: [province, ...departments, ...districts, ...communes],
    clients: issued.map(({ client }) => client),
    services: demoServices(),
    grants: [
      { service: 'ping', group: ALL_CLIENTS_GROUP },
      { service: 'document-exchange.documents', group: DOCUMENT_SYSTEMS_GROUP },
      // Operators watch pushes that fail; they read no agency's documents.
      { service: 'document-exchange.documents', client: operator.id, methods: ['GET'], paths: ['/operations'] },
      { service: 'case-tracking.cases', group: ONE_STOP_SHOPS_GROUP },
      // Citizens look up their case on the provincial portal: the public view and the catalog, never a case in full
      // (the portal's agency is the province, which case tracking would otherwise let read every case).
      { service: 'case-tracking.cases', client: portal.id, methods: ['GET'], paths: ['/lookup', '/procedures'] },
      // Operators watch the national-portal sync and the statistics; they read no case.
      { service: 'case-tracking.cases', client: operator.id, methods: ['GET'], paths: ['/operations', '/statistics'] },
      ...NATIONAL_SERVICES.map((service): GrantConfig => ({ service, group: ONE_STOP_SHOPS_GROUP, methods: ['GET'] })),
    ],
  };

  // The generator is only useful if its output boots; failing here names the generator's bug, not the user's file.
  return { config: parsePlatformConfig(config, 'generateThanhHoaDemo'), credentials: issued.map(({ credential }) => credential) };
}

type ClientSpec = Omit<ClientConfig, 'secretHash' | 'enabled'>;

function documentSystem(member: MemberConfig, slug: string): ClientSpec {
  return {
    id: `${CLIENT_PREFIX}-qlvb-${slug}`,
    member: member.code,
    name: `Hệ thống quản lý văn bản và điều hành — ${member.name}`,
    tier: 'silver',
    roles: ['agency-system'],
    groups: [DOCUMENT_SYSTEMS_GROUP, ALL_CLIENTS_GROUP],
  };
}

function demoServices(): ServiceConfig[] {
  // The province is the provider of the national lookups too: from the LGSP's side, the connectors it hosts
  // answer them, and the national bodies behind NGSP are not members of a provincial registry.
  const national = (code: string, name: string): ServiceConfig => ({
    code,
    provider: PROVINCE_CODE,
    name,
    kind: 'request-reply',
    bodyLogging: 'none',
    timeoutMs: 15_000,
  });
  return [
    { code: 'ping', provider: PROVINCE_CODE, name: 'Kiểm tra kết nối', kind: 'request-reply', bodyLogging: 'full', timeoutMs: 5_000 },
    {
      code: 'document-exchange.documents',
      provider: PROVINCE_CODE,
      name: 'Liên thông văn bản điện tử',
      // Request/reply, not an event: a package is validated before it is accepted, and the sender hears why not.
      kind: 'request-reply',
      bodyLogging: 'metadata',
      timeoutMs: 10_000,
    },
    {
      code: 'case-tracking.cases',
      provider: PROVINCE_CODE,
      name: 'Theo dõi hồ sơ một cửa',
      kind: 'request-reply',
      bodyLogging: 'metadata',
      timeoutMs: 10_000,
    },
    national('national.population', 'Cơ sở dữ liệu quốc gia về dân cư'),
    national('national.business-registry', 'Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp'),
    national('national.social-insurance', 'Cơ sở dữ liệu quốc gia về bảo hiểm'),
    national('national.land', 'Cơ sở dữ liệu quốc gia về đất đai'),
    national('national.budget-units', 'Danh mục mã số đơn vị có quan hệ với ngân sách'),
  ];
}

/** A city is mostly wards, a town about half, a rural district has one township at its seat and otherwise communes. */
function communeNames(type: DistrictType, count: number, random: () => number): string[] {
  const urban = type === 'Thành phố' ? Math.round(count * 0.6) : type === 'Thị xã' ? Math.round(count * 0.5) : 0;
  const townships = type === 'Huyện' ? 1 : 0;
  const used = new Set<string>();
  return Array.from({ length: count }, (_, index) => {
    const prefix = index < urban ? 'Phường' : index < urban + townships ? 'Thị trấn' : 'Xã';
    let place: string;
    do {
      const first = pick(PLACE_SYLLABLES, random);
      let second = pick(PLACE_SYLLABLES, random);
      while (second === first) second = pick(PLACE_SYLLABLES, random);
      place = `${first} ${second}`;
    } while (used.has(place));
    used.add(place);
    return `${prefix} ${place}`;
  });
}

function levelTwoCode(number: number): string {
  return `000.00.${twoDigits(number)}.${PROVINCE_GROUP}`;
}

function twoDigits(number: number): string {
  return String(number).padStart(2, '0');
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

function derived(seed: string, label: string): Buffer {
  return createHmac('sha256', seed).update(label).digest();
}

/** mulberry32: small, fast and, unlike Math.random, reproducible from a seed (demo data and synthetic history). */
export function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
