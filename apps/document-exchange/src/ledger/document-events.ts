import type { SignatureCheck, StatusCode } from '@lgsp/edxml';

/** One recipient's copy of a package: what its inbox lists and its transport acknowledgement settles. */
export interface DeliveryRef {
  deliveryId: string;
  recipient: string;
}

/** A package the exchange accepted, with the text every recipient receives (the sender's package plus this hop). */
export interface PackageAccepted {
  type: 'package.accepted';
  packageId: string;
  kind: 'document' | 'status';
  /** The sending agency (From) and the client system that sent it. */
  sender: string;
  senderClient: string;
  /** For a document package its DocumentId; for a status package the DocumentId it answers. */
  documentId: string;
  /** BussinessDocType of a document package: 0 new, 1 revoke, 2 update, 3 replace. */
  docType?: number;
  /** For a replace package: the documents it replaces. */
  replaces?: string[];
  statusCode?: StatusCode;
  statusDescription?: string;
  subject?: string;
  deliveries: DeliveryRef[];
  /** SHA-256 (hex) and size of the package as the sender sent it. */
  sha256: string;
  bytes: number;
  acceptedAt: string;
  signature: SignatureCheck;
  /** The package as delivered: the sender's bytes with this platform's TraceHeader appended. */
  xml: string;
}

/** The transport acknowledgement (as the national axis has it): the recipient's system took the package, or failed to. */
export interface DeliveryAcknowledged {
  type: 'delivery.acknowledged';
  deliveryId: string;
  recipient: string;
  status: 'done' | 'fail';
  reason?: string;
  at: string;
  client: string;
}

export type DocumentEvent = PackageAccepted | DeliveryAcknowledged;
