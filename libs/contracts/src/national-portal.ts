/**
 * The national public-service portal's wire contract (Cổng dịch vụ công quốc gia, DVCQG), shared by the simulated
 * portal (`apps/national-portal`) and the case-tracking sync worker's client.
 *
 * Sources are marked as in DOMAIN.md:
 * - [S] seen in real material: DOMAIN.md §4 (field names, status and channel codes, the service names) and a
 *   one-stop-shop vendor's DVCQG sync code (login answering a `session`, requests carrying `session`, `madonvi`,
 *   `service` and `data`, success as `error_code` 0/"00", `yyyyMMddHHmmss` dates in Asia/Ho_Chi_Minh, the names of
 *   the sub-list fields, and which progress fields are "not required").
 * - [ours] choices made for the simulation where no public source says: HTTP statuses, the symbolic error codes,
 *   the per-record answers, the lookup answer's shape, the paths, and the field rules marked below.
 * A client written against this contract should treat everything marked [ours] as replaceable by configuration
 * once the real portal's integration document is at hand.
 */

// ---------------------------------------------------------------------------------------------------------------
// Dates

/**
 * A portal date-time: `yyyyMMddHHmmss` in Vietnam time (UTC+7), e.g. `20240315083000` [S]. Vietnam has kept UTC+7
 * without daylight saving since 1975, so a fixed offset converts exactly; no time-zone database is needed.
 */
export type PortalDateTime = string;

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const PORTAL_DATE_TIME_SHAPE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** The instant `epochMs` as a portal date-time; milliseconds are dropped (the format has none). */
export function toPortalDateTime(epochMs: number): PortalDateTime {
  if (!Number.isFinite(epochMs)) throw new RangeError(`${epochMs} is not a point in time`);
  const local = new Date(Math.floor(epochMs / 1000) * 1000 + VIETNAM_OFFSET_MS);
  const year = local.getUTCFullYear();
  if (year < 1000 || year > 9999) throw new RangeError(`${new Date(epochMs).toISOString()} has no four-digit year, which the portal's format needs`);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${year}${two(local.getUTCMonth() + 1)}${two(local.getUTCDate())}${two(local.getUTCHours())}${two(local.getUTCMinutes())}${two(local.getUTCSeconds())}`;
}

/** The epoch milliseconds of a portal date-time; throws a RangeError naming the value when it is not one. */
export function fromPortalDateTime(value: string): number {
  const epochMs = parsePortalDateTime(value);
  if (epochMs === null) {
    throw new RangeError(`${JSON.stringify(value)} is not a portal date-time (yyyyMMddHHmmss in Vietnam time, e.g. 20240315083000)`);
  }
  return epochMs;
}

export function isPortalDateTime(value: unknown): value is PortalDateTime {
  return typeof value === 'string' && parsePortalDateTime(value) !== null;
}

function parsePortalDateTime(value: string): number | null {
  const m = typeof value === 'string' ? PORTAL_DATE_TIME_SHAPE.exec(value) : null;
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 30 February over into March; a value that does not come back unchanged named no real day.
  const back = new Date(utc);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return utc - VIETNAM_OFFSET_MS;
}

// ---------------------------------------------------------------------------------------------------------------
// Codes

/** TrangThaiHoSo / TrangThai [S, DOMAIN §4]. */
export const PortalCaseStatus = {
  Registered: 1,
  Accepted: 2,
  NotAccepted: 3,
  InProgress: 4,
  MorePapersRequested: 5,
  FinancialObligationRequested: 6,
  WithdrawnByApplicant: 7,
  ProcessingStopped: 8,
  Processed: 9,
  ResultReturned: 10,
} as const;
export type PortalCaseStatusCode = (typeof PortalCaseStatus)[keyof typeof PortalCaseStatus];

/** The portal's own status words and the codes they stand for [S, DOMAIN §4]. */
export const PORTAL_STATUS_BY_WORD: Readonly<Record<string, PortalCaseStatusCode>> = Object.freeze({
  receiving: 1,
  new: 2,
  denied: 3,
  processing: 4,
  waiting: 5,
  paying: 6,
  cancelled: 7,
  unresolved: 8,
  releasing: 9,
  done: 10,
});

/** KenhThucHien [S, DOMAIN §4]. */
export const PortalChannel = { InPerson: 1, Online: 2, Postal: 3 } as const;
export type PortalChannelCode = (typeof PortalChannel)[keyof typeof PortalChannel];

/**
 * LoaiDoiTuong: 1 citizen, 2 business [S, a vendor's sync code]. The full list is not public, so the portal accepts
 * any positive integer here [ours].
 */
export const PortalApplicantType = { Citizen: 1, Business: 2 } as const;

// ---------------------------------------------------------------------------------------------------------------
// Records
//
// Numbers are numbers here. Real senders also send them as numeric strings ("1") and send "" for an optional field
// they have no value for [S, a vendor's sync code]; the simulated portal accepts both and stores numbers [ours].

/** One submitted paper (TaiLieuNop item); field names [S, vendor code], which are required [ours]. */
export interface PortalSubmittedDocument {
  TepDinhKemId?: string;
  TenTepDinhKem: string;
  IsDeleted?: boolean;
  MaThanhPhanHoSo?: string;
  DuongDanTaiTepTin?: string;
}

/** One fee or charge (DanhSachLePhi item); field names [S, vendor code]; Gia in VND, required [ours]. */
export interface PortalFee {
  MaPhiLePhi?: string;
  TenPhiLePhi: string;
  HinhThucThu?: number;
  Gia: number;
  LoaiPhiLePhi?: number;
}

/**
 * One request for more papers (DanhSachHoSoBoSung item) [S]: NgayHenTraTruoc is the appointment before the request,
 * NgayHenTraMoi the new one. Both dates and NoiDungBoSung required [ours].
 */
export interface PortalSupplementRequest {
  HoSoBoSungId?: string;
  NguoiYeuCauBoSung?: string;
  NoiDungBoSung: string;
  NgayBoSung?: PortalDateTime;
  NguoiTiepNhanBoSung?: string;
  ThongTinTiepNhan?: string;
  NgayTiepNhanBoSung?: PortalDateTime;
  TrangThaiBoSung?: number;
  NgayHenTraTruoc: PortalDateTime;
  NgayHenTraMoi: PortalDateTime;
}

/** One result paper (DanhSachGiayToKetQua item); field names [S, vendor code], TenGiayTo required [ours]. */
export interface PortalResultDocument {
  GiayToId?: string;
  TenGiayTo: string;
  MaThanhPhanHoSo?: string;
  DuongDanTepTinKetQua?: string;
}

/**
 * A case record as pushed with DongBoHoSoMC. Field names [S, DOMAIN §4]; which are required follows the platform's
 * brief (everything but NgayTra and NgayKetThucXuLy) [ours]. Real senders add more fields (Email, SoDienThoai,
 * GhiChu, …); the portal keeps whatever else a record carries.
 */
export interface PortalCaseRecord {
  /** `{QCVN 102 agency code}-{YYMMDD}-{NNNN}`, e.g. `000.00.53.H48-220921-0099` [S]. */
  MaHoSo: string;
  /** Procedure code, e.g. `1.001234.000.00.00.H56` [S]. */
  MaTTHC: string;
  TenTTHC: string;
  MaLinhVuc: string;
  TenLinhVuc: string;
  KenhThucHien: PortalChannelCode;
  ChuHoSo: string;
  /** The applicant's identity paper number (citizen id, enterprise code, …). */
  SoGiayToChuHoSo: string;
  LoaiDoiTuong: number;
  TrichYeuHoSo: string;
  NgayTiepNhan: PortalDateTime;
  NgayHenTra: PortalDateTime;
  TrangThaiHoSo: PortalCaseStatusCode;
  NgayTra?: PortalDateTime;
  NgayKetThucXuLy?: PortalDateTime;
  /** The processing unit's name [S: real senders put the agency's name here]. */
  DonViXuLy: string;
  TaiLieuNop: PortalSubmittedDocument[];
  DanhSachLePhi: PortalFee[];
  DanhSachHoSoBoSung: PortalSupplementRequest[];
  DanhSachGiayToKetQua: PortalResultDocument[];
}

/**
 * A progress record as pushed with CapNhatTienDoHoSoMC. Field names [S, DOMAIN §4]; ChucDanh, PhongBanXuLy,
 * NgayBatDau and NgayKetThucTheoQuyDinh are marked "not required" in a vendor's sync code [S].
 */
export interface PortalProgressRecord {
  MaHoSo: string;
  NguoiXuLy: string;
  ChucDanh?: string;
  ThoiDiemXuLy: PortalDateTime;
  PhongBanXuLy?: string;
  NoiDungXuLy: string;
  TrangThai: PortalCaseStatusCode;
  NgayBatDau?: PortalDateTime;
  NgayKetThucTheoQuyDinh?: PortalDateTime;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests and answers

/** The service names [S, DOMAIN §4]. */
export const PortalService = {
  PushCases: 'DongBoHoSoMC',
  PushProgress: 'CapNhatTienDoHoSoMC',
  LookupCase: 'TraCuuHoSo',
} as const;
export type PortalServiceName = (typeof PortalService)[keyof typeof PortalService];

/**
 * Where the simulated portal listens [ours]. Real deployments configure a login endpoint, an integration endpoint
 * (pushes) and a sharing endpoint (look-ups) separately [S, vendor code]; the simulation keeps that split.
 */
export const PORTAL_PATHS = {
  login: '/api/login',
  integration: '/api/integration',
  share: '/api/share',
} as const;

/** `error_code` of every successful answer. The string "00" satisfies both checks real clients make (== "00", as int == 0) [S]. */
export const PORTAL_OK = '00';

export interface PortalLoginRequest {
  username: string;
  password: string;
}

export interface PortalLoginAnswer {
  error_code: typeof PORTAL_OK;
  message: string;
  /** Sent back as `session` in every call [S]. */
  session: string;
  /** Seconds the session stays valid [ours]. */
  expires_in: number;
}

/** What every call carries besides its own fields [S]: the session and, optionally, the sending agency's code. */
export interface PortalCallEnvelope {
  session: string;
  /** The sending agency's QCVN 102 code [S]; optional in the simulation [ours]. */
  madonvi?: string;
}

export interface PortalCasePushRequest extends PortalCallEnvelope {
  service: typeof PortalService.PushCases;
  /**
   * Real senders say whether the case is already on the portal ("True"/"False") [S]. The simulation upserts by
   * MaHoSo whatever this says, so that a retry of a lost answer is safe [ours].
   */
  isUpdating?: boolean | 'True' | 'False';
  data: PortalCaseRecord[];
}

export interface PortalProgressPushRequest extends PortalCallEnvelope {
  service: typeof PortalService.PushProgress;
  data: PortalProgressRecord[];
}

export interface PortalLookupRequest extends PortalCallEnvelope {
  service: typeof PortalService.LookupCase;
  /** Lower-case as real senders spell it [S]. */
  mahoso: string;
}

/**
 * What happened to one record of an accepted batch [ours]: a case record was `created`, `updated` (replaced) or
 * `unchanged` (identical to what the portal had); a progress record was `stored` or was a `duplicate` of one already
 * stored, which is accepted and not stored again.
 */
export type PortalRecordOutcomeKind = 'created' | 'updated' | 'unchanged' | 'stored' | 'duplicate';

export interface PortalRecordOutcome {
  /** Position in the batch's `data`. */
  index: number;
  MaHoSo: string;
  outcome: PortalRecordOutcomeKind;
}

export interface PortalPushAnswer {
  error_code: typeof PORTAL_OK;
  message: string;
  /** One entry per record, in batch order. */
  result: PortalRecordOutcome[];
}

/** A case as the portal holds it [ours]: the last record pushed and every progress entry, oldest first. */
export interface PortalLookupAnswer {
  HoSo: PortalCaseRecord;
  TienDo: PortalProgressRecord[];
  /** When the portal last took a change to this case. */
  NgayCapNhat: PortalDateTime;
}

/** TraCuuHoSo's answer: `result` is empty when there is no such case (real clients test its length [S]). */
export interface PortalLookupResponse {
  error_code: typeof PORTAL_OK;
  message: string;
  result: PortalLookupAnswer[];
}

/** Every refusal's machine-readable code [ours]. */
export const PORTAL_ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'SESSION_EXPIRED',
  'SESSION_UNKNOWN',
  'VALIDATION_FAILED',
  'UNKNOWN_CASE',
  'UNKNOWN_SERVICE',
  'INVALID_JSON',
  'BODY_TOO_LARGE',
  'NOT_FOUND',
  'PORTAL_DOWN',
  'INTERNAL_ERROR',
] as const;
export type PortalErrorCode = (typeof PORTAL_ERROR_CODES)[number];

/** The codes after which a client logs in again and repeats the call once. */
export const PORTAL_SESSION_ERROR_CODES: readonly PortalErrorCode[] = ['SESSION_EXPIRED', 'SESSION_UNKNOWN'];

/**
 * One problem with one record (or, without `index`, with the request itself): `field` is the path inside the record,
 * e.g. `NgayTiepNhan` or `DanhSachHoSoBoSung[0].NgayHenTraMoi`.
 */
export interface PortalRecordProblem {
  index?: number;
  MaHoSo?: string;
  field: string;
  message: string;
}

/** Every refusal [ours, shaped so that real clients' `error_code` check fails as it should]. */
export interface PortalErrorAnswer {
  /** Never "00": a two-digit code per PortalErrorCode. */
  error_code: string;
  code: PortalErrorCode;
  message: string;
  problems?: PortalRecordProblem[];
}

/** `GET /sim/stats` of the simulated portal (test and demo only) [ours]. */
export interface PortalSimulationStats {
  /** Distinct cases held (by MaHoSo). */
  cases: number;
  /** Progress entries held, duplicates not counted. */
  progressEntries: number;
  /** Push calls that reached validation (accepted or rejected) since this process started. */
  batchesReceived: number;
  batchesRejected: number;
  caseRecordsReceived: number;
  progressRecordsReceived: number;
  /** Progress records received that were identical to one already held (accepted, not stored again). */
  duplicatesReceived: number;
  /** Portal calls answered 503 because the portal was down. */
  refusedWhileDown: number;
  /** Portal calls failed on purpose by the error rate. */
  injectedFailures: number;
  logins: number;
  conditions: PortalSimulationConditions;
}

export interface PortalSimulationConditions {
  down: boolean;
  latencyMs: number;
  /** 0–1: the share of portal calls answered 500 before anything is done. */
  errorRate: number;
}
