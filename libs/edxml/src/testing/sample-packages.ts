import { DocumentPackageInput, StatusPackageInput } from '../build-package';

/** A new công văn from Sở Tư pháp to two units of Thanh Hóa, with one attachment: the builder's reference input. */
export function sampleDocument(overrides: Partial<DocumentPackageInput> = {}): DocumentPackageInput {
  return {
    from: { organId: '000.00.02.H56', organName: 'Sở Tư pháp tỉnh Thanh Hóa', organAdd: '35 Hạc Thành, TP Thanh Hóa', email: 'stp@thanhhoa.gov.vn' },
    to: [
      { organId: '000.00.03.H56', organName: 'Sở Nội vụ tỉnh Thanh Hóa' },
      { organId: '000.00.31.H56', organName: 'UBND thành phố Thanh Hóa' },
    ],
    code: { codeNumber: '1234', codeNotation: 'STP-HCTP' },
    promulgationInfo: { place: 'Thanh Hóa', date: '2026/11/20' },
    documentType: { type: '1', typeDetail: '0', typeName: 'Công văn' },
    subject: 'V/v rà soát thủ tục hành chính lĩnh vực hộ tịch năm 2026',
    content: 'Đề nghị các đơn vị rà soát & báo cáo trước ngày 30/11 <gấp>.',
    signerInfo: { competence: 'KT. GIÁM ĐỐC', position: 'PHÓ GIÁM ĐỐC', fullName: 'Lê Văn Bình' },
    dueDate: '2026/11/30',
    toPlaces: ['Như trên', 'Lưu: VT, HCTP'],
    otherInfo: { priority: 1, sphereOfPromulgation: 'Trong tỉnh', pageAmount: '2', appendixes: ['Phụ lục I'], extra: {} },
    steeringType: 1,
    documentId: '000.00.02.H56,2026/11/20,1234/STP-HCTP',
    traces: [{ organId: '000.00.02.H56', timestamp: '2026/11/20 08:15:00' }],
    business: { docType: 0, paper: '0', receiverChanges: [], replacements: [] },
    attachments: [{ contentId: 'att-1', name: 'cong-van-1234.pdf', description: 'Văn bản', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4\n% test\n') }],
    ...overrides,
  };
}

/** Status 03 (accepted) from Sở Nội vụ about the sample document. */
export function sampleStatus(overrides: Partial<StatusPackageInput> = {}): StatusPackageInput {
  return {
    from: { organId: '000.00.03.H56', organName: 'Sở Nội vụ tỉnh Thanh Hóa' },
    responseFor: { organId: '000.00.02.H56', code: '1234/STP-HCTP', promulgationDate: '2026/11/20', documentId: '000.00.02.H56,2026/11/20,1234/STP-HCTP' },
    staffInfo: { department: 'Văn phòng', staff: 'Nguyễn Thị Hoa', email: 'vanthu@snv.thanhhoa.gov.vn' },
    statusCode: '03',
    description: 'Đã tiếp nhận văn bản',
    timestamp: '2026/11/20 09:00:00',
    traces: [{ organId: '000.00.03.H56', timestamp: '2026/11/20 09:00:01' }],
    ...overrides,
  };
}
