import { sampleCase, sampleProgress } from '../testing/sample-records';
import { caseCodeProblem, checkCaseBatch, checkProgressBatch, MAX_BATCH_RECORDS } from './record-validation';

function problemsOf(result: ReturnType<typeof checkCaseBatch> | ReturnType<typeof checkProgressBatch>) {
  if (result.ok) throw new Error('expected the batch to be refused');
  return result.problems;
}

describe('case codes ({agency code}-{YYMMDD}-{NNNN})', () => {
  it.each(['000.00.53.H48-220921-0099', '000.17.22.H56-210531-0001', '000.00.00.H56-240229-0001'])('accepts %s', (code) => {
    expect(caseCodeProblem(code)).toBeNull();
  });

  it('accepts the real-data quirk of a three-digit level 3', () => {
    expect(caseCodeProblem('999.010.01.H22-230101-0001')).toBeNull();
  });

  it.each([
    ['no date and sequence', '000.00.53.H48', /expected \{agency code\}-\{YYMMDD\}-\{NNNN\}/],
    ['a three-digit sequence', '000.00.53.H48-220921-099', /expected \{agency code\}-\{YYMMDD\}-\{NNNN\}/],
    ['an invalid agency code', '28.22.H17-220921-0099', /does not start with a valid agency code: .*not a valid QCVN 102 agency code/],
    ['a lower-case group letter', '000.00.53.h48-220921-0099', /uppercase/],
    ['a receipt date that does not exist', '000.00.53.H48-230229-0099', /230229 where the receipt date \(YYMMDD\) goes/],
    ['month 13', '000.00.53.H48-221321-0099', /221321/],
  ])('refuses %s', (_what, code, message) => {
    expect(caseCodeProblem(code)).toMatch(message);
  });
});

describe('DongBoHoSoMC batches', () => {
  it('accepts valid records and keeps fields the portal does not check', () => {
    const result = checkCaseBatch([sampleCase(), { ...sampleCase({ MaHoSo: '000.00.02.H56-240315-0002' }), Email: 'an@example.vn' }]);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.records[1]).toMatchObject({ Email: 'an@example.vn' });
  });

  it('reads numeric strings as numbers and blank optional fields as absent, as real senders write them', () => {
    const result = checkCaseBatch([{ ...sampleCase(), KenhThucHien: '2', TrangThaiHoSo: '10', LoaiDoiTuong: '1', NgayTra: '', NgayKetThucXuLy: null }]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.records[0]).toMatchObject({ KenhThucHien: 2, TrangThaiHoSo: 10, LoaiDoiTuong: 1 });
    expect(result.records[0]!.NgayTra).toBeUndefined();
    expect(result.records[0]!.NgayKetThucXuLy).toBeUndefined();
  });

  it('treats missing sub-lists as empty', () => {
    const { TaiLieuNop, DanhSachLePhi, ...rest } = sampleCase();
    const result = checkCaseBatch([rest]);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.records[0]).toMatchObject({ TaiLieuNop: [], DanhSachLePhi: [] });
  });

  it('names the record and the field of every problem', () => {
    const problems = problemsOf(
      checkCaseBatch([
        sampleCase(),
        sampleCase({ MaHoSo: '000.00.02.H56-240315-0002', TrangThaiHoSo: 11 as never }),
        { ...sampleCase({ MaHoSo: '000.00.02.H56-240315-0003' }), NgayTiepNhan: '2024-03-15 08:30:00', TenTTHC: undefined },
      ]),
    );
    expect(problems).toEqual([
      { index: 1, MaHoSo: '000.00.02.H56-240315-0002', field: 'TrangThaiHoSo', message: 'must be a portal case status from 1 to 10 (got 11)' },
      { index: 2, MaHoSo: '000.00.02.H56-240315-0003', field: 'TenTTHC', message: 'is required' },
      {
        index: 2,
        MaHoSo: '000.00.02.H56-240315-0003',
        field: 'NgayTiepNhan',
        message: '"2024-03-15 08:30:00" is not a portal date-time (yyyyMMddHHmmss in Vietnam time, e.g. 20240315083000)',
      },
    ]);
  });

  it.each([
    ['channel 4', { KenhThucHien: 4 }, 'KenhThucHien', /must be 1 \(in person\), 2 \(online\) or 3 \(postal\) \(got 4\)/],
    ['status 0', { TrangThaiHoSo: 0 }, 'TrangThaiHoSo', /from 1 to 10 \(got 0\)/],
    ['a blank applicant', { ChuHoSo: '   ' }, 'ChuHoSo', /must not be blank/],
    ['an invalid case code', { MaHoSo: '000.00.02.H56-2403150001' }, 'MaHoSo', /is not a case code/],
    ['a return date on 31 April', { NgayTra: '20240431100000' }, 'NgayTra', /is not a portal date-time/],
    ['an appointment before the receipt', { NgayHenTra: '20240314170000' }, 'NgayHenTra', /is before NgayTiepNhan \(20240315083000\)/],
    [
      'a supplement request without its new appointment',
      { DanhSachHoSoBoSung: [{ NoiDungBoSung: 'Bổ sung ảnh', NgayHenTraTruoc: '20240325170000' } as never] },
      'DanhSachHoSoBoSung[0].NgayHenTraMoi',
      /is required/,
    ],
    ['a negative fee', { DanhSachLePhi: [{ TenPhiLePhi: 'Phí', Gia: -1 }] }, 'DanhSachLePhi[0].Gia', /at least 0/],
  ])('refuses %s', (_what, change, field, message) => {
    const problems = problemsOf(checkCaseBatch([sampleCase(change as never)]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ index: 0, field });
    expect(problems[0]!.message).toMatch(message);
  });

  it('accepts a supplement request that moves the appointment', () => {
    const supplement = { NoiDungBoSung: 'Bổ sung ảnh 4x6', NgayHenTraTruoc: '20240325170000', NgayHenTraMoi: '20240329170000' };
    expect(checkCaseBatch([sampleCase({ TrangThaiHoSo: 5, DanhSachHoSoBoSung: [supplement] })]).ok).toBe(true);
  });

  it.each([
    ['no data', undefined, /is required/],
    ['data that is not a list', { MaHoSo: 'x' }, /must be a list of records/],
    ['an empty list', [], /at least 1 record/],
    ['too many records', Array.from({ length: MAX_BATCH_RECORDS + 1 }, () => sampleCase()), /at most 1000 fit in one call/],
  ])('refuses a batch with %s', (_what, data, message) => {
    const problems = problemsOf(checkCaseBatch(data));
    expect(problems).toEqual([{ field: 'data', message: expect.stringMatching(message) }]);
  });

  it('refuses a record that is not an object', () => {
    expect(problemsOf(checkCaseBatch(['000.00.02.H56-240315-0001']))[0]).toMatchObject({ index: 0, field: '(record)' });
  });
});

describe('CapNhatTienDoHoSoMC batches', () => {
  it('accepts a record without the fields real senders leave out', () => {
    const { ChucDanh, PhongBanXuLy, NgayBatDau, NgayKetThucTheoQuyDinh, ...required } = sampleProgress();
    expect(checkProgressBatch([required, { ...required, ChucDanh: '', NgayBatDau: '' }]).ok).toBe(true);
  });

  it('names the record and field of each problem', () => {
    const problems = problemsOf(checkProgressBatch([sampleProgress(), sampleProgress({ ThoiDiemXuLy: '20240316', TrangThai: 12 as never })]));
    expect(problems.map((p) => [p.index, p.field])).toEqual([
      [1, 'ThoiDiemXuLy'],
      [1, 'TrangThai'],
    ]);
  });
});
