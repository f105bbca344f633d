import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDocumentPackage, buildStatusPackage } from './build-package';
import { parseEdxml } from './edxml';
import { EdxmlError } from './edxml-error';
import { DocumentPackage, StatusPackage } from './edxml-package';

/**
 * The packages in fixtures/hand-written were typed by hand; every expected value below is written out literally,
 * never computed by the project's own code, so the parser is checked against a person's reading of the format.
 */
const dir = join(__dirname, '..', 'fixtures', 'hand-written');
const bytes = (name: string): Buffer => readFileSync(join(dir, name));
const read = (name: string) => parseEdxml(bytes(name));
const documentIn = (name: string) => read(name).package as DocumentPackage;
const statusIn = (name: string) => read(name).package as StatusPackage;

const DOCUMENT_2041 = '000.00.02.H56,2026/11/23,2041/STP-HCTP';

describe('hand-written edXML packages', () => {
  describe('new-document.xml: a new công văn to two agencies, every header part, two attachments', () => {
    const pkg = documentIn('new-document.xml');

    it('reads the header as typed', () => {
      expect(pkg).toMatchObject({
        kind: 'document',
        from: {
          organId: '000.00.02.H56',
          organizationInCharge: 'UBND tỉnh Thanh Hóa',
          organName: 'Sở Tư pháp tỉnh Thanh Hóa',
          organAdd: '35 Hạc Thành, phường Hạc Thành, tỉnh Thanh Hóa',
          email: 'stp@thanhhoa.gov.vn',
          telephone: '0237 3852 187',
        },
        to: [
          { organId: '000.00.03.H56', organName: 'Sở Nội vụ tỉnh Thanh Hóa' },
          { organId: '000.00.31.H56', organName: 'UBND thành phố Thanh Hóa' },
        ],
        code: { codeNumber: '2041', codeNotation: 'STP-HCTP' },
        promulgationInfo: { place: 'Thanh Hóa', date: '2026/11/23' },
        documentType: { type: '1', typeDetail: '0', typeName: 'Công văn' },
        subject: 'V/v rà soát thủ tục hành chính lĩnh vực hộ tịch',
        content: 'Đề nghị các đơn vị rà soát & báo cáo trước ngày 30/11/2026.',
        signerInfo: { competence: 'KT. GIÁM ĐỐC', position: 'PHÓ GIÁM ĐỐC', fullName: 'Lê Thị Mai' },
        dueDate: '2026/11/30',
        toPlaces: ['Như trên', 'Lưu: VT, HCTP'],
        otherInfo: { priority: 2, sphereOfPromulgation: 'Trong tỉnh', typerNotation: 'HCTP', promulgationAmount: '5', pageAmount: '3', appendixes: ['Phụ lục I'], extra: {} },
        steeringType: 1,
        documentId: DOCUMENT_2041,
        traces: [{ organId: '000.00.02.H56', timestamp: '2026/11/23 14:05:09' }],
        business: { docType: 0, paper: '0', receiverChanges: [], replacements: [] },
        signature: 'none',
      });
    });

    it('decodes both attachments to the texts in the file comment, a wrapped base64 line included', () => {
      expect(pkg.attachments.map((a) => ({ ...a, content: a.content.toString('utf8') }))).toEqual([
        { contentId: 'att-1', name: 'cong-van-2041.txt', description: 'Công văn', contentType: 'text/plain', content: 'Xin chào Sở Nội vụ. Đề nghị rà soát thủ tục hành chính.\n' },
        { contentId: 'att-2', name: 'phu-luc-1.txt', description: 'Phụ lục', contentType: 'text/plain', content: 'Phụ lục I: Danh mục thủ tục hành chính lĩnh vực hộ tịch\n' },
      ]);
    });

    it('digests exactly the bytes of the file', () => {
      const parsed = read('new-document.xml');
      expect(parsed.sha256).toBe(createHash('sha256').update(bytes('new-document.xml')).digest('hex'));
      expect(parsed.bytes).toBe(bytes('new-document.xml').length);
    });

    it('is read back the same from what the builder makes of it (builder and parser agree on a reference)', () => {
      expect(parseEdxml(buildDocumentPackage(pkg)).package).toEqual(pkg);
    });
  });

  describe('sdk-quirks.xml and prefixed-root.xml: what real senders write', () => {
    it('accepts every quirk of the SDK sample and keeps what it carries', () => {
      const pkg = documentIn('sdk-quirks.xml');
      expect(pkg).toMatchObject({
        from: { organId: '000.00.00.H56', organName: 'UBND tỉnh Thanh Hóa' },
        to: [{ organId: '000.00.02.H56', organName: 'Sở Tư pháp' }],
        code: { codeNumber: '7816', codeNotation: 'UBND-TTĐT' },
        promulgationInfo: { place: 'Thanh Hóa', date: '2014/02/30' },
        documentId: '000.00.00.H56,2014/02/30,7816/UBND-TTĐT',
        otherInfo: { priority: 0, extra: { Direction: 'false' } },
        steeringType: 0,
        signature: 'empty',
        traces: [{ organId: '000.00.00.H56', timestamp: '2014/02/28 16:30:00' }],
      });
      expect(pkg.attachments).toEqual([{ contentId: 'vb-1', name: 'van-ban.txt', contentType: 'text/plain', content: Buffer.from('Văn bản thay thế\n', 'utf8') }]);
    });

    it('reads a package prefixed throughout as the same document as its default-namespace twin', () => {
      const { otherInfo: quirkyInfo, signature: _quirky, ...quirks } = documentIn('sdk-quirks.xml');
      const { otherInfo, signature, ...prefixed } = documentIn('prefixed-root.xml');
      expect(prefixed).toEqual(quirks);
      expect(otherInfo).toEqual({ ...quirkyInfo, extra: {} });
      expect(signature).toBe('none');
    });

    it('refuses the sample whole for its recipient 28.22.H17, naming the element', () => {
      let error: unknown;
      try {
        read('sdk-invalid-recipient.xml');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EdxmlError);
      expect((error as EdxmlError).problems).toEqual([expect.objectContaining({ code: 'EDXML_INVALID_ORGAN_ID', path: 'MessageHeader/To[2]/OrganId' })]);
    });
  });

  describe('revoke.xml, update.xml, replace.xml: BussinessDocType 1, 2 and 3', () => {
    it('revoke: the same DocumentId, type 1, the reason', () => {
      expect(documentIn('revoke.xml')).toMatchObject({
        documentId: DOCUMENT_2041,
        traces: [{ organId: '000.00.02.H56', timestamp: '2026/11/24 08:00:00' }],
        business: { docType: 1, reason: 'Ban hành nhầm đối tượng', documentId: DOCUMENT_2041, paper: '0', receiverChanges: [], replacements: [] },
      });
    });

    it('update: which parts changed, one recipient removed and one added', () => {
      expect(documentIn('update.xml').business).toEqual({
        docType: 2,
        reason: 'Bổ sung nơi nhận',
        documentId: DOCUMENT_2041,
        documentInfoChanged: true,
        receiversChanged: true,
        receiverChanges: [
          { organId: '000.00.31.H56', receiverType: 0 },
          { organId: '000.00.05.H56', receiverType: 1 },
        ],
        replacements: [],
      });
    });

    it('replace: a new DocumentId naming the replaced document and the agencies that had it', () => {
      expect(documentIn('replace.xml')).toMatchObject({
        documentId: '000.00.02.H56,2026/11/25,2057/STP-HCTP',
        code: { codeNumber: '2057', codeNotation: 'STP-HCTP' },
        business: {
          docType: 3,
          reason: 'Thay thế công văn số 2041/STP-HCTP',
          receiverChanges: [],
          replacements: [{ documentId: DOCUMENT_2041, organIds: ['000.00.03.H56', '000.00.31.H56'] }],
        },
      });
    });
  });

  describe('status-NN.xml: one business status package per code', () => {
    const fromSoNoiVu = { organId: '000.00.03.H56', organName: 'Sở Nội vụ tỉnh Thanh Hóa' };
    const cases: [string, string, string][] = [
      ['01', 'Văn bản đã đến hệ thống quản lý văn bản', '14:06:00'],
      ['02', 'Từ chối tiếp nhận: văn bản gửi nhầm đơn vị', '14:20:00'],
      ['03', 'Đã tiếp nhận văn bản', '14:30:00'],
      ['04', 'Đã phân công Phòng Cải cách hành chính xử lý', '15:00:00'],
      ['05', 'Đang xử lý', '15:30:00'],
      ['06', 'Đã hoàn thành xử lý văn bản', '16:45:00'],
      ['15', 'Đồng ý thu hồi văn bản', '17:10:00'],
      ['16', 'Từ chối thu hồi: văn bản đã được xử lý xong', '17:15:00'],
    ];

    it.each(cases)('status %s from the recipient goes back to the sender', (code, description, time) => {
      expect(statusIn(`status-${code}.xml`)).toEqual({
        kind: 'status',
        from: fromSoNoiVu,
        responseFor: { organId: '000.00.02.H56', code: '2041/STP-HCTP', promulgationDate: '2026/11/23', documentId: DOCUMENT_2041 },
        staffInfo: { department: 'Văn phòng', staff: 'Nguyễn Thị Hoa', mobile: '0912 345 678', email: 'vanthu@snv.thanhhoa.gov.vn' },
        statusCode: code,
        description,
        timestamp: `2026/11/23 ${time}`,
        traces: [{ organId: '000.00.03.H56', timestamp: `2026/11/23 ${time}` }],
        signature: 'none',
      });
    });

    it('status 13 comes from the sender and goes to a recipient', () => {
      expect(statusIn('status-13.xml')).toMatchObject({
        from: { organId: '000.00.02.H56', organName: 'Sở Tư pháp tỉnh Thanh Hóa' },
        responseFor: { organId: '000.00.03.H56', documentId: DOCUMENT_2041 },
        statusCode: '13',
        description: 'Đề nghị trả lại văn bản để thu hồi',
      });
    });

    it('is read back the same from what the builder makes of it', () => {
      const pkg = statusIn('status-03.xml');
      expect(parseEdxml(buildStatusPackage(pkg)).package).toEqual(pkg);
    });
  });
});
