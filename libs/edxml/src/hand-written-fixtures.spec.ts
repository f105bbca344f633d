import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDocumentPackage, buildStatusPackage } from './build-package';
import { parseEdxml } from './edxml';
import { EdxmlError } from './edxml-error';
import { Attachment, DocumentPackage, Organization, StatusPackage } from './edxml-package';

/**
 * The packages in fixtures/hand-written were typed by hand (see the README there). Every expected value below is
 * written out literally, as a person reads the file — never computed with the project's own code — so that the
 * parser is checked against the format, not against the builder.
 */
const dir = join(__dirname, '..', 'fixtures', 'hand-written');
const fileBytes = (name: string): Buffer => readFileSync(join(dir, name));
const parse = (name: string) => parseEdxml(fileBytes(name));

function documentIn(name: string): DocumentPackage {
  const pkg = parse(name).package;
  if (pkg.kind !== 'document') throw new Error(`${name} was read as a ${pkg.kind} package`);
  return pkg;
}

function statusIn(name: string): StatusPackage {
  const pkg = parse(name).package;
  if (pkg.kind !== 'status') throw new Error(`${name} was read as a ${pkg.kind} package`);
  return pkg;
}

// ---- What the files say, typed out -------------------------------------------------------------------------------

const DOCUMENT_2041 = '000.00.02.H56,2026/11/23,2041/STP-HCTP';

/** The decoded attachment texts, as each file's comment gives them. */
const TEXT_CONG_VAN_2041 = 'Xin chào Sở Nội vụ. Đề nghị rà soát thủ tục hành chính.\n';
const TEXT_PHU_LUC = 'Phụ lục I: Danh mục thủ tục hành chính lĩnh vực hộ tịch\n';
const TEXT_CONG_VAN_2057 = 'Công văn 2057/STP-HCTP thay thế Công văn 2041/STP-HCTP ngày 23/11/2026.\n';

const SO_TU_PHAP: Organization = {
  organId: '000.00.02.H56',
  organizationInCharge: 'UBND tỉnh Thanh Hóa',
  organName: 'Sở Tư pháp tỉnh Thanh Hóa',
  organAdd: '35 Hạc Thành, phường Hạc Thành, tỉnh Thanh Hóa',
  email: 'stp@thanhhoa.gov.vn',
  telephone: '0237 3852 187',
  fax: '0237 3852 188',
  website: 'https://sotuphap.thanhhoa.gov.vn',
};
const SO_NOI_VU: Organization = {
  organId: '000.00.03.H56',
  organizationInCharge: 'UBND tỉnh Thanh Hóa',
  organName: 'Sở Nội vụ tỉnh Thanh Hóa',
  email: 'snv@thanhhoa.gov.vn',
};
const TP_THANH_HOA: Organization = { organId: '000.00.31.H56', organizationInCharge: 'UBND tỉnh Thanh Hóa', organName: 'UBND thành phố Thanh Hóa' };
const SO_XAY_DUNG: Organization = { organId: '000.00.05.H56', organizationInCharge: 'UBND tỉnh Thanh Hóa', organName: 'Sở Xây dựng tỉnh Thanh Hóa' };

const CONG_VAN_2041: Attachment = {
  contentId: 'att-1',
  name: 'cong-van-2041.txt',
  description: 'Công văn',
  contentType: 'text/plain',
  content: Buffer.from(TEXT_CONG_VAN_2041, 'utf8'),
};
const PHU_LUC: Attachment = { contentId: 'att-2', name: 'phu-luc-1.txt', description: 'Phụ lục', contentType: 'text/plain', content: Buffer.from(TEXT_PHU_LUC, 'utf8') };

/** new-document.xml, field by field. */
const NEW_DOCUMENT: DocumentPackage = {
  kind: 'document',
  from: SO_TU_PHAP,
  to: [SO_NOI_VU, TP_THANH_HOA],
  code: { codeNumber: '2041', codeNotation: 'STP-HCTP' },
  promulgationInfo: { place: 'Thanh Hóa', date: '2026/11/23' },
  documentType: { type: '1', typeDetail: '0', typeName: 'Công văn' },
  subject: 'V/v rà soát thủ tục hành chính lĩnh vực hộ tịch',
  content: 'Đề nghị các đơn vị rà soát & báo cáo trước ngày 30/11/2026.',
  signerInfo: { competence: 'KT. GIÁM ĐỐC', position: 'PHÓ GIÁM ĐỐC', fullName: 'Lê Thị Mai' },
  dueDate: '2026/11/30',
  toPlaces: ['Như trên', 'Lưu: VT, HCTP'],
  otherInfo: {
    priority: 2,
    sphereOfPromulgation: 'Trong tỉnh',
    typerNotation: 'HCTP',
    promulgationAmount: '5',
    pageAmount: '3',
    appendixes: ['Phụ lục I'],
    extra: {},
  },
  responseFor: [],
  steeringType: 1,
  documentId: DOCUMENT_2041,
  traces: [{ organId: '000.00.02.H56', timestamp: '2026/11/23 14:05:09' }],
  business: { docType: 0, paper: '0', receiverChanges: [], replacements: [] },
  attachments: [CONG_VAN_2041, PHU_LUC],
  signature: 'none',
};

/** Every file the directory must hold: a file added there without a test here fails the first test. */
const ALL_FILES = [
  'README.md',
  'new-document-prefixed-root.xml',
  'new-document-sdk-invalid-recipient.xml',
  'new-document-sdk-quirks.xml',
  'new-document.xml',
  'replace.xml',
  'revoke.xml',
  'status-01.xml',
  'status-02.xml',
  'status-03.xml',
  'status-04.xml',
  'status-05.xml',
  'status-06.xml',
  'status-13.xml',
  'status-15.xml',
  'status-16.xml',
  'update.xml',
];
/** The files the parser accepts (all but the one with an unroutable recipient). */
const ACCEPTED = ALL_FILES.filter((f) => f.endsWith('.xml') && f !== 'new-document-sdk-invalid-recipient.xml');

describe('hand-written edXML packages (fixtures/hand-written)', () => {
  describe('the directory', () => {
    it('holds exactly the files this spec checks', () => {
      expect(readdirSync(dir).sort()).toEqual(ALL_FILES);
    });

    it.each(ACCEPTED)('%s: sha256 and bytes are those of the file as stored', (name) => {
      const raw = fileBytes(name);
      const parsed = parseEdxml(raw);
      expect(parsed.sha256).toBe(createHash('sha256').update(raw).digest('hex'));
      expect(parsed.bytes).toBe(raw.length);
      expect(parsed.text).toBe(raw.toString('utf8'));
    });
  });

  describe('new-document.xml: a new công văn (BussinessDocType 0) to two agencies, two attachments', () => {
    const pkg = documentIn('new-document.xml');

    it('reads the identity: DocumentId, From and To codes, Code, subject, BussinessDocType 0', () => {
      expect(pkg.kind).toBe('document');
      expect(pkg.documentId).toBe('000.00.02.H56,2026/11/23,2041/STP-HCTP');
      expect(pkg.from.organId).toBe('000.00.02.H56');
      expect(pkg.to.map((t) => t.organId)).toEqual(['000.00.03.H56', '000.00.31.H56']);
      expect(pkg.code).toEqual({ codeNumber: '2041', codeNotation: 'STP-HCTP' });
      expect(pkg.subject).toBe('V/v rà soát thủ tục hành chính lĩnh vực hộ tịch');
      expect(pkg.business.docType).toBe(0);
    });

    it('reads From with all eight fields and each To with what it carries', () => {
      expect(pkg.from).toEqual(SO_TU_PHAP);
      expect(pkg.to).toEqual([SO_NOI_VU, TP_THANH_HOA]);
    });

    it('reads the other header parts: promulgation, type, content (&amp; unescaped), signer, due date, places, OtherInfo, SteeringType', () => {
      expect(pkg.promulgationInfo).toEqual({ place: 'Thanh Hóa', date: '2026/11/23' });
      expect(pkg.documentType).toEqual({ type: '1', typeDetail: '0', typeName: 'Công văn' });
      expect(pkg.content).toBe('Đề nghị các đơn vị rà soát & báo cáo trước ngày 30/11/2026.');
      expect(pkg.signerInfo).toEqual({ competence: 'KT. GIÁM ĐỐC', position: 'PHÓ GIÁM ĐỐC', fullName: 'Lê Thị Mai' });
      expect(pkg.dueDate).toBe('2026/11/30');
      expect(pkg.toPlaces).toEqual(['Như trên', 'Lưu: VT, HCTP']);
      expect(pkg.otherInfo).toEqual({
        priority: 2,
        sphereOfPromulgation: 'Trong tỉnh',
        typerNotation: 'HCTP',
        promulgationAmount: '5',
        pageAmount: '3',
        appendixes: ['Phụ lục I'],
        extra: {},
      });
      expect(pkg.steeringType).toBe(1);
      expect(pkg.responseFor).toEqual([]);
    });

    it('reads one TraceHeader and the Bussiness block', () => {
      expect(pkg.traces).toEqual([{ organId: '000.00.02.H56', timestamp: '2026/11/23 14:05:09' }]);
      expect(pkg.business).toEqual({ docType: 0, paper: '0', receiverChanges: [], replacements: [] });
    });

    it('reads both attachments by name and decodes them to the texts in the file comment, the wrapped base64 included', () => {
      expect(pkg.attachments.map((a) => a.name)).toEqual(['cong-van-2041.txt', 'phu-luc-1.txt']);
      expect(pkg.attachments.map((a) => a.content.toString('utf8'))).toEqual([
        'Xin chào Sở Nội vụ. Đề nghị rà soát thủ tục hành chính.\n',
        'Phụ lục I: Danh mục thủ tục hành chính lĩnh vực hộ tịch\n',
      ]);
      expect(pkg.attachments).toEqual([CONG_VAN_2041, PHU_LUC]);
    });

    it('is unsigned and equals the literal reference as a whole', () => {
      expect(pkg.signature).toBe('none');
      expect(pkg).toEqual(NEW_DOCUMENT);
    });

    it('is read back the same from what build-package.ts makes of it (builder and parser agree on a hand-written reference)', () => {
      const rebuilt = parseEdxml(buildDocumentPackage(pkg)).package;
      expect(rebuilt).toEqual(pkg);
      expect(rebuilt).toEqual(NEW_DOCUMENT);
    });
  });

  describe('new-document-sdk-quirks.xml: the same document as the Government Office SDK sample writes packages', () => {
    const pkg = documentIn('new-document-sdk-quirks.xml');
    const QUIRK_RESPONSE_FOR = {
      organId: '000.00.00.H56',
      code: '7816/UBND-TTĐT',
      promulgationDate: '2014/02/30',
      documentId: '000.00.00.H56,2014/02/30,7816/UBND-TTĐT',
    };

    it('QUIRK 1: an empty, unprefixed <Signature> in edXMLHeader is read as an empty signature, not a missing or broken one', () => {
      expect(pkg.signature).toBe('empty');
    });

    it('QUIRK 2: "cid:" kept in AttachmentEncoded/ContentId is dropped, and the attachments decode as in new-document.xml', () => {
      expect(pkg.attachments.map((a) => a.contentId)).toEqual(['att-1', 'att-2']);
      expect(pkg.attachments.map((a) => a.content.toString('utf8'))).toEqual([TEXT_CONG_VAN_2041, TEXT_PHU_LUC]);
      expect(pkg.attachments).toEqual([CONG_VAN_2041, PHU_LUC]);
    });

    it('QUIRK 3: OtherInfo/Direction, outside the standard list, is kept as text in otherInfo.extra', () => {
      expect(pkg.otherInfo.extra).toEqual({ Direction: 'false' });
    });

    it('QUIRK 4: a ResponseFor dated 30 February 2014 is kept as written', () => {
      expect(pkg.responseFor).toEqual([QUIRK_RESPONSE_FOR]);
    });

    it('reads every other field exactly as new-document.xml, parsed and literal', () => {
      const quirksOnly = { signature: 'empty', otherInfo: { ...NEW_DOCUMENT.otherInfo, extra: { Direction: 'false' } }, responseFor: [QUIRK_RESPONSE_FOR] };
      expect(pkg).toEqual({ ...documentIn('new-document.xml'), ...quirksOnly });
      expect(pkg).toEqual({ ...NEW_DOCUMENT, ...quirksOnly });
    });
  });

  describe('new-document-sdk-invalid-recipient.xml: the SDK quirk that is not accepted', () => {
    it('refuses the package whole for its recipient 28.22.H17, naming that element and nothing else', () => {
      let error: unknown;
      try {
        parse('new-document-sdk-invalid-recipient.xml');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EdxmlError);
      expect((error as EdxmlError).code).toBe('EDXML_INVALID_ORGAN_ID');
      expect((error as EdxmlError).problems).toEqual([expect.objectContaining({ code: 'EDXML_INVALID_ORGAN_ID', path: 'MessageHeader/To[3]/OrganId' })]);
      expect((error as EdxmlError).problems[0].message).toContain('28.22.H17');
    });
  });

  describe('new-document-prefixed-root.xml: edXML: on every element, the root included', () => {
    const parsed = parse('new-document-prefixed-root.xml');

    it('really is prefixed at the root and on the attachments', () => {
      expect(parsed.root.name).toBe('edXML:edXML');
      expect(parsed.text).toContain('<edXML:AttachmentEncoded>');
      expect(parsed.text).not.toMatch(/<(?!\/|\?|!|edXML:)/);
    });

    it('reads identically to the unprefixed new-document.xml, and to the literal reference', () => {
      expect(parsed.package).toEqual(documentIn('new-document.xml'));
      expect(parsed.package).toEqual(NEW_DOCUMENT);
    });
  });

  describe('revoke.xml, update.xml, replace.xml: BussinessDocType 1, 2 and 3', () => {
    it('revoke.xml: BussinessDocType 1 with its reason and the revoked DocumentId; the rest is the document as sent', () => {
      const pkg = documentIn('revoke.xml');
      expect(pkg.documentId).toBe(DOCUMENT_2041);
      expect(pkg.business).toEqual({
        docType: 1,
        reason: 'Ban hành nhầm đối tượng',
        documentId: '000.00.02.H56,2026/11/23,2041/STP-HCTP',
        paper: '0',
        receiverChanges: [],
        replacements: [],
      });
      expect(pkg.traces).toEqual([{ organId: '000.00.02.H56', timestamp: '2026/11/24 08:00:00' }]);
      expect(pkg).toEqual({ ...NEW_DOCUMENT, traces: pkg.traces, business: pkg.business });
    });

    it('update.xml: BussinessDocType 2, both parts flagged changed, 000.00.31.H56 removed (0) and 000.00.05.H56 added (1)', () => {
      const pkg = documentIn('update.xml');
      expect(pkg.business).toEqual({
        docType: 2,
        reason: 'Gia hạn thời hạn báo cáo; điều chỉnh nơi nhận',
        documentId: '000.00.02.H56,2026/11/23,2041/STP-HCTP',
        documentInfoChanged: true,
        receiversChanged: true,
        receiverChanges: [
          { organId: '000.00.31.H56', receiverType: 0 },
          { organId: '000.00.05.H56', receiverType: 1 },
        ],
        replacements: [],
      });
    });

    it('update.xml: the changed document info and all three recipients; everything else as new-document.xml', () => {
      const pkg = documentIn('update.xml');
      expect(pkg.documentId).toBe(DOCUMENT_2041);
      expect(pkg.to.map((t) => t.organId)).toEqual(['000.00.03.H56', '000.00.31.H56', '000.00.05.H56']);
      expect(pkg.content).toBe('Đề nghị các đơn vị rà soát & báo cáo trước ngày 05/12/2026.');
      expect(pkg.dueDate).toBe('2026/12/05');
      expect(pkg.traces).toEqual([{ organId: '000.00.02.H56', timestamp: '2026/11/24 09:30:00' }]);
      expect(pkg).toEqual({
        ...NEW_DOCUMENT,
        to: [SO_NOI_VU, TP_THANH_HOA, SO_XAY_DUNG],
        content: 'Đề nghị các đơn vị rà soát & báo cáo trước ngày 05/12/2026.',
        dueDate: '2026/12/05',
        traces: [{ organId: '000.00.02.H56', timestamp: '2026/11/24 09:30:00' }],
        business: pkg.business,
      });
    });

    it('replace.xml: BussinessDocType 3, a new DocumentId, ReplacementInfo naming the replaced document and who had it', () => {
      const pkg = documentIn('replace.xml');
      expect(pkg.documentId).toBe('000.00.02.H56,2026/11/25,2057/STP-HCTP');
      expect(pkg.business).toEqual({
        docType: 3,
        reason: 'Thay thế công văn số 2041/STP-HCTP',
        receiverChanges: [],
        replacements: [{ documentId: '000.00.02.H56,2026/11/23,2041/STP-HCTP', organIds: ['000.00.03.H56', '000.00.31.H56'] }],
      });
    });

    it('replace.xml: its own code, date, subject and first attachment; everything else as new-document.xml', () => {
      const pkg = documentIn('replace.xml');
      expect(pkg.attachments.map((a) => a.name)).toEqual(['cong-van-2057.txt', 'phu-luc-1.txt']);
      expect(pkg.attachments[0].content.toString('utf8')).toBe('Công văn 2057/STP-HCTP thay thế Công văn 2041/STP-HCTP ngày 23/11/2026.\n');
      expect(pkg).toEqual({
        ...NEW_DOCUMENT,
        code: { codeNumber: '2057', codeNotation: 'STP-HCTP' },
        promulgationInfo: { place: 'Thanh Hóa', date: '2026/11/25' },
        subject: 'V/v rà soát thủ tục hành chính lĩnh vực hộ tịch (thay thế Công văn số 2041/STP-HCTP)',
        documentId: '000.00.02.H56,2026/11/25,2057/STP-HCTP',
        traces: [{ organId: '000.00.02.H56', timestamp: '2026/11/25 10:00:00' }],
        business: pkg.business,
        attachments: [{ ...CONG_VAN_2041, name: 'cong-van-2057.txt', content: Buffer.from(TEXT_CONG_VAN_2057, 'utf8') }, PHU_LUC],
      });
    });
  });

  describe('status-NN.xml: one business status package per code of DOMAIN.md (01–06, 13, 15, 16)', () => {
    const fromSoNoiVu: Organization = { organId: '000.00.03.H56', organName: 'Sở Nội vụ tỉnh Thanh Hóa' };
    const answersTheDocument = { organId: '000.00.02.H56', code: '2041/STP-HCTP', promulgationDate: '2026/11/23', documentId: DOCUMENT_2041 };
    const staffOfSoNoiVu = { department: 'Văn phòng', staff: 'Nguyễn Thị Hoa', mobile: '0912 345 678', email: 'vanthu@snv.thanhhoa.gov.vn' };
    const fromTheReceiver: [string, string, string][] = [
      ['01', 'Văn bản đã đến hệ thống quản lý văn bản', '2026/11/23 14:06:00'],
      ['02', 'Từ chối tiếp nhận: văn bản gửi nhầm đơn vị', '2026/11/23 14:20:00'],
      ['03', 'Đã tiếp nhận văn bản', '2026/11/23 14:30:00'],
      ['04', 'Đã phân công Phòng Cải cách hành chính xử lý', '2026/11/23 15:00:00'],
      ['05', 'Đang xử lý', '2026/11/23 15:30:00'],
      ['06', 'Đã hoàn thành xử lý văn bản', '2026/11/23 16:45:00'],
      ['15', 'Đồng ý thu hồi văn bản', '2026/11/23 17:10:00'],
      ['16', 'Từ chối thu hồi: văn bản đã được xử lý xong', '2026/11/23 17:15:00'],
    ];

    it.each(fromTheReceiver)('status-%s.xml: from Sở Nội vụ back to the sender, code, description and time as typed', (code, description, timestamp) => {
      expect(statusIn(`status-${code}.xml`)).toEqual({
        kind: 'status',
        from: fromSoNoiVu,
        responseFor: answersTheDocument,
        staffInfo: staffOfSoNoiVu,
        statusCode: code,
        description,
        timestamp,
        traces: [{ organId: '000.00.03.H56', timestamp }],
        signature: 'none',
      });
    });

    it('status-13.xml: take back, sent by the sender (Sở Tư pháp) to a recipient, about the same DocumentId', () => {
      expect(statusIn('status-13.xml')).toEqual({
        kind: 'status',
        from: { organId: '000.00.02.H56', organName: 'Sở Tư pháp tỉnh Thanh Hóa' },
        responseFor: { organId: '000.00.03.H56', code: '2041/STP-HCTP', promulgationDate: '2026/11/23', documentId: DOCUMENT_2041 },
        staffInfo: { department: 'Văn phòng', staff: 'Trần Văn Nam', mobile: '0912 345 678', email: 'vanthu@stp.thanhhoa.gov.vn' },
        statusCode: '13',
        description: 'Đề nghị trả lại văn bản để thu hồi',
        timestamp: '2026/11/23 17:00:00',
        traces: [{ organId: '000.00.02.H56', timestamp: '2026/11/23 17:00:00' }],
        signature: 'none',
      });
    });

    it('covers every status code DOMAIN.md lists, each pointing at the DocumentId of new-document.xml', () => {
      const codes = ALL_FILES.filter((f) => f.startsWith('status-')).map((f) => statusIn(f));
      expect(codes.map((s) => s.statusCode)).toEqual(['01', '02', '03', '04', '05', '06', '13', '15', '16']);
      expect(new Set(codes.map((s) => s.responseFor.documentId))).toEqual(new Set([DOCUMENT_2041]));
    });

    it('status-03.xml is read back the same from what build-package.ts makes of it', () => {
      const pkg = statusIn('status-03.xml');
      expect(parseEdxml(buildStatusPackage(pkg)).package).toEqual(pkg);
    });
  });
});
