import { z } from 'zod';
import {
  isPortalDateTime,
  fromPortalDateTime,
  type PortalCaseRecord,
  type PortalProgressRecord,
  type PortalRecordProblem,
} from '@lgsp/contracts';
import { describeInput, parseAgencyCode, parseShape } from '@lgsp/registry';

/**
 * The portal's checks on pushed records. Every problem names its record (index and MaHoSo) and the field inside it,
 * so a sender can fix a whole batch in one pass. Required fields, the code ranges and the date format follow
 * DOMAIN.md §4 and the contract's comments; the length bounds and the date-order rule are the simulation's own.
 */

/** The largest batch one call may carry [ours: the real limit is not public]. */
export const MAX_BATCH_RECORDS = 1000;
const MAX_TEXT = 4000;
const MAX_LIST = 500;

const CASE_CODE_SHAPE = /^(.+)-(\d{2})(\d{2})(\d{2})-(\d{4})$/;
const CASE_CODE_EXAMPLE = '000.00.53.H48-220921-0099';

/**
 * Why `value` is not a one-stop-shop case code `{QCVN 102 agency code}-{YYMMDD}-{NNNN}` (Circular 01/2018/TT-VPCP),
 * or null when it is one. The agency part goes through the registry's parser, which already tolerates a 3-digit
 * level 3 as real data has it.
 */
export function caseCodeProblem(value: string): string | null {
  const m = CASE_CODE_SHAPE.exec(value);
  if (!m) return `${describeInput(value)} is not a case code: expected {agency code}-{YYMMDD}-{NNNN}, e.g. ${CASE_CODE_EXAMPLE}`;
  const [, agency, yy, mm, dd] = m as unknown as [string, string, string, string, string];
  try {
    parseAgencyCode(agency);
  } catch (err) {
    return `${describeInput(value)} does not start with a valid agency code: ${(err as Error).message}`;
  }
  if (!isPortalDateTime(`20${yy}${mm}${dd}000000`)) {
    return `${describeInput(value)} has ${yy}${mm}${dd} where the receipt date (YYMMDD) goes, which is not a date`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Field kinds

/** Real senders write "" (or null) for an optional field they have no value for [S]; both mean "absent". */
const absentWhenBlank = (value: unknown) => (value === '' || value === null ? undefined : value);

/** Real senders send codes and amounts as numeric strings too [S]. */
const numberFromNumericString = (value: unknown) => (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value);

const text = z
  .string()
  .max(MAX_TEXT)
  .refine((value) => value.trim().length > 0, { error: 'must not be blank' });

const optionalText = z.preprocess(absentWhenBlank, z.string().max(MAX_TEXT).optional());

const dateTime = z.string().refine(isPortalDateTime, {
  error: (issue) => `${describeInput(issue.input)} is not a portal date-time (yyyyMMddHHmmss in Vietnam time, e.g. 20240315083000)`,
});

const optionalDateTime = z.preprocess(absentWhenBlank, dateTime.optional());

function codeOf<const V extends readonly [number, ...number[]]>(values: V, meaning: string) {
  return z.preprocess(
    numberFromNumericString,
    z.literal(values, { error: (issue) => (issue.input === undefined ? 'is required' : `must be ${meaning} (got ${describeInput(issue.input)})`) }),
  );
}

const positiveInteger = z.preprocess(numberFromNumericString, z.number().int().min(1));
const optionalInteger = z.preprocess((value) => numberFromNumericString(absentWhenBlank(value)), z.number().int().min(0).optional());
const amount = z.preprocess(numberFromNumericString, z.number().min(0));

const optionalFlag = z.preprocess((value) => {
  const v = absentWhenBlank(value);
  if (v === '1' || v === 1 || v === 'true' || v === 'True') return true;
  if (v === '0' || v === 0 || v === 'false' || v === 'False') return false;
  return v;
}, z.boolean().optional());

const caseCode = z.string().superRefine((value, ctx) => {
  const problem = caseCodeProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A sub-list a sender may leave out (real senders always send it, empty when there is nothing) [S]. */
function list<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => (value === undefined || value === null ? [] : value), z.array(item).max(MAX_LIST));
}

const status = codeOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'a portal case status from 1 to 10');

// ---------------------------------------------------------------------------------------------------------------
// Records: loose objects, because real senders add fields the portal keeps but does not check.

const submittedDocument = z.looseObject({
  TepDinhKemId: optionalText,
  TenTepDinhKem: text,
  IsDeleted: optionalFlag,
  MaThanhPhanHoSo: optionalText,
  DuongDanTaiTepTin: optionalText,
});

const fee = z.looseObject({
  MaPhiLePhi: optionalText,
  TenPhiLePhi: text,
  HinhThucThu: optionalInteger,
  Gia: amount,
  LoaiPhiLePhi: optionalInteger,
});

const supplementRequest = z.looseObject({
  HoSoBoSungId: optionalText,
  NguoiYeuCauBoSung: optionalText,
  NoiDungBoSung: text,
  NgayBoSung: optionalDateTime,
  NguoiTiepNhanBoSung: optionalText,
  ThongTinTiepNhan: optionalText,
  NgayTiepNhanBoSung: optionalDateTime,
  TrangThaiBoSung: optionalInteger,
  NgayHenTraTruoc: dateTime,
  NgayHenTraMoi: dateTime,
});

const resultDocument = z.looseObject({
  GiayToId: optionalText,
  TenGiayTo: text,
  MaThanhPhanHoSo: optionalText,
  DuongDanTepTinKetQua: optionalText,
});

export const caseRecordSchema = z
  .looseObject({
    MaHoSo: caseCode,
    MaTTHC: text,
    TenTTHC: text,
    MaLinhVuc: text,
    TenLinhVuc: text,
    KenhThucHien: codeOf([1, 2, 3], '1 (in person), 2 (online) or 3 (postal)'),
    ChuHoSo: text,
    SoGiayToChuHoSo: text,
    LoaiDoiTuong: positiveInteger,
    TrichYeuHoSo: text,
    NgayTiepNhan: dateTime,
    NgayHenTra: dateTime,
    TrangThaiHoSo: status,
    NgayTra: optionalDateTime,
    NgayKetThucXuLy: optionalDateTime,
    DonViXuLy: text,
    TaiLieuNop: list(submittedDocument),
    DanhSachLePhi: list(fee),
    DanhSachHoSoBoSung: list(supplementRequest),
    DanhSachGiayToKetQua: list(resultDocument),
  })
  .superRefine((record, ctx) => {
    // [ours] An appointment before the receipt is a sender's bug that would make every on-time figure wrong.
    if (!isPortalDateTime(record.NgayHenTra) || !isPortalDateTime(record.NgayTiepNhan)) return;
    if (fromPortalDateTime(record.NgayHenTra) < fromPortalDateTime(record.NgayTiepNhan)) {
      ctx.addIssue({ code: 'custom', path: ['NgayHenTra'], message: `${record.NgayHenTra} is before NgayTiepNhan (${record.NgayTiepNhan})` });
    }
  });

export const progressRecordSchema = z.looseObject({
  MaHoSo: caseCode,
  NguoiXuLy: text,
  ChucDanh: optionalText,
  ThoiDiemXuLy: dateTime,
  PhongBanXuLy: optionalText,
  NoiDungXuLy: text,
  TrangThai: status,
  NgayBatDau: optionalDateTime,
  NgayKetThucTheoQuyDinh: optionalDateTime,
});

// Keeps the contract's interfaces (which the client is written against) and these schemas in step.
type Assignable<From extends To, To> = From;
type CaseSchemaMatchesContract = Assignable<z.output<typeof caseRecordSchema>, PortalCaseRecord>;
type ProgressSchemaMatchesContract = Assignable<z.output<typeof progressRecordSchema>, PortalProgressRecord>;

// ---------------------------------------------------------------------------------------------------------------
// Batches

export type BatchCheck<T> = { ok: true; records: T[] } | { ok: false; problems: PortalRecordProblem[] };

/** A DongBoHoSoMC `data` array: every record valid, or every problem of every record. */
export function checkCaseBatch(data: unknown): BatchCheck<PortalCaseRecord> {
  return checkBatch(data, caseRecordSchema);
}

/** A CapNhatTienDoHoSoMC `data` array: every record valid, or every problem of every record. */
export function checkProgressBatch(data: unknown): BatchCheck<PortalProgressRecord> {
  return checkBatch(data, progressRecordSchema);
}

function checkBatch<S extends typeof caseRecordSchema | typeof progressRecordSchema>(data: unknown, schema: S): BatchCheck<z.output<S>> {
  if (!Array.isArray(data)) {
    return { ok: false, problems: [{ field: 'data', message: data === undefined ? 'is required: a list of records' : `must be a list of records (got ${describeInput(data)})` }] };
  }
  if (data.length === 0) return { ok: false, problems: [{ field: 'data', message: 'must list at least 1 record' }] };
  if (data.length > MAX_BATCH_RECORDS) {
    return { ok: false, problems: [{ field: 'data', message: `lists ${data.length} records; at most ${MAX_BATCH_RECORDS} fit in one call` }] };
  }
  const records: z.output<S>[] = [];
  const problems: PortalRecordProblem[] = [];
  data.forEach((item: unknown, index) => {
    const parsed = parseShape(schema, item, '');
    if (parsed.ok) {
      records.push(parsed.value as z.output<S>);
      return;
    }
    const code = item && typeof item === 'object' && typeof (item as { MaHoSo?: unknown }).MaHoSo === 'string' ? (item as { MaHoSo: string }).MaHoSo : undefined;
    for (const issue of parsed.issues) {
      problems.push({ index, ...(code !== undefined ? { MaHoSo: code } : {}), field: issue.path || '(record)', message: issue.message });
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, records };
}

/** One line for a refusal: the first few problems, each with its record and field. */
export function summarizeProblems(problems: readonly PortalRecordProblem[], limit = 3): string {
  const shown = problems.slice(0, limit).map((p) => {
    const where = p.index === undefined ? p.field : `data[${p.index}]${p.MaHoSo ? ` (${p.MaHoSo})` : ''}.${p.field}`;
    return `${where}: ${p.message}`;
  });
  const more = problems.length > limit ? `; and ${problems.length - limit} more` : '';
  return `${shown.join('; ')}${more}`;
}

