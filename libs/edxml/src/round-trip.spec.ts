import fc from 'fast-check';
import { buildDocumentPackage, buildStatusPackage, DocumentPackageInput, EdxmlError, parseEdxml, StatusCode, STATUS_CODES } from './index';

/** Text as agencies write it: Vietnamese letters, punctuation XML must escape, and line breaks — never blank. */
const text = fc
  .string({ unit: fc.constantFrom(...'aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậđèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ ABCĐ<>&"\'/\n0123456789'.split('')), minLength: 1, maxLength: 40 })
  .filter((s) => s.trim() === s && s.trim() !== '');
/** Valid QCVN 102 codes of levels 2 and 3 (a level may be set only when the one above it is). */
const organId = fc
  .tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('H56', 'G22', 'H17', 'K01'))
  .map(([l2, l3, group]) => `000.${String(l3).padStart(2, '0')}.${String(l2).padStart(2, '0')}.${group}`);
const date = fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })).map(
  ([y, m, d]) => `${y}/${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}`,
);
const timestamp = fc.tuple(date, fc.integer({ min: 0, max: 86_399 })).map(([d, s]) => {
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  return `${d} ${hh}:${mm}:${String(s % 60).padStart(2, '0')}`;
});

const documentInput: fc.Arbitrary<DocumentPackageInput> = fc
  .record({
    from: organId,
    to: fc.uniqueArray(organId, { minLength: 1, maxLength: 5 }),
    number: fc.integer({ min: 1, max: 99_999 }),
    notation: fc.constantFrom('UBND-VP', 'STP-HCTP', 'QĐ-UBND', 'KH-SNV'),
    date,
    subject: text,
    content: fc.option(text, { nil: undefined }),
    priority: fc.integer({ min: 0, max: 4 }),
    docType: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>,
    traces: fc.array(fc.record({ organId, timestamp }), { maxLength: 3 }),
    attachments: fc.uniqueArray(fc.record({ contentId: fc.stringMatching(/^[a-z0-9-]{1,12}$/), name: text, contentType: fc.constantFrom('application/pdf', 'text/plain'), content: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) }), {
      maxLength: 3,
      selector: (a) => a.contentId,
    }),
  })
  .map((r) => ({
    from: { organId: r.from },
    to: r.to.map((id) => ({ organId: id })),
    code: { codeNumber: String(r.number), codeNotation: r.notation },
    promulgationInfo: { date: r.date },
    documentType: { type: '1' },
    subject: r.subject,
    ...(r.content === undefined ? {} : { content: r.content }),
    otherInfo: { priority: r.priority, appendixes: [], extra: {} },
    documentId: `${r.from},${r.date},${r.number}/${r.notation}`,
    traces: r.traces,
    business:
      r.docType === 3
        ? { docType: r.docType, receiverChanges: [], replacements: [{ documentId: `${r.from},${r.date},1/${r.notation}`, organIds: r.to }] }
        : { docType: r.docType, receiverChanges: [], replacements: [] },
    attachments: r.attachments,
  }));

describe('edXML builder and reader, over generated packages', () => {
  it('reads back exactly what was built', () => {
    fc.assert(
      fc.property(documentInput, (input) => {
        const read = parseEdxml(buildDocumentPackage(input)).package;
        expect(read).toEqual({ kind: 'document', signature: 'none', toPlaces: [], responseFor: [], ...input });
      }),
      { numRuns: 200 },
    );
  });

  it('reads back every status code', () => {
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(STATUS_CODES) as StatusCode[])), organId, organId, timestamp, text, (statusCode, from, to, at, description) => {
        const input = { from: { organId: from }, responseFor: { organId: to, documentId: `${to},2026/11/20,1/UBND-VP` }, statusCode, description, timestamp: at, traces: [] };
        expect(parseEdxml(buildStatusPackage(input)).package).toEqual({ kind: 'status', signature: 'none', ...input });
      }),
    );
  });

  it('answers any input with a package or an EdxmlError, never anything else', () => {
    const base = buildDocumentPackage({
      from: { organId: '000.00.02.H56' },
      to: [{ organId: '000.00.03.H56' }],
      code: { codeNumber: '1', codeNotation: 'STP' },
      promulgationInfo: { date: '2026/11/20' },
      documentType: { type: '1' },
      subject: 'Thử',
      documentId: '000.00.02.H56,2026/11/20,1/STP',
    });
    // Random damage to a valid package: cut it, splice bytes into it, or replace a stretch.
    const damaged = fc.tuple(fc.nat({ max: base.length }), fc.nat({ max: 40 }), fc.string({ maxLength: 20 })).map(([at, cut, insert]) => base.slice(0, at) + insert + base.slice(at + cut));
    fc.assert(
      fc.property(fc.oneof(damaged, fc.string(), fc.uint8Array().map((b) => Buffer.from(b))), (input) => {
        try {
          parseEdxml(input);
        } catch (error) {
          expect(error).toBeInstanceOf(EdxmlError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
