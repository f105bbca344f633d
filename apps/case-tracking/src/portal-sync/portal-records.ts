import { PortalCaseRecord, PortalProgressRecord, toPortalDateTime } from '@lgsp/contracts';
import { Registry } from '@lgsp/registry';
import { LocalDate, startOfLocalDate } from '@lgsp/working-days';
import { CaseRecord, ProgressEntry } from '../cases/case-book';
import { CASE_STATUSES, isPaused } from '../cases/case-status';

/** Appointment dates are days; the portal wants a time. Results are handed back by the end of office hours. [I] */
const OFFICE_CLOSES_MS = 17 * 3_600_000;
const appointmentTime = (date: LocalDate) => toPortalDateTime(startOfLocalDate(date) + OFFICE_CLOSES_MS);

/** A case as the national portal's DongBoHoSoMC takes it, with the portal's field names (DOMAIN.md §4). */
export function toPortalCase(record: CaseRecord, registry: Registry): PortalCaseRecord {
  const agencyName = (code: string) => registry.member(code)?.name ?? code;
  return {
    MaHoSo: record.code,
    MaTTHC: record.procedure.code,
    TenTTHC: record.procedure.name,
    MaLinhVuc: record.procedure.fieldCode,
    TenLinhVuc: record.procedure.fieldName,
    KenhThucHien: record.channel,
    ChuHoSo: record.applicant.name,
    SoGiayToChuHoSo: record.applicant.idNumber ?? '',
    LoaiDoiTuong: record.applicant.kind === 'organization' ? 2 : 1,
    TrichYeuHoSo: record.summary,
    NgayTiepNhan: toPortalDateTime(record.receivedAt),
    // An online submission not yet accepted has no appointment; its receipt time stands in until it has one.
    NgayHenTra: record.appointment ? appointmentTime(record.appointment) : toPortalDateTime(record.receivedAt),
    TrangThaiHoSo: record.status,
    ...(record.returnedAt !== undefined ? { NgayTra: toPortalDateTime(record.returnedAt) } : {}),
    ...(record.finishedAt !== undefined ? { NgayKetThucXuLy: toPortalDateTime(record.finishedAt) } : {}),
    DonViXuLy: agencyName(record.currentAgency),
    TaiLieuNop: record.documents.map((d) => ({ TenTepDinhKem: d.name })),
    DanhSachLePhi: record.fees.map((f) => ({ TenPhiLePhi: f.name, Gia: f.amount })),
    DanhSachHoSoBoSung: record.supplements.map((s) => ({
      NoiDungBoSung: CASE_STATUSES[s.status].name,
      NgayBoSung: toPortalDateTime(s.requestedAt),
      ...(s.resumedAt !== undefined ? { NgayTiepNhanBoSung: toPortalDateTime(s.resumedAt) } : {}),
      NgayHenTraTruoc: s.previousAppointment ? appointmentTime(s.previousAppointment) : toPortalDateTime(s.requestedAt),
      NgayHenTraMoi: s.appointment ? appointmentTime(s.appointment) : s.previousAppointment ? appointmentTime(s.previousAppointment) : toPortalDateTime(s.requestedAt),
    })),
    DanhSachGiayToKetQua: [],
  };
}

/** One progress entry as CapNhatTienDoHoSoMC takes it. */
export function toPortalProgress(record: CaseRecord, entry: ProgressEntry, registry: Registry): PortalProgressRecord {
  return {
    MaHoSo: record.code,
    NguoiXuLy: entry.officer,
    ...(entry.title ? { ChucDanh: entry.title } : {}),
    ThoiDiemXuLy: toPortalDateTime(entry.at),
    PhongBanXuLy: registry.member(entry.agency)?.name ?? entry.agency,
    NoiDungXuLy: describeEntry(entry, record.progress[record.progress.indexOf(entry) - 1], (code) => registry.member(code)?.name ?? code),
    TrangThai: entry.status,
    NgayBatDau: toPortalDateTime(entry.at),
    ...(entry.stepDue ? { NgayKetThucTheoQuyDinh: appointmentTime(entry.stepDue) } : {}),
  };
}

/**
 * What happened, in the portal's words for it (the officer's note when there is one). Two moves to one status (in
 * progress, then in progress again after the papers came) read differently: the portal keeps one of two identical
 * progress records, so entries of the same second must not look alike.
 */
function describeEntry(entry: ProgressEntry, previous: ProgressEntry | undefined, agencyName: (code: string) => string): string {
  switch (entry.action) {
    case 'received':
      return entry.note ?? 'Tiếp nhận hồ sơ';
    case 'transfer':
      return `Chuyển hồ sơ đến ${agencyName(entry.to ?? '')}${entry.note ? `: ${entry.note}` : ''}`;
    case 'rescheduled':
      return `Xin lỗi và hẹn lại ngày trả kết quả${entry.note ? `: ${entry.note}` : ''}`;
    default: {
      if (entry.note) return entry.note;
      const resumed = previous && previous.status !== entry.status && isPaused(previous.status) ? ` (tiếp tục sau: ${CASE_STATUSES[previous.status].name})` : '';
      return `${CASE_STATUSES[entry.status].name}${resumed}`;
    }
  }
}
