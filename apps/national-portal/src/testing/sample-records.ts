import { PortalCaseStatus, PortalChannel, type PortalCaseRecord, type PortalProgressRecord } from '@lgsp/contracts';

/**
 * A valid case record of Thanh Hóa's Department of Justice, shaped like the ones one-stop-shop software pushes;
 * tests change one field to see it refused.
 */
export function sampleCase(overrides: Partial<PortalCaseRecord> = {}): PortalCaseRecord {
  return {
    MaHoSo: '000.00.02.H56-240315-0001',
    MaTTHC: '1.001234.000.00.00.H56',
    TenTTHC: 'Cấp phiếu lý lịch tư pháp cho công dân Việt Nam',
    MaLinhVuc: 'G09-TP07',
    TenLinhVuc: 'Lý lịch tư pháp',
    KenhThucHien: PortalChannel.Online,
    ChuHoSo: 'Nguyễn Văn An',
    SoGiayToChuHoSo: '038095001234',
    LoaiDoiTuong: 1,
    TrichYeuHoSo: 'Đề nghị cấp phiếu lý lịch tư pháp số 1',
    NgayTiepNhan: '20240315083000',
    NgayHenTra: '20240325170000',
    TrangThaiHoSo: PortalCaseStatus.Accepted,
    DonViXuLy: 'Sở Tư pháp tỉnh Thanh Hóa',
    TaiLieuNop: [{ TenTepDinhKem: 'to-khai.pdf', MaThanhPhanHoSo: 'TP01' }],
    DanhSachLePhi: [{ TenPhiLePhi: 'Phí cấp phiếu lý lịch tư pháp', Gia: 200000 }],
    DanhSachHoSoBoSung: [],
    DanhSachGiayToKetQua: [],
    ...overrides,
  };
}

export function sampleProgress(overrides: Partial<PortalProgressRecord> = {}): PortalProgressRecord {
  return {
    MaHoSo: '000.00.02.H56-240315-0001',
    NguoiXuLy: 'Lê Thị Bình',
    ChucDanh: 'Chuyên viên',
    ThoiDiemXuLy: '20240316091500',
    PhongBanXuLy: 'Phòng Hành chính tư pháp',
    NoiDungXuLy: 'Chuyển thẩm định hồ sơ',
    TrangThai: PortalCaseStatus.InProgress,
    NgayBatDau: '20240316091500',
    NgayKetThucTheoQuyDinh: '20240320170000',
    ...overrides,
  };
}
