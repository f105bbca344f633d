import { appendTraceHeader, buildDocumentPackage, buildStatusPackage, DEFAULT_EDXML_LIMITS, EdxmlError, parseEdxml } from './index';
import { sampleDocument, sampleStatus } from './testing/sample-packages';

function refusal(input: string | Buffer, limits = DEFAULT_EDXML_LIMITS): EdxmlError {
  try {
    parseEdxml(input, limits);
  } catch (error) {
    if (error instanceof EdxmlError) return error;
    throw error;
  }
  throw new Error('the package was accepted');
}

describe('edXML packages', () => {
  describe('builder and reader', () => {
    it('reads back every field the builder wrote', () => {
      const input = sampleDocument();
      const { package: pkg } = parseEdxml(buildDocumentPackage(input));
      expect(pkg).toEqual({ kind: 'document', signature: 'none', responseFor: [], ...input, otherInfo: { ...input.otherInfo } });
    });

    it('reads back a status package', () => {
      const input = sampleStatus();
      expect(parseEdxml(buildStatusPackage(input)).package).toEqual({ kind: 'status', signature: 'none', ...input });
    });

    it('writes the SDK shape: default-namespace root, edXML:-prefixed envelope, unprefixed attachments beside it', () => {
      const xml = buildDocumentPackage(sampleDocument());
      expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<edXML xmlns="http:\/\/www.mic.gov.vn\/TBT\/QCVN_102_2016">/);
      expect(xml).toContain('<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">');
      expect(xml).toContain('<edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType>');
      expect(xml).toContain('</edXML:edXMLEnvelope><AttachmentEncoded><Attachment><ContentId>att-1</ContentId>');
      expect(xml).toContain('<edXML:Reference><edXML:ContentId>cid:att-1</edXML:ContentId>');
      // Text is escaped, not trusted.
      expect(xml).toContain('rà soát &amp; báo cáo trước ngày 30/11 &lt;gấp&gt;');
    });

    it('gives the SHA-256 of the bytes as received, for the receipt', () => {
      const xml = buildDocumentPackage(sampleDocument());
      const parsed = parseEdxml(Buffer.from(xml));
      expect(parsed.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(parsed.sha256).toBe(require('node:crypto').createHash('sha256').update(xml).digest('hex'));
      expect(parsed.bytes).toBe(Buffer.byteLength(xml));
    });

    it('appends a hop after the last TraceHeader, before Bussiness, adding nothing else', () => {
      const xml = buildDocumentPackage(sampleDocument());
      const parsed = parseEdxml(xml);
      const next = appendTraceHeader(parsed, { organId: '000.00.00.H56', timestamp: '2026/11/20 08:15:01' });
      expect(parseEdxml(next).package).toMatchObject({
        traces: [
          { organId: '000.00.02.H56', timestamp: '2026/11/20 08:15:00' },
          { organId: '000.00.00.H56', timestamp: '2026/11/20 08:15:01' },
        ],
      });
      expect(next).toContain('08:15:00</edXML:Timestamp></edXML:TraceHeader><edXML:TraceHeader><edXML:OrganId>000.00.00.H56');
    });

    it('reads update and replace packages', () => {
      const update = parseEdxml(
        buildDocumentPackage(
          sampleDocument({
            business: {
              docType: 2,
              reason: 'Bổ sung nơi nhận',
              documentInfoChanged: false,
              receiversChanged: true,
              receiverChanges: [
                { organId: '000.00.31.H56', receiverType: 0 },
                { organId: '000.00.05.H56', receiverType: 1 },
              ],
              replacements: [],
            },
          }),
        ),
      ).package;
      expect(update).toMatchObject({ business: { docType: 2, receiversChanged: true, documentInfoChanged: false, receiverChanges: [{ receiverType: 0 }, { receiverType: 1 }] } });
      const replace = parseEdxml(
        buildDocumentPackage(
          sampleDocument({
            business: { docType: 3, receiverChanges: [], replacements: [{ documentId: '000.00.02.H56,2026/11/01,1100/STP-HCTP', organIds: ['000.00.03.H56', '000.00.31.H56'] }] },
          }),
        ),
      ).package;
      expect(replace).toMatchObject({ business: { docType: 3, replacements: [{ organIds: ['000.00.03.H56', '000.00.31.H56'] }] } });
    });
  });

  describe('bad input', () => {
    it('refuses what is not XML', () => {
      expect(refusal('{"subject":"not xml"}')).toMatchObject({ code: 'EDXML_NOT_XML', httpStatus: 400 });
      expect(refusal('<edXML><unclosed></edXML>').code).toBe('EDXML_NOT_XML');
      expect(refusal(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e])).message).toMatch(/UTF-8/);
    });

    it('refuses any DOCTYPE: external entities (XXE) never resolve', () => {
      const xxe = '<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&xxe;</edXML>';
      const error = refusal(xxe);
      expect(error.code).toBe('EDXML_DTD_FORBIDDEN');
      expect(error.message).not.toContain('root:');
    });

    it('refuses an entity-expansion bomb before expanding anything', () => {
      const entities = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
      const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${entities}]><edXML>&lol10;</edXML>`;
      expect(refusal(bomb).code).toBe('EDXML_DTD_FORBIDDEN');
    });

    it('refuses a nesting bomb and too many elements', () => {
      const deep = `<edXML>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</edXML>`;
      expect(refusal(deep).code).toBe('EDXML_TOO_DEEP');
      const wide = `<edXML>${'<a/>'.repeat(20_000)}</edXML>`;
      expect(refusal(wide).code).toBe('EDXML_TOO_MANY_NODES');
    });

    it('refuses a package over the size limit with 413, and an attachment over its own limit', () => {
      const xml = buildDocumentPackage(sampleDocument({ attachments: [{ contentId: 'big', name: 'big.pdf', contentType: 'application/pdf', content: Buffer.alloc(3000, 1) }] }));
      expect(refusal(xml, { ...DEFAULT_EDXML_LIMITS, maxPackageBytes: 1000 })).toMatchObject({ code: 'EDXML_TOO_LARGE', httpStatus: 413 });
      const error = refusal(xml, { ...DEFAULT_EDXML_LIMITS, maxAttachmentBytes: 2048 });
      expect(error).toMatchObject({ code: 'EDXML_ATTACHMENT_TOO_LARGE', httpStatus: 413 });
      expect(error.problems[0].path).toBe('AttachmentEncoded/Attachment[1]/ContentTransferEncoded');
    });

    it('refuses broken base64 in an attachment', () => {
      const xml = buildDocumentPackage(sampleDocument()).replace(/<ContentTransferEncoded>[^<]+</, '<ContentTransferEncoded>JVBERi0x*&amp;#not-base64<');
      expect(refusal(xml)).toMatchObject({ code: 'EDXML_ATTACHMENT_BAD_BASE64', message: 'Attachment "cong-van-1234.pdf" (AttachmentEncoded/Attachment[1]/ContentTransferEncoded) is not valid base64.' });
    });

    it('refuses attachments that do not match the manifest, either way', () => {
      const noBody = buildDocumentPackage(sampleDocument()).replace(/<AttachmentEncoded>.*<\/AttachmentEncoded>/s, '');
      expect(refusal(noBody).message).toContain('references attachment cid:att-1, but the package does not carry it');
      const noReference = buildDocumentPackage(sampleDocument()).replace(/<edXML:Reference>.*<\/edXML:Reference>/s, '');
      expect(refusal(noReference).code).toBe('EDXML_ATTACHMENT_MISMATCH');
    });

    it('refuses a package missing required header parts, naming every one', () => {
      const xml = buildDocumentPackage(sampleDocument())
        .replace(/<edXML:Subject>[^<]*<\/edXML:Subject>/, '')
        .replace(/<edXML:DocumentId>[^<]*<\/edXML:DocumentId>/, '')
        .replace(/<edXML:To>.*?<\/edXML:To>/gs, '');
      const error = refusal(xml);
      expect(error.code).toBe('EDXML_MISSING_PART');
      expect(error.problems.map((p) => p.path)).toEqual(['MessageHeader/To', 'MessageHeader/Subject', 'MessageHeader/DocumentId']);
      expect(error.message).toBe('MessageHeader/To is required but missing or empty. (and 2 more problems)');
    });

    it('refuses a root that is not edXML, and an edXML without its envelope', () => {
      expect(refusal('<html xmlns="http://www.w3.org/1999/xhtml"/>').code).toBe('EDXML_NOT_EDXML');
      expect(refusal('<edXML xmlns="urn:other"/>').code).toBe('EDXML_NOT_EDXML');
      expect(refusal('<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>')).toMatchObject({ code: 'EDXML_MISSING_PART', message: 'The package has no edXMLEnvelope.' });
    });

    it('refuses an invalid OrganId, wherever it is', () => {
      const error = refusal(buildDocumentPackage(sampleDocument({ from: { organId: '28.22.H17' } })));
      expect(error).toMatchObject({ code: 'EDXML_INVALID_ORGAN_ID' });
      expect(error.problems[0]).toEqual({
        code: 'EDXML_INVALID_ORGAN_ID',
        path: 'MessageHeader/From/OrganId',
        message: expect.stringMatching(/^MessageHeader\/From\/OrganId "28.22.H17" is not a QCVN 102 agency code: it has 3 segments; expected four dot-separated segments like 000.00.00.H56/),
      });
      const badTo = refusal(buildDocumentPackage(sampleDocument({ to: [{ organId: '000.00.03.H56' }, { organId: '000.00.3.H56' }] })));
      expect(badTo.problems.map((p) => p.path)).toEqual(['MessageHeader/To[2]/OrganId']);
    });

    it('refuses out-of-range enumerations and malformed identifiers', () => {
      expect(refusal(buildStatusPackage(sampleStatus({ statusCode: '07' as never }))).message).toBe(
        'MessageHeader/StatusCode "07" is not one of 01, 02, 03, 04, 05, 06, 13, 15, 16.',
      );
      expect(refusal(buildDocumentPackage(sampleDocument({ business: { docType: 4 as never, receiverChanges: [], replacements: [] } }))).problems[0].path).toBe(
        'TraceHeaderList/Bussiness/BussinessDocType',
      );
      expect(refusal(buildDocumentPackage(sampleDocument({ documentId: '1234/STP-HCTP' }))).problems[0].message).toContain('{OrganId},{YYYY/MM/DD},{number/notation}');
      expect(refusal(buildDocumentPackage(sampleDocument({ otherInfo: { priority: 9 } }))).problems[0].path).toBe('MessageHeader/OtherInfo/Priority');
      expect(refusal(buildStatusPackage(sampleStatus({ timestamp: '20/11/2026 09:00' }))).problems[0].path).toBe('MessageHeader/Timestamp');
    });

    it('takes identifiers as strings: 30 February in a DocumentId is not an error', () => {
      expect(parseEdxml(buildDocumentPackage(sampleDocument({ documentId: '000.00.02.H56,2014/02/30,12/STP' }))).package).toMatchObject({ documentId: '000.00.02.H56,2014/02/30,12/STP' });
    });
  });
});
