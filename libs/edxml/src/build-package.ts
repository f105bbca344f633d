import { DOMImplementation, XMLSerializer } from '@xmldom/xmldom';
import { BusinessDocType, EDXML_NS } from './edxml-format';
import { Business, DocumentPackage, EdxmlPackage, Organization, ResponseFor, StaffInfo, StatusPackage, TraceHeader } from './edxml-package';

/** Package fields a builder's caller supplies; what can be defaulted is optional. */
export type DocumentPackageInput = Omit<DocumentPackage, 'kind' | 'signature' | 'traces' | 'business' | 'toPlaces' | 'responseFor' | 'attachments' | 'otherInfo'> & {
  traces?: TraceHeader[];
  business?: Partial<Business> & Pick<Business, 'docType'>;
  toPlaces?: string[];
  responseFor?: ResponseFor[];
  attachments?: DocumentPackage['attachments'];
  otherInfo?: Partial<DocumentPackage['otherInfo']>;
};
export type StatusPackageInput = Omit<StatusPackage, 'kind' | 'signature' | 'traces'> & { traces?: TraceHeader[] };

/**
 * Writes edXML the way the Government Office's SDK does: the root in the default namespace, the envelope's elements
 * with the `edXML:` prefix, attachments unprefixed beside the envelope. Text is escaped by the serializer.
 */
export function buildDocumentPackage(input: DocumentPackageInput): string {
  const w = new Writer();
  const h = w.header;
  w.organization(h, 'From', input.from);
  for (const to of input.to) w.organization(h, 'To', to);
  w.group(h, 'Code', [['CodeNumber', input.code.codeNumber], ['CodeNotation', input.code.codeNotation]]);
  w.group(h, 'PromulgationInfo', [['Place', input.promulgationInfo.place], ['PromulgationDate', input.promulgationInfo.date]]);
  w.group(h, 'DocumentType', [['Type', input.documentType.type], ['TypeDetail', input.documentType.typeDetail], ['TypeName', input.documentType.typeName]]);
  w.text(h, 'Subject', input.subject);
  w.text(h, 'Content', input.content);
  if (input.signerInfo) {
    w.group(h, 'SignerInfo', [['Competence', input.signerInfo.competence], ['Position', input.signerInfo.position], ['FullName', input.signerInfo.fullName]]);
  }
  w.text(h, 'DueDate', input.dueDate);
  if (input.toPlaces && input.toPlaces.length > 0) {
    const places = w.el(h, 'ToPlaces');
    for (const place of input.toPlaces) w.text(places, 'Place', place);
  }
  const other = input.otherInfo ?? {};
  const otherInfo = w.group(h, 'OtherInfo', [
    ['Priority', String(other.priority ?? 0)],
    ['SphereOfPromulgation', other.sphereOfPromulgation],
    ['TyperNotation', other.typerNotation],
    ['PromulgationAmount', other.promulgationAmount],
    ['PageAmount', other.pageAmount],
  ]);
  if (other.appendixes && other.appendixes.length > 0) {
    const appendixes = w.el(otherInfo, 'Appendixes');
    for (const a of other.appendixes) w.text(appendixes, 'Appendix', a);
  }
  for (const [name, value] of Object.entries(other.extra ?? {})) w.text(otherInfo, name, value);
  for (const r of input.responseFor ?? []) w.responseFor(h, r);
  w.text(h, 'SteeringType', input.steeringType === undefined ? undefined : String(input.steeringType));
  w.text(h, 'DocumentId', input.documentId);

  const traceList = w.traces(input.traces ?? []);
  w.business(traceList, { docType: BusinessDocType.New, receiverChanges: [], replacements: [], ...input.business });

  const manifest = w.el(w.el(w.envelope, 'edXMLBody'), 'edXMLManifest');
  manifest.setAttribute('version', '1.0');
  const attachments = input.attachments ?? [];
  for (const a of attachments) {
    w.group(manifest, 'Reference', [['ContentId', `cid:${a.contentId}`], ['ContentType', a.contentType], ['Description', a.description], ['AttachmentName', a.name]]);
  }
  if (attachments.length > 0) {
    const encoded = w.plain(w.root, 'AttachmentEncoded');
    for (const a of attachments) {
      const el = w.plain(encoded, 'Attachment');
      for (const [name, value] of [
        ['ContentId', a.contentId],
        ['AttachmentName', a.name],
        ['Description', a.description],
        ['ContentType', a.contentType],
        ['ContentTransferEncoded', a.content.toString('base64')],
      ] as const) {
        if (value !== undefined) w.plain(el, name).appendChild(w.doc.createTextNode(value));
      }
    }
  }
  return w.serialize();
}

export function buildStatusPackage(input: StatusPackageInput): string {
  const w = new Writer();
  const h = w.header;
  w.organization(h, 'From', input.from);
  w.responseFor(h, input.responseFor);
  if (input.staffInfo) w.staffInfo(h, input.staffInfo);
  w.text(h, 'StatusCode', input.statusCode);
  w.text(h, 'Description', input.description);
  w.text(h, 'Timestamp', input.timestamp);
  w.traces(input.traces ?? []);
  w.el(w.el(w.envelope, 'edXMLBody'), 'edXMLManifest').setAttribute('version', '1.0');
  return w.serialize();
}

/** Builds either kind from its typed form (the inverse of reading it, signature aside). */
export function buildPackage(pkg: EdxmlPackage): string {
  return pkg.kind === 'status' ? buildStatusPackage(pkg) : buildDocumentPackage(pkg);
}

class Writer {
  readonly doc: Document;
  readonly root: Element;
  readonly envelope: Element;
  readonly header: Element;
  private readonly headerParts: Element;

  constructor() {
    this.doc = new DOMImplementation().createDocument(EDXML_NS, 'edXML', null) as unknown as Document;
    this.root = this.doc.documentElement;
    this.envelope = this.doc.createElementNS(EDXML_NS, 'edXML:edXMLEnvelope');
    this.root.appendChild(this.envelope);
    this.headerParts = this.el(this.envelope, 'edXMLHeader');
    this.header = this.el(this.headerParts, 'MessageHeader');
  }

  /** An `edXML:`-prefixed element. */
  el(parent: Element, name: string): Element {
    return parent.appendChild(this.doc.createElementNS(EDXML_NS, `edXML:${name}`)) as Element;
  }

  /** An unprefixed element in the default (edXML) namespace, as attachments are written. */
  plain(parent: Element, name: string): Element {
    return parent.appendChild(this.doc.createElementNS(EDXML_NS, name)) as Element;
  }

  text(parent: Element, name: string, value: string | undefined): void {
    if (value === undefined) return;
    this.el(parent, name).appendChild(this.doc.createTextNode(value));
  }

  group(parent: Element, name: string, fields: [string, string | undefined][]): Element {
    const el = this.el(parent, name);
    for (const [field, value] of fields) this.text(el, field, value);
    return el;
  }

  organization(parent: Element, name: string, org: Organization): void {
    this.group(parent, name, [
      ['OrganId', org.organId],
      ['OrganizationInCharge', org.organizationInCharge],
      ['OrganName', org.organName],
      ['OrganAdd', org.organAdd],
      ['Email', org.email],
      ['Telephone', org.telephone],
      ['Fax', org.fax],
      ['Website', org.website],
    ]);
  }

  responseFor(parent: Element, r: ResponseFor): void {
    this.group(parent, 'ResponseFor', [['OrganId', r.organId], ['Code', r.code], ['PromulgationDate', r.promulgationDate], ['DocumentId', r.documentId]]);
  }

  staffInfo(parent: Element, s: StaffInfo): void {
    this.group(parent, 'StaffInfo', [['Department', s.department], ['Staff', s.staff], ['Mobile', s.mobile], ['Email', s.email]]);
  }

  traces(traces: TraceHeader[]): Element {
    const list = this.el(this.headerParts, 'TraceHeaderList');
    for (const t of traces) this.group(list, 'TraceHeader', [['OrganId', t.organId], ['Timestamp', t.timestamp]]);
    return list;
  }

  business(list: Element, b: Business): void {
    const el = this.group(list, 'Bussiness', [
      ['BussinessDocType', String(b.docType)],
      ['BussinessDocReason', b.reason],
      ['DocumentId', b.documentId],
    ]);
    if (b.staffInfo) this.staffInfo(el, b.staffInfo);
    this.text(el, 'Paper', b.paper);
    if (b.documentInfoChanged !== undefined || b.receiversChanged !== undefined || b.receiverChanges.length > 0) {
      const info = this.group(el, 'BussinessDocumentInfo', [
        ['DocumentInfo', b.documentInfoChanged === undefined ? undefined : b.documentInfoChanged ? '1' : '0'],
        ['DocumentReceiver', b.receiversChanged === undefined ? undefined : b.receiversChanged ? '1' : '0'],
      ]);
      if (b.receiverChanges.length > 0) {
        const receivers = this.el(info, 'ReceiverList');
        for (const r of b.receiverChanges) this.group(receivers, 'Receiver', [['OrganId', r.organId], ['ReceiverType', String(r.receiverType)]]);
      }
    }
    if (b.replacements.length > 0) {
      const list2 = this.el(el, 'ReplacementInfoList');
      for (const r of b.replacements) {
        const info = this.group(list2, 'ReplacementInfo', [['DocumentId', r.documentId]]);
        const ids = this.el(info, 'OrganIdList');
        for (const id of r.organIds) this.text(ids, 'OrganId', id);
      }
    }
  }

  serialize(): string {
    return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(this.doc as unknown as Node)}`;
  }
}
