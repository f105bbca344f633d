import { InvalidAgencyCodeError, isAgencyCode, parseAgencyCode } from '@lgsp/registry';
import { childElement, childElements, childText, descendants, isEdxmlElement, textContent, textOf, XmlElement } from './xml-tree';
import { EdxmlError, EdxmlProblem, problem } from './edxml-error';
import { BusinessDocType, DOCUMENT_ID, EDXML_DATE, EDXML_TIMESTAMP, isStatusCode, STATUS_CODES, XMLDSIG_NS } from './edxml-format';
import {
  Attachment,
  Business,
  DocumentPackage,
  EdxmlPackage,
  Organization,
  OtherInfo,
  ResponseFor,
  SignaturePresence,
  StaffInfo,
  StatusPackage,
  TraceHeader,
} from './edxml-package';
import { EdxmlLimits } from './limits';

/** The parts every package has, found once. */
export interface EnvelopeParts {
  root: XmlElement;
  header: XmlElement;
  messageHeader: XmlElement;
  traceHeaderList?: XmlElement;
  body?: XmlElement;
}

const OTHER_INFO_KNOWN = new Set(['Priority', 'SphereOfPromulgation', 'TyperNotation', 'PromulgationAmount', 'PageAmount', 'Appendixes']);
const ORGANIZATION_FIELDS = ['OrganizationInCharge', 'OrganName', 'OrganAdd', 'Email', 'Telephone', 'Fax', 'Website'] as const;

/** Locates root, envelope, header and message header, or says which one is missing. */
export function envelopeParts(root: XmlElement): EnvelopeParts {
  if (!isEdxmlElement(root) || root.local !== 'edXML') {
    throw new EdxmlError(problem('EDXML_NOT_EDXML', root.local, `The root element is <${root.name}>, not edXML's <edXML> (namespace http://www.mic.gov.vn/TBT/QCVN_102_2016).`));
  }
  const envelope = childElement(root, 'edXMLEnvelope');
  const header = childElement(envelope, 'edXMLHeader');
  const messageHeader = childElement(header, 'MessageHeader');
  if (!envelope || !header || !messageHeader) {
    const missing = !envelope ? 'edXMLEnvelope' : !header ? 'edXMLEnvelope/edXMLHeader' : 'edXMLEnvelope/edXMLHeader/MessageHeader';
    throw new EdxmlError(problem('EDXML_MISSING_PART', missing, `The package has no ${missing}.`));
  }
  return { root, header, messageHeader, traceHeaderList: childElement(header, 'TraceHeaderList'), body: childElement(envelope, 'edXMLBody') };
}

/**
 * Reads a parsed package into its typed form and checks every rule of the format that does not need the registry:
 * required parts, code shapes (QCVN 102 OrganIds, DocumentId, dates), enumerations, attachments against the
 * manifest. Every problem found is reported together.
 */
export function readPackage(root: XmlElement, limits: EdxmlLimits): EdxmlPackage {
  const parts = envelopeParts(root);
  const problems: EdxmlProblem[] = [];
  const ctx = new Reader(problems);
  const signature = signaturePresence(root, parts.header);
  const traces = ctx.traces(parts.traceHeaderList);
  const pkg: EdxmlPackage = childElement(parts.messageHeader, 'StatusCode')
    ? ctx.status(parts.messageHeader, traces, signature)
    : ctx.document(parts, traces, signature, limits);
  if (problems.length > 0) throw new EdxmlError(problems);
  return pkg;
}

function signaturePresence(root: XmlElement, header: XmlElement): SignaturePresence {
  if (descendants(root, XMLDSIG_NS, 'Signature').length > 0) return 'xmldsig';
  const local = childElement(header, 'Signature');
  if (!local) return 'none';
  return childElements(local).length === 0 && !textOf(local) ? 'empty' : 'unverifiable';
}

class Reader {
  constructor(private readonly problems: EdxmlProblem[]) {}

  private missing(path: string): undefined {
    this.problems.push(problem('EDXML_MISSING_PART', path, `${path} is required but missing or empty.`));
    return undefined;
  }

  private required(parent: XmlElement | undefined, name: string, path: string): string {
    return childText(parent, name) ?? this.missing(`${path}/${name}`) ?? '';
  }

  private organId(value: string | undefined, path: string): string {
    if (value === undefined) return this.missing(path) ?? '';
    try {
      parseAgencyCode(value);
    } catch (error) {
      // The registry's reason says what is wrong with it (its shape, or a level skipped).
      const reason = error instanceof InvalidAgencyCodeError ? error.message.replace(/^.*? is not a valid QCVN 102 agency code: /, '') : 'invalid';
      this.problems.push(problem('EDXML_INVALID_ORGAN_ID', path, `${path} "${value}" is not a QCVN 102 agency code: ${reason}.`));
    }
    return value;
  }

  private shaped(value: string | undefined, pattern: RegExp, path: string, shape: string): string | undefined {
    if (value !== undefined && !pattern.test(value)) {
      this.problems.push(problem('EDXML_INVALID_VALUE', path, `${path} "${value}" is not of the form ${shape}.`));
    }
    return value;
  }

  private integer(value: string | undefined, path: string, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    const n = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
    if (!(n >= min && n <= max)) {
      this.problems.push(problem('EDXML_INVALID_VALUE', path, `${path} "${value}" is not a whole number from ${min} to ${max}.`));
      return undefined;
    }
    return n;
  }

  private organization(el: XmlElement | undefined, path: string): Organization {
    if (!el) return { organId: this.missing(path) ?? '' };
    const org: Organization = { organId: this.organId(childText(el, 'OrganId'), `${path}/OrganId`) };
    for (const field of ORGANIZATION_FIELDS) {
      const value = childText(el, field);
      if (value !== undefined) org[(field[0].toLowerCase() + field.slice(1)) as Exclude<keyof Organization, 'organId'>] = value;
    }
    return org;
  }

  private staffInfo(el: XmlElement | undefined): StaffInfo | undefined {
    if (!el) return undefined;
    return compact({ department: childText(el, 'Department'), staff: childText(el, 'Staff'), mobile: childText(el, 'Mobile'), email: childText(el, 'Email') });
  }

  private responseFor(el: XmlElement, path: string): ResponseFor {
    return compact({
      organId: this.organId(childText(el, 'OrganId'), `${path}/OrganId`),
      code: childText(el, 'Code'),
      promulgationDate: childText(el, 'PromulgationDate'),
      documentId: this.documentId(childText(el, 'DocumentId'), `${path}/DocumentId`),
    });
  }

  private documentId(value: string | undefined, path: string): string {
    if (value === undefined) return this.missing(path) ?? '';
    const m = DOCUMENT_ID.exec(value);
    if (!m) {
      this.problems.push(problem('EDXML_INVALID_VALUE', path, `${path} "${value}" is not of the form {OrganId},{YYYY/MM/DD},{number/notation}.`));
    } else if (!isAgencyCode(m[1])) {
      this.problems.push(problem('EDXML_INVALID_ORGAN_ID', path, `${path} "${value}" does not start with a QCVN 102 agency code.`));
    }
    return value;
  }

  traces(list: XmlElement | undefined): TraceHeader[] {
    if (!list) return [];
    return childElements(list, 'TraceHeader').map((el, i) => {
      const path = `TraceHeaderList/TraceHeader[${i + 1}]`;
      return {
        organId: this.organId(childText(el, 'OrganId'), `${path}/OrganId`),
        timestamp: this.shaped(childText(el, 'Timestamp'), EDXML_TIMESTAMP, `${path}/Timestamp`, 'YYYY/MM/DD HH:mm:ss') ?? this.missing(`${path}/Timestamp`) ?? '',
      };
    });
  }

  status(header: XmlElement, traces: TraceHeader[], signature: SignaturePresence): StatusPackage {
    const code = childText(header, 'StatusCode') ?? '';
    if (!isStatusCode(code)) {
      this.problems.push(
        problem('EDXML_INVALID_VALUE', 'MessageHeader/StatusCode', `MessageHeader/StatusCode "${code}" is not one of ${Object.keys(STATUS_CODES).sort().join(', ')}.`),
      );
    }
    const responseFor = childElement(header, 'ResponseFor');
    return compact({
      kind: 'status' as const,
      from: this.organization(childElement(header, 'From'), 'MessageHeader/From'),
      responseFor: responseFor ? this.responseFor(responseFor, 'MessageHeader/ResponseFor') : (this.missing('MessageHeader/ResponseFor') as never),
      staffInfo: this.staffInfo(childElement(header, 'StaffInfo')),
      statusCode: code as StatusPackage['statusCode'],
      description: childText(header, 'Description'),
      timestamp:
        this.shaped(childText(header, 'Timestamp'), EDXML_TIMESTAMP, 'MessageHeader/Timestamp', 'YYYY/MM/DD HH:mm:ss') ??
        this.missing('MessageHeader/Timestamp') ??
        '',
      traces,
      signature,
    });
  }

  document(parts: EnvelopeParts, traces: TraceHeader[], signature: SignaturePresence, limits: EdxmlLimits): DocumentPackage {
    const h = parts.messageHeader;
    const toElements = childElements(h, 'To');
    if (toElements.length === 0) this.missing('MessageHeader/To');
    const codeEl = childElement(h, 'Code');
    const promulgation = childElement(h, 'PromulgationInfo');
    const type = childElement(h, 'DocumentType');
    const signer = childElement(h, 'SignerInfo');
    const steering = childText(h, 'SteeringType');
    return compact({
      kind: 'document' as const,
      from: this.organization(childElement(h, 'From'), 'MessageHeader/From'),
      to: toElements.map((el, i) => this.organization(el, `MessageHeader/To[${i + 1}]`)),
      code: {
        codeNumber: this.required(codeEl, 'CodeNumber', 'MessageHeader/Code'),
        codeNotation: this.required(codeEl, 'CodeNotation', 'MessageHeader/Code'),
      },
      promulgationInfo: compact({
        place: childText(promulgation, 'Place'),
        date:
          this.shaped(childText(promulgation, 'PromulgationDate'), EDXML_DATE, 'MessageHeader/PromulgationInfo/PromulgationDate', 'YYYY/MM/DD') ??
          this.missing('MessageHeader/PromulgationInfo/PromulgationDate') ??
          '',
      }),
      documentType: compact({
        type: this.required(type, 'Type', 'MessageHeader/DocumentType'),
        typeDetail: childText(type, 'TypeDetail'),
        typeName: childText(type, 'TypeName'),
      }),
      subject: childText(h, 'Subject') ?? this.missing('MessageHeader/Subject') ?? '',
      content: childText(h, 'Content'),
      signerInfo: signer ? compact({ competence: childText(signer, 'Competence'), position: childText(signer, 'Position'), fullName: childText(signer, 'FullName') }) : undefined,
      dueDate: childText(h, 'DueDate'),
      toPlaces: childElements(childElement(h, 'ToPlaces'), 'Place')
        .map((el) => textOf(el))
        .filter((p): p is string => p !== undefined),
      otherInfo: this.otherInfo(childElement(h, 'OtherInfo')),
      responseFor: childElements(h, 'ResponseFor').map((el, i) => this.responseFor(el, `MessageHeader/ResponseFor[${i + 1}]`)),
      steeringType: this.integer(steering, 'MessageHeader/SteeringType', 0, 99),
      documentId: this.documentId(childText(h, 'DocumentId'), 'MessageHeader/DocumentId'),
      traces,
      business: this.business(childElement(parts.traceHeaderList, 'Bussiness')),
      attachments: this.attachments(parts, limits),
      signature,
    });
  }

  private otherInfo(el: XmlElement | undefined): OtherInfo {
    const info: OtherInfo = { priority: 0, appendixes: [], extra: {} };
    if (!el) return info;
    info.priority = this.integer(childText(el, 'Priority'), 'MessageHeader/OtherInfo/Priority', 0, 4) ?? 0;
    Object.assign(
      info,
      compact({
        sphereOfPromulgation: childText(el, 'SphereOfPromulgation'),
        typerNotation: childText(el, 'TyperNotation'),
        promulgationAmount: childText(el, 'PromulgationAmount'),
        pageAmount: childText(el, 'PageAmount'),
      }),
    );
    const appendixes = childElement(el, 'Appendixes');
    if (appendixes) {
      const items = childElements(appendixes).map((a) => textOf(a)).filter((a): a is string => a !== undefined);
      info.appendixes = items.length > 0 ? items : [textOf(appendixes)].filter((a): a is string => a !== undefined);
    }
    for (const child of childElements(el)) {
      const name = child.local;
      if (!OTHER_INFO_KNOWN.has(name)) info.extra[name] = textOf(child) ?? '';
    }
    return info;
  }

  private business(el: XmlElement | undefined): Business {
    // A package without Bussiness is a new document: the SDK's own minimal samples omit it.
    if (!el) return { docType: BusinessDocType.New, receiverChanges: [], replacements: [] };
    const path = 'TraceHeaderList/Bussiness';
    const docType = (this.integer(childText(el, 'BussinessDocType'), `${path}/BussinessDocType`, 0, 3) ?? 0) as Business['docType'];
    const info = childElement(el, 'BussinessDocumentInfo');
    const receivers = childElements(childElement(info, 'ReceiverList'), 'Receiver');
    const business: Business = compact({
      docType,
      reason: childText(el, 'BussinessDocReason'),
      documentId: childText(el, 'DocumentId'),
      staffInfo: this.staffInfo(childElement(el, 'StaffInfo')),
      paper: childText(el, 'Paper'),
      documentInfoChanged: flag(childText(info, 'DocumentInfo')),
      receiversChanged: flag(childText(info, 'DocumentReceiver')),
      receiverChanges: receivers.map((r, i) => {
        const rPath = `${path}/BussinessDocumentInfo/ReceiverList/Receiver[${i + 1}]`;
        const kind = this.integer(childText(r, 'ReceiverType'), `${rPath}/ReceiverType`, 0, 1);
        if (kind === undefined && childText(r, 'ReceiverType') === undefined) this.missing(`${rPath}/ReceiverType`);
        return { organId: this.organId(childText(r, 'OrganId'), `${rPath}/OrganId`), receiverType: (kind ?? 1) as 0 | 1 };
      }),
      replacements: childElements(childElement(el, 'ReplacementInfoList'), 'ReplacementInfo').map((r, i) => {
        const rPath = `${path}/ReplacementInfoList/ReplacementInfo[${i + 1}]`;
        // OrganIdList/OrganId as the format has it; OrganId directly under ReplacementInfo is read the same way.
        const organIds = childElements(childElement(r, 'OrganIdList') ?? r, 'OrganId').map((o, j) => this.organId(textOf(o), `${rPath}/OrganIdList/OrganId[${j + 1}]`));
        return { documentId: this.documentId(childText(r, 'DocumentId'), `${rPath}/DocumentId`), organIds };
      }),
    });
    if (docType === BusinessDocType.Replace && business.replacements.length === 0) this.missing(`${path}/ReplacementInfoList/ReplacementInfo`);
    return business;
  }

  private attachments(parts: EnvelopeParts, limits: EdxmlLimits): Attachment[] {
    const manifest = childElement(parts.body, 'edXMLManifest');
    const references = childElements(manifest, 'Reference');
    // Beside the envelope, as the format has it; some writers put it inside the envelope.
    const encoded = childElement(parts.root, 'AttachmentEncoded') ?? childElement(childElement(parts.root, 'edXMLEnvelope'), 'AttachmentEncoded');
    const bodies = encoded ? childElements(encoded, 'Attachment') : [];
    if (bodies.length > limits.maxAttachments) {
      this.problems.push(problem('EDXML_TOO_MANY_NODES', 'AttachmentEncoded', `The package has ${bodies.length} attachments; at most ${limits.maxAttachments} are accepted.`));
      return [];
    }
    const referenced = new Map<string, XmlElement>();
    references.forEach((ref, i) => {
      const id = childText(ref, 'ContentId');
      if (id === undefined) this.missing(`edXMLBody/edXMLManifest/Reference[${i + 1}]/ContentId`);
      else referenced.set(withoutCid(id), ref);
    });
    const seen = new Set<string>();
    const attachments: Attachment[] = [];
    bodies.forEach((el, i) => {
      const path = `AttachmentEncoded/Attachment[${i + 1}]`;
      const rawId = childText(el, 'ContentId');
      if (rawId === undefined) return void this.missing(`${path}/ContentId`);
      const contentId = withoutCid(rawId);
      seen.add(contentId);
      const ref = referenced.get(contentId);
      if (!ref) {
        this.problems.push(problem('EDXML_ATTACHMENT_MISMATCH', path, `${path} (ContentId ${contentId}) has no Reference in the manifest.`));
      }
      const name = childText(el, 'AttachmentName') ?? childText(ref, 'AttachmentName') ?? this.missing(`${path}/AttachmentName`) ?? '';
      // A person fixes "cong-van.pdf", not "Attachment[3]": the name leads the sentence when the package has one.
      const subject = name ? `Attachment "${name}" (${path}/ContentTransferEncoded)` : `${path}/ContentTransferEncoded`;
      const content = this.base64(childElement(el, 'ContentTransferEncoded'), `${path}/ContentTransferEncoded`, subject, limits);
      attachments.push(
        compact({
          contentId,
          name,
          description: childText(el, 'Description') ?? childText(ref, 'Description'),
          contentType: childText(el, 'ContentType') ?? childText(ref, 'ContentType') ?? 'application/octet-stream',
          content: content ?? Buffer.alloc(0),
        }),
      );
    });
    for (const [contentId] of referenced) {
      if (!seen.has(contentId)) {
        this.problems.push(
          problem('EDXML_ATTACHMENT_MISMATCH', 'edXMLBody/edXMLManifest', `The manifest references attachment cid:${contentId}, but the package does not carry it.`),
        );
      }
    }
    return attachments;
  }

  private base64(el: XmlElement | undefined, path: string, subject: string, limits: EdxmlLimits): Buffer | undefined {
    if (!el) return this.missing(path);
    // Present but empty is an empty file, not a missing part.
    const compacted = textContent(el).replace(/\s+/g, '');
    // Checked on the encoded length first: a huge attachment is refused without decoding it.
    const decodedLength = Math.floor((compacted.length * 3) / 4) - (compacted.endsWith('==') ? 2 : compacted.endsWith('=') ? 1 : 0);
    if (decodedLength > limits.maxAttachmentBytes) {
      this.problems.push(problem('EDXML_ATTACHMENT_TOO_LARGE', path, `${subject} is ${decodedLength} bytes; at most ${limits.maxAttachmentBytes} are accepted per attachment.`));
      return undefined;
    }
    if (compacted.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compacted)) {
      this.problems.push(problem('EDXML_ATTACHMENT_BAD_BASE64', path, `${subject} is not valid base64.`));
      return undefined;
    }
    return Buffer.from(compacted, 'base64');
  }
}

function withoutCid(id: string): string {
  return id.replace(/^cid:/i, '').replace(/^<(.*)>$/, '$1');
}

function flag(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value === '1' || value.toLowerCase() === 'true';
}

/** Drops undefined properties, so that a package read back equals the one built (no `key: undefined`). */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
