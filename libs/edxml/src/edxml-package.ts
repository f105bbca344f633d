import { BusinessDocType, StatusCode } from './edxml-format';

/** An organisation as the header names it (From, To). Only OrganId routes; the rest is what people read. */
export interface Organization {
  organId: string;
  organizationInCharge?: string;
  organName?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
}

export interface DocumentCode {
  codeNumber: string;
  codeNotation: string;
}

/** The document a package answers or refers to. */
export interface ResponseFor {
  organId: string;
  code?: string;
  promulgationDate?: string;
  documentId: string;
}

export interface StaffInfo {
  department?: string;
  staff?: string;
  mobile?: string;
  email?: string;
}

/** One hop the package passed: who and when (`YYYY/MM/DD HH:mm:ss`). */
export interface TraceHeader {
  organId: string;
  timestamp: string;
}

export interface ReceiverChange {
  organId: string;
  /** 0 = removed from the recipients, 1 = added. */
  receiverType: 0 | 1;
}

export interface ReplacementInfo {
  /** The document this one replaces. */
  documentId: string;
  organIds: string[];
}

/** `TraceHeaderList/Bussiness` (sic): what the package does to the document. */
export interface Business {
  docType: BusinessDocType;
  reason?: string;
  documentId?: string;
  staffInfo?: StaffInfo;
  paper?: string;
  /** For updates: which parts changed (1) and how the recipients changed. */
  documentInfoChanged?: boolean;
  receiversChanged?: boolean;
  receiverChanges: ReceiverChange[];
  /** For replacements. */
  replacements: ReplacementInfo[];
}

export interface Attachment {
  /** Without the `cid:` prefix. */
  contentId: string;
  name: string;
  description?: string;
  contentType: string;
  content: Buffer;
}

export interface OtherInfo {
  priority: number;
  sphereOfPromulgation?: string;
  typerNotation?: string;
  promulgationAmount?: string;
  pageAmount?: string;
  appendixes: string[];
  /** Elements beyond the standard's list (real packages carry e.g. `Direction`), kept as text. */
  extra: Record<string, string>;
}

/**
 * What the package carries as a signature, before any verification: nothing, an empty `Signature` element (seen from
 * real senders), an XML-DSig signature, or a non-empty `Signature` outside the XML-DSig namespace (which no verifier
 * can check).
 */
export type SignaturePresence = 'none' | 'empty' | 'xmldsig' | 'unverifiable';

/** A document package (công văn, quyết định …): BussinessDocType 0 new, 1 revoke, 2 update, 3 replace. */
export interface DocumentPackage {
  kind: 'document';
  from: Organization;
  to: Organization[];
  code: DocumentCode;
  promulgationInfo: { place?: string; date: string };
  documentType: { type: string; typeDetail?: string; typeName?: string };
  subject: string;
  content?: string;
  signerInfo?: { competence?: string; position?: string; fullName?: string };
  dueDate?: string;
  toPlaces: string[];
  otherInfo: OtherInfo;
  responseFor: ResponseFor[];
  /** Sources disagree on the meaning of its values (0/1/2/3); kept as given. */
  steeringType?: number;
  documentId: string;
  traces: TraceHeader[];
  business: Business;
  attachments: Attachment[];
  signature: SignaturePresence;
}

/** A business status package: an acknowledgement about a document, sent back to the organisation in ResponseFor. */
export interface StatusPackage {
  kind: 'status';
  from: Organization;
  responseFor: ResponseFor;
  staffInfo?: StaffInfo;
  statusCode: StatusCode;
  description?: string;
  timestamp: string;
  traces: TraceHeader[];
  signature: SignaturePresence;
}

export type EdxmlPackage = DocumentPackage | StatusPackage;
