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

/**
 * An agency system registered where its agency's deliveries are pushed. Registering again replaces the URL and the
 * secret, and puts deliveries whose push had failed back in line.
 */
export interface PushSubscribed {
  type: 'push.subscribed';
  organId: string;
  url: string;
  /** The Standard Webhooks signing secret (`whsec_…`) the receiver verifies each push with. */
  secret: string;
  client: string;
  at: string;
}

export interface PushUnsubscribed {
  type: 'push.unsubscribed';
  organId: string;
  client: string;
  at: string;
}

/** The agency (or an operator) asks for the agency's failed pushes to be tried again. */
export interface PushRetryRequested {
  type: 'push.retry-requested';
  organId: string;
  client: string;
  at: string;
}

/** The callback answered 2xx. The delivery stays in the inbox until the recipient acknowledges it. */
export interface DeliveryPushed {
  type: 'delivery.pushed';
  deliveryId: string;
  recipient: string;
  url: string;
  attempts: number;
  at: string;
}

/** Every attempt failed; the delivery waits in the inbox, and operators see it among failed pushes. */
export interface DeliveryPushFailed {
  type: 'delivery.push-failed';
  deliveryId: string;
  recipient: string;
  url: string;
  attempts: number;
  error: string;
  at: string;
}

export type DocumentEvent = PackageAccepted | DeliveryAcknowledged | PushSubscribed | PushUnsubscribed | PushRetryRequested | DeliveryPushed | DeliveryPushFailed;

/** The Kafka key of an event: what it is about, so that one document's or one agency's events stay in order. */
export function eventKey(e: DocumentEvent): string {
  switch (e.type) {
    case 'package.accepted':
      return e.documentId;
    case 'delivery.acknowledged':
    case 'delivery.pushed':
    case 'delivery.push-failed':
      return e.deliveryId;
    default:
      return e.organId;
  }
}
