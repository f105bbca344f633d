import {
  formatPersonalId,
  provinceAddressName,
  PROVINCES,
  type EnterpriseCode,
  type HealthInsuranceCard,
  type LandParcelRef,
  type PersonalId,
  type Province,
  type Sex,
} from '@lgsp/identifiers';
import { Draw } from './draw';
import { address, brandName, personName, placeName, weightedPick, type Address } from './vietnamese';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a day counted from 1 January of `year`. */
function isoDay(year: number, dayOfYear: number): string {
  return new Date(Date.UTC(year, 0, 1) + dayOfYear * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A day of `year`, never after `today`: for the current year the draw only covers the days already gone, so a
 * person born this year is not born tomorrow. (Such records change as the year goes on; earlier years never do.)
 */
function dayIn(draw: Draw, year: number, today: Date): string {
  const daysInYear = (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / DAY_MS;
  const available = year === today.getUTCFullYear() ? Math.floor((today.getTime() - Date.UTC(year, 0, 1)) / DAY_MS) + 1 : daysInYear;
  return isoDay(year, draw.int(0, Math.max(1, available) - 1));
}

function yearBetween(draw: Draw, from: number, to: number, today: Date): string {
  const year = draw.int(from, Math.max(from, to));
  return dayIn(draw, year, today);
}

function otherSex(sex: Sex): Sex {
  return sex === 'male' ? 'female' : 'male';
}

const ETHNICITIES = ['Kinh', 'Tày', 'Thái', 'Mường', 'Khmer', 'Hoa', 'Nùng', "H'Mông", 'Dao', 'Gia Rai'];
const ETHNICITY_WEIGHTS = [85, 2, 2, 2, 2, 1, 1, 1, 1, 1];
const RELIGIONS = ['Không', 'Phật giáo', 'Công giáo', 'Cao Đài', 'Phật giáo Hòa Hảo', 'Tin Lành'];
const RELIGION_WEIGHTS = [80, 8, 7, 2, 2, 1];

export interface CitizenRecord {
  personalId: string;
  fullName: string;
  birthDate: string;
  sex: Sex;
  birthRegistration: { provinceCode: string; province: string };
  hometown: string;
  permanentResidence: Address;
  temporaryResidence: Address | null;
  ethnicity: string;
  religion: string;
  nationality: 'Việt Nam';
  household: { headName: string; relationToHead: string; memberCount: number };
}

/** Birth year, sex and province of birth registration come from the number; everything else from its hash. */
export function citizenRecord(seed: string, id: PersonalId, today: Date): CitizenRecord {
  const draw = Draw.for(seed, 'population', id.value);
  const fullName = personName(draw, id.sex);
  const birthDate = dayIn(draw, id.birthYear, today);
  // Most people still live in the province where their birth was registered.
  const homeProvince = draw.chance(0.8) ? id.province : draw.pick(PROVINCES);
  const permanentResidence = address(draw, homeProvince);
  const temporaryResidence = draw.chance(0.2) ? address(draw, draw.pick(PROVINCES)) : null;
  const hometown = `${placeName(draw)}, ${draw.chance(0.7) ? id.province.name : draw.pick(PROVINCES).name}`;
  const ethnicity = weightedPick(draw, ETHNICITIES, ETHNICITY_WEIGHTS);
  const religion = weightedPick(draw, RELIGIONS, RELIGION_WEIGHTS);
  const age = today.getUTCFullYear() - id.birthYear;
  const isHead = age >= 25 && draw.chance(0.45);
  const relationToHead = isHead ? 'Chủ hộ' : age < 25 ? 'Con' : draw.pick(id.sex === 'male' ? ['Chồng', 'Con', 'Bố'] : ['Vợ', 'Con', 'Mẹ']);
  const headName = isHead ? fullName : personName(draw, relationToHead === 'Vợ' ? 'male' : relationToHead === 'Chồng' ? 'female' : draw.chance(0.7) ? 'male' : 'female');
  return {
    personalId: id.value,
    fullName,
    birthDate,
    sex: id.sex,
    birthRegistration: { provinceCode: id.value.slice(0, 3), province: id.province.name },
    hometown,
    permanentResidence,
    temporaryResidence,
    ethnicity,
    religion,
    nationality: 'Việt Nam',
    // Someone who is not the head lives with at least the head.
    household: { headName, relationToHead, memberCount: isHead ? draw.int(1, 7) : draw.int(2, 8) },
  };
}

const ENTERPRISE_TYPES = [
  { type: 'Công ty trách nhiệm hữu hạn một thành viên', prefix: 'Công ty TNHH' },
  { type: 'Công ty trách nhiệm hữu hạn hai thành viên trở lên', prefix: 'Công ty TNHH' },
  { type: 'Công ty cổ phần', prefix: 'Công ty Cổ phần' },
  { type: 'Doanh nghiệp tư nhân', prefix: 'Doanh nghiệp tư nhân' },
];
/** VSIC 2018 four-digit classes (names shortened). */
const BUSINESS_LINES = [
  { code: '4101', name: 'Xây dựng nhà để ở' },
  { code: '4102', name: 'Xây dựng nhà không để ở' },
  { code: '4620', name: 'Bán buôn nông, lâm sản nguyên liệu' },
  { code: '4663', name: 'Bán buôn vật liệu, thiết bị lắp đặt khác trong xây dựng' },
  { code: '4933', name: 'Vận tải hàng hóa bằng đường bộ' },
  { code: '5510', name: 'Dịch vụ lưu trú ngắn ngày' },
  { code: '5610', name: 'Nhà hàng và các dịch vụ ăn uống phục vụ lưu động' },
  { code: '6201', name: 'Lập trình máy vi tính' },
  { code: '6202', name: 'Tư vấn máy vi tính và quản trị hệ thống máy vi tính' },
  { code: '7020', name: 'Hoạt động tư vấn quản lý' },
  { code: '1079', name: 'Sản xuất thực phẩm khác chưa được phân vào đâu' },
  { code: '0322', name: 'Nuôi trồng thủy sản nội địa' },
];
const ENTERPRISE_STATUSES = ['Đang hoạt động', 'Tạm ngừng kinh doanh', 'Đã giải thể'];

export interface EnterpriseRecord {
  enterpriseCode: string;
  parentEnterpriseCode: string | null;
  name: string;
  type: string;
  foundedOn: string;
  status: string;
  charterCapitalVnd: number | null;
  headOffice: Address;
  businessLines: { code: string; name: string; main: boolean }[];
  legalRepresentative: { fullName: string; position: string };
  members: { fullName: string; sharePercent: number }[];
}

/** The enterprise's code is the one asked for; a branch takes its parent's name and type, drawn from the parent's code. */
export function enterpriseRecord(seed: string, code: EnterpriseCode, today: Date): EnterpriseRecord {
  const parent = Draw.for(seed, 'business', code.enterpriseCode);
  const kind = parent.pick(ENTERPRISE_TYPES);
  const brand = brandName(parent);
  const parentFounded = yearBetween(parent, 1995, today.getUTCFullYear() - 1, today);
  const parentProvince = parent.pick(PROVINCES);
  const parentName = `${kind.prefix} ${brand}`;
  const draw = code.branch ? Draw.for(seed, 'business', code.value) : parent;
  const province = code.branch ? draw.pick(PROVINCES) : parentProvince;
  const lineCount = draw.int(1, 4);
  const lines = [...BUSINESS_LINES];
  const businessLines = Array.from({ length: lineCount }, (_, i) => {
    const [line] = lines.splice(draw.int(0, lines.length - 1), 1);
    return { ...line!, main: i === 0 };
  });
  const memberCount = kind.type.includes('một thành viên') || kind.type.includes('tư nhân') ? 1 : draw.int(2, 5);
  const members = Array.from({ length: memberCount }, () => ({ fullName: personName(draw, draw.chance(0.6) ? 'male' : 'female'), sharePercent: 0 }));
  let left = 100;
  members.forEach((m, i) => {
    m.sharePercent = i === members.length - 1 ? left : draw.int(1, Math.max(1, left - (members.length - 1 - i)));
    left -= m.sharePercent;
  });
  const foundedYear = Number(parentFounded.slice(0, 4));
  return {
    enterpriseCode: code.value,
    parentEnterpriseCode: code.branch ? code.enterpriseCode : null,
    name: code.branch ? `Chi nhánh ${parentName} tại ${province.name}` : parentName,
    type: code.branch ? 'Chi nhánh' : kind.type,
    foundedOn: code.branch ? yearBetween(draw, foundedYear, today.getUTCFullYear(), today) : parentFounded,
    status: weightedPick(draw, ENTERPRISE_STATUSES, [85, 10, 5]),
    charterCapitalVnd: code.branch ? null : draw.int(1, 500) * 100_000_000,
    headOffice: address(draw, province),
    businessLines,
    legalRepresentative: { fullName: members[0]!.fullName, position: code.branch ? 'Giám đốc chi nhánh' : draw.pick(['Giám đốc', 'Tổng giám đốc', 'Chủ tịch hội đồng quản trị']) },
    members: code.branch ? [] : members,
  };
}

const PARTICIPATION_STATUSES = ['Đang tham gia', 'Tạm dừng đóng', 'Dừng tham gia', 'Hưởng lương hưu'];

export interface InsuranceParticipantRecord {
  socialInsuranceCode: string;
  fullName: string;
  /** `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, as precise as `birthDatePrecision` says: old records often lack day or month. */
  birthDate: string;
  birthDatePrecision: 'day' | 'month' | 'year';
  sex: Sex;
  registered: { province: string; district: string; commune: string };
  status: string;
}

export function insuranceParticipantRecord(seed: string, socialInsuranceCode: string, today: Date): InsuranceParticipantRecord {
  const draw = Draw.for(seed, 'insurance', socialInsuranceCode);
  const sex: Sex = draw.chance(0.5) ? 'male' : 'female';
  const full = yearBetween(draw, 1950, today.getUTCFullYear(), today);
  const birthDatePrecision = weightedPick(draw, ['day', 'month', 'year'] as const, [90, 3, 7]);
  const place = address(draw, draw.pick(PROVINCES));
  return {
    socialInsuranceCode,
    fullName: personName(draw, sex),
    birthDate: birthDatePrecision === 'day' ? full : birthDatePrecision === 'month' ? full.slice(0, 7) : full.slice(0, 4),
    birthDatePrecision,
    sex,
    registered: { province: place.province, district: place.district, commune: place.commune },
    status: weightedPick(draw, PARTICIPATION_STATUSES, [75, 8, 10, 7]),
  };
}

export interface HealthInsuranceCardRecord extends InsuranceParticipantRecord {
  card: { cardNumber: string; group: string; benefitLevel: number; issuingProvince: string; validFrom: string; validTo: string };
}

/** The holder is the participant of the card's last ten digits; group, level and issuing province are the card's own. */
export function healthInsuranceCardRecord(seed: string, card: HealthInsuranceCard, today: Date): HealthInsuranceCardRecord {
  const participant = insuranceParticipantRecord(seed, card.socialInsuranceCode, today);
  const draw = Draw.for(seed, 'insurance-card', card.value);
  const year = draw.int(today.getUTCFullYear() - 3, today.getUTCFullYear());
  return {
    ...participant,
    card: {
      cardNumber: card.value,
      group: card.group,
      benefitLevel: card.benefitLevel,
      issuingProvince: card.province.name,
      validFrom: `${year}-01-01`,
      validTo: `${year}-12-31`,
    },
  };
}

const LAND_USES = [
  { code: 'ONT', name: 'Đất ở tại nông thôn' },
  { code: 'ODT', name: 'Đất ở tại đô thị' },
  { code: 'LUC', name: 'Đất chuyên trồng lúa nước' },
  { code: 'CLN', name: 'Đất trồng cây lâu năm' },
  { code: 'BHK', name: 'Đất bằng trồng cây hàng năm khác' },
  { code: 'NTS', name: 'Đất nuôi trồng thủy sản' },
  { code: 'RSX', name: 'Đất rừng sản xuất' },
];

export interface LandParcelRecord {
  parcelRef: string;
  communeCode: string;
  mapSheet: number;
  parcelNumber: number;
  areaM2: number;
  landUse: { code: string; name: string };
  useTerm: string;
  address: Address;
  holders: { fullName: string; personalId: string }[];
  certificate: { series: string; issuedOn: string } | null;
}

/**
 * Which province a GSO commune code lies in is not derivable without the national list of communes, so the province
 * is drawn from the commune code alone: every parcel of one commune is in the same province.
 */
export function landParcelRecord(seed: string, ref: LandParcelRef, today: Date): LandParcelRecord {
  const commune = Draw.for(seed, 'land-commune', ref.communeCode);
  const province: Province = commune.pick(PROVINCES);
  const communeAddress = address(commune, province);
  const draw = Draw.for(seed, 'land', ref.value);
  const use = draw.pick(LAND_USES);
  const residential = use.code === 'ONT' || use.code === 'ODT';
  const holderCount = draw.chance(0.6) ? 2 : 1;
  const firstSex: Sex = draw.chance(0.6) ? 'male' : 'female';
  const holders = Array.from({ length: holderCount }, (_, i) => {
    const sex = i === 0 ? firstSex : otherSex(firstSex);
    const birthYear = draw.int(1945, today.getUTCFullYear() - 18);
    const personalId = formatPersonalId({ provinceGso: draw.chance(0.8) ? province.gso : draw.pick(PROVINCES).gso, birthYear, sex, serial: draw.digits(6) });
    return { fullName: personName(draw, sex), personalId };
  });
  const certified = draw.chance(0.85);
  return {
    parcelRef: ref.value,
    communeCode: ref.communeCode,
    mapSheet: ref.mapSheet,
    parcelNumber: ref.parcelNumber,
    areaM2: draw.int(residential ? 400 : 2000, residential ? 5000 : 200_000) / 10,
    landUse: use,
    useTerm: residential ? 'Lâu dài' : `Đến ngày ${draw.int(2030, 2070)}-12-31`,
    address: {
      ...communeAddress,
      street: `Thửa đất số ${ref.parcelNumber}, tờ bản đồ số ${ref.mapSheet}`,
      line: `Thửa đất số ${ref.parcelNumber}, tờ bản đồ số ${ref.mapSheet}, ${communeAddress.commune}, ${communeAddress.district}, ${communeAddress.province}`,
    },
    holders,
    certificate: certified ? { series: `${draw.pick(['CS', 'CT', 'DA', 'DB'])} ${draw.digits(6)}`, issuedOn: yearBetween(draw, 2005, today.getUTCFullYear(), today) } : null,
  };
}

const BUDGET_UNIT_KINDS = [
  { kind: 'Cơ quan hành chính', names: ['Ủy ban nhân dân xã', 'Phòng Tài chính - Kế hoạch huyện', 'Văn phòng Hội đồng nhân dân huyện'], level: ['Xã', 'Huyện', 'Huyện'] },
  { kind: 'Đơn vị sự nghiệp công lập', names: ['Trường Tiểu học', 'Trường Trung học cơ sở', 'Trạm Y tế xã', 'Trung tâm Văn hóa - Thể thao huyện'], level: ['Huyện', 'Huyện', 'Xã', 'Huyện'] },
  { kind: 'Tổ chức chính trị - xã hội', names: ['Hội Nông dân xã', 'Đoàn Thanh niên huyện'], level: ['Xã', 'Huyện'] },
];

export interface BudgetUnitRecord {
  unitCode: string;
  name: string;
  kind: string;
  budgetLevel: string;
  province: string;
  governingBody: string;
  treasury: string;
  registeredOn: string;
  status: string;
}

export function budgetUnitRecord(seed: string, unitCode: string, today: Date): BudgetUnitRecord {
  const draw = Draw.for(seed, 'budget-units', unitCode);
  const kind = draw.pick(BUDGET_UNIT_KINDS);
  const index = draw.int(0, kind.names.length - 1);
  const province = draw.pick(PROVINCES);
  const place = placeName(draw);
  const level = kind.level[index]!;
  return {
    unitCode,
    name: `${kind.names[index]} ${place}`,
    kind: kind.kind,
    budgetLevel: level,
    province: province.name,
    governingBody: level === 'Xã' ? `Ủy ban nhân dân huyện ${placeName(draw)}` : `Ủy ban nhân dân ${provinceAddressName(province)}`,
    treasury: `Kho bạc Nhà nước ${province.name}`,
    registeredOn: yearBetween(draw, 2004, today.getUTCFullYear(), today),
    status: draw.chance(0.93) ? 'Đang hoạt động' : 'Đã đóng mã',
  };
}

/** `dd/MM/yyyy` of a `YYYY-MM-DD` day, the way Vietnamese civil-status papers write dates. */
function vietnameseDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}

function isoPlusDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** `name` with its family name (the first word: every family name in the word lists is one word) replaced. */
function withFamilyName(name: string, family: string): string {
  return `${family} ${name.slice(name.indexOf(' ') + 1)}`;
}

/** A parent on a birth extract: only the name and the year of birth, as the paper extract shows them. */
export interface CivilStatusParent {
  hoTen: string;
  namSinh: number;
}

/**
 * A birth registration extract (trích lục khai sinh) of the electronic civil-status database. The items are the ones
 * a paper extract carries; the field names, the shape and the `dd/MM/yyyy` dates are invented [I], and deliberately
 * unlike the other systems' (Vietnamese names, no ISO dates, sex as a word), so that a connector has to map them.
 */
export interface BirthExtractRecord {
  /** The 12-digit personal identification number. */
  soDinhDanh: string;
  hoTen: string;
  /** `dd/MM/yyyy`. */
  ngaySinh: string;
  gioiTinh: 'Nam' | 'Nữ';
  noiSinh: string;
  /** Registration number within the book, e.g. `"125"`. */
  soDangKy: string;
  /** Book number, `NN/yyyy` with the registration year, e.g. `"01/2001"`. */
  quyenSo: string;
  /** `dd/MM/yyyy`: within 60 days after the birth (the time the law gives parents), never after today. */
  ngayDangKy: string;
  /** The commune People's Committee that registered the birth, in the number's province of birth registration. */
  noiDangKy: string;
  /** Null for about 3 %: a birth registered without a father. */
  cha: CivilStatusParent | null;
  me: CivilStatusParent;
}

/**
 * The same person as the population system's record of the number (name, birth date and sex are taken from it), plus
 * the registration details, drawn from the number's own civil-status stream.
 */
export function birthExtractRecord(seed: string, id: PersonalId, today: Date): BirthExtractRecord {
  const citizen = citizenRecord(seed, id, today);
  const draw = Draw.for(seed, 'civil-status', id.value);
  const birthYear = Number(citizen.birthDate.slice(0, 4));
  const todayIso = today.toISOString().slice(0, 10);
  const drawnRegistration = isoPlusDays(citizen.birthDate, draw.int(0, 60));
  const registeredOn = drawnRegistration > todayIso ? todayIso : drawnRegistration;
  // Registered by the People's Committee of the commune where the parents lived, in the province the number names.
  const place = address(draw, id.province);
  const commune = `${place.commune}, ${place.district}, ${place.province}`;
  // Home births were common until the 1990s; hospital births are the rule since.
  const where = weightedPick(draw, ['hospital', 'district', 'station', 'home'] as const, birthYear < 1990 ? [10, 10, 35, 45] : [55, 15, 25, 5]);
  const birthPlace =
    where === 'hospital'
      ? `${draw.pick(['Bệnh viện Đa khoa', 'Bệnh viện Sản - Nhi'])} ${place.province}`
      : where === 'district'
        ? `Trung tâm Y tế ${place.district}, ${place.province}`
        : where === 'station'
          ? `Trạm Y tế ${commune}`
          : commune;
  const familyName = citizen.fullName.slice(0, citizen.fullName.indexOf(' '));
  const hasFather = !draw.chance(0.03);
  const fatherName = personName(draw, 'male');
  const fatherYear = birthYear - draw.int(18, 45);
  const motherName = personName(draw, 'female');
  const motherYear = birthYear - draw.int(18, 45);
  // A child usually takes the father's family name, or the mother's when no father is registered.
  const takesFamilyName = draw.chance(hasFather ? 0.95 : 0.9);
  return {
    soDinhDanh: id.value,
    hoTen: citizen.fullName,
    ngaySinh: vietnameseDate(citizen.birthDate),
    gioiTinh: citizen.sex === 'male' ? 'Nam' : 'Nữ',
    noiSinh: birthPlace,
    soDangKy: String(draw.int(1, 450)),
    quyenSo: `${String(draw.int(1, 3)).padStart(2, '0')}/${registeredOn.slice(0, 4)}`,
    ngayDangKy: vietnameseDate(registeredOn),
    noiDangKy: `UBND ${commune}`,
    cha: hasFather ? { hoTen: takesFamilyName ? withFamilyName(fatherName, familyName) : fatherName, namSinh: fatherYear } : null,
    me: { hoTen: !hasFather && takesFamilyName ? withFamilyName(motherName, familyName) : motherName, namSinh: motherYear },
  };
}
