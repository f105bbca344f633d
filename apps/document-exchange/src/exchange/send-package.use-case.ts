import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  appendTraceHeader,
  checkSignature,
  DEFAULT_EDXML_LIMITS,
  EdxmlError,
  EdxmlLimits,
  edxmlTimestamp,
  parseEdxml,
  ParsedEdxml,
  SignatureCheck,
  STATUS_CODES,
  TrustStore,
} from '@lgsp/edxml';
import { Registry } from '@lgsp/registry';
import { DOCUMENT_EXCHANGE_CONFIG } from '../config/tokens';
import { DocumentExchangeConfig } from '../config/document-exchange-config';
import { DocumentBook } from '../ledger/document-book';
import { PackageAccepted } from '../ledger/document-events';
import { DocumentLedger } from '../ledger/document-ledger';
import { Caller } from './caller';
import { DocumentExchangeError } from './document-exchange-error';
import { packageFromJson } from './json-form';

/** What a sender keeps as proof: the package id, the digest of exactly what it sent, and one delivery per recipient. */
export interface Receipt {
  packageId: string;
  kind: 'document' | 'status';
  documentId: string;
  docType?: number;
  statusCode?: string;
  sha256: string;
  bytes: number;
  acceptedAt: string;
  signature: SignatureCheck;
  deliveries: { deliveryId: string; recipient: string }[];
  /** True when this package (or this DocumentId) was accepted before: nothing was delivered again. */
  replayed: boolean;
  /** On a replay of a DocumentId whose content this time differs from what was accepted. */
  contentDiffers?: boolean;
}

const refuse = (status: number, code: string, message: string) => new DocumentExchangeError(status, code, message);

/**
 * Accepts a package from an agency system: validated, signature checked, sender and recipients checked against the
 * registry and the exchange's own record, this platform's hop appended, then recorded with one delivery per
 * recipient. A package that fails any rule is refused whole: nothing is recorded or delivered.
 */
@Injectable()
export class SendPackageUseCase {
  private readonly limits: EdxmlLimits;
  private readonly trustStore: TrustStore;

  constructor(
    private readonly ledger: DocumentLedger,
    private readonly registry: Registry,
    @Inject(DOCUMENT_EXCHANGE_CONFIG) private readonly config: DocumentExchangeConfig,
    @Inject(TrustStore) trustStore: TrustStore,
  ) {
    this.limits = { ...DEFAULT_EDXML_LIMITS, maxPackageBytes: config.EDXML_MAX_PACKAGE_BYTES, maxAttachmentBytes: config.EDXML_MAX_ATTACHMENT_BYTES };
    this.trustStore = trustStore;
  }

  async send(caller: Caller, body: Buffer, contentType: string | null, now = new Date()): Promise<Receipt> {
    const member = this.registry.member(caller.member);
    if (!member) throw refuse(403, 'NOT_A_MEMBER', 'Your client system does not belong to a member agency of this platform.');
    const bytes = /^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType ?? '') ? Buffer.from(packageFromJson(body, { organId: member.code, organName: member.name }, now)) : body;

    let parsed: ParsedEdxml;
    let signature: SignatureCheck;
    try {
      parsed = parseEdxml(bytes, this.limits);
      signature = checkSignature(parsed, parsed.package.signature, { policy: this.config.EDXML_SIGNATURE_POLICY, trustStore: this.trustStore, at: now });
    } catch (error) {
      if (error instanceof EdxmlError) throw DocumentExchangeError.from(error);
      throw error;
    }
    const pkg = parsed.package;
    if (pkg.from.organId !== caller.member) {
      throw refuse(403, 'FROM_MISMATCH', `The package is From ${pkg.from.organId}, but your client system belongs to ${caller.member}; an agency sends only in its own name.`);
    }
    const recipients = [...new Set(pkg.kind === 'document' ? pkg.to.map((t) => t.organId) : [pkg.responseFor.organId])];
    const unknown = recipients.filter((code) => !this.registry.member(code));
    if (unknown.length > 0) {
      throw refuse(422, 'UNKNOWN_RECIPIENT', `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a member' : 'are not members'} of this platform; the package was not delivered to anyone.`);
    }
    if (recipients.includes(caller.member)) throw refuse(422, 'SELF_ADDRESSED', 'A package cannot be addressed to its own sender.');

    const documentId = pkg.kind === 'document' ? pkg.documentId : pkg.responseFor.documentId;
    const replaces = pkg.kind === 'document' && pkg.business.docType === 3 ? pkg.business.replacements.map((r) => r.documentId) : [];
    const forwarded = appendTraceHeader(parsed, { organId: this.registry.platform.code, timestamp: edxmlTimestamp(now) });

    return this.ledger.decide([documentId, ...replaces], (book) => {
      const same = book.packageWithContent(caller.member, parsed.sha256);
      if (same) return { events: [], answer: () => receipt(book, same, true) };
      if (pkg.kind === 'document') {
        const earlier = book.original(documentId);
        if (earlier && (pkg.business.docType === 0 || pkg.business.docType === 3)) {
          if (earlier.sender !== caller.member) throw refuse(409, 'DOCUMENT_ID_TAKEN', `DocumentId ${documentId} was already sent by ${earlier.sender}.`);
          return { events: [], answer: () => ({ ...receipt(book, earlier, true), contentDiffers: true }) };
        }
        if (pkg.business.docType === 1 || pkg.business.docType === 2) this.assertOwnDocument(book, documentId, caller.member);
        for (const replaced of replaces) this.assertOwnDocument(book, replaced, caller.member);
      } else {
        this.assertStatusAllowed(book, documentId, pkg.statusCode, caller.member, recipients[0]);
      }
      const event: PackageAccepted = {
        type: 'package.accepted',
        packageId: randomUUID(),
        kind: pkg.kind,
        sender: caller.member,
        senderClient: caller.clientId,
        documentId,
        ...(pkg.kind === 'document'
          ? { docType: pkg.business.docType, subject: pkg.subject, ...(replaces.length > 0 ? { replaces } : {}) }
          : { statusCode: pkg.statusCode, ...(pkg.description ? { statusDescription: pkg.description } : {}) }),
        deliveries: recipients.map((recipient) => ({ deliveryId: randomUUID(), recipient })),
        sha256: parsed.sha256,
        bytes: parsed.bytes,
        acceptedAt: now.toISOString(),
        signature,
        xml: forwarded,
      };
      return { events: [event], answer: () => receipt(book, event, false) };
    });
  }

  private assertOwnDocument(book: DocumentBook, documentId: string, member: string): void {
    const original = book.original(documentId);
    if (!original) throw refuse(404, 'UNKNOWN_DOCUMENT', `No document ${documentId} was exchanged through this platform.`);
    if (original.sender !== member) throw refuse(403, 'NOT_YOUR_DOCUMENT', `Document ${documentId} was sent by ${original.sender}; only its sender may revoke, update or replace it.`);
  }

  /** Receivers answer the sender (01–06, 15, 16); the sender asks a receiver to take a document back (13). */
  private assertStatusAllowed(book: DocumentBook, documentId: string, code: keyof typeof STATUS_CODES, member: string, target: string): void {
    const original = book.original(documentId);
    if (!original) throw refuse(404, 'UNKNOWN_DOCUMENT', `No document ${documentId} was exchanged through this platform, so there is nothing to report a status on.`);
    const recipients = book.recipientsOf(documentId);
    if (STATUS_CODES[code].sentBy === 'sender') {
      if (original.sender !== member) throw refuse(403, 'NOT_YOUR_DOCUMENT', `Status ${code} is sent by a document's sender; ${documentId} was sent by ${original.sender}.`);
      if (!recipients.has(target)) throw refuse(422, 'WRONG_STATUS_TARGET', `Status ${code} goes to a recipient of ${documentId}; ${target} did not receive it.`);
    } else {
      if (!recipients.has(member)) throw refuse(403, 'NOT_A_RECIPIENT', `Your agency did not receive document ${documentId}, so it cannot report status ${code} on it.`);
      if (target !== original.sender) throw refuse(422, 'WRONG_STATUS_TARGET', `Status ${code} goes back to the document's sender ${original.sender}, not ${target}.`);
    }
  }
}

function receipt(book: DocumentBook, p: PackageAccepted, replayed: boolean): Receipt {
  return {
    packageId: p.packageId,
    kind: p.kind,
    documentId: p.documentId,
    ...(p.docType !== undefined ? { docType: p.docType } : {}),
    ...(p.statusCode ? { statusCode: p.statusCode } : {}),
    sha256: p.sha256,
    bytes: p.bytes,
    acceptedAt: p.acceptedAt,
    signature: p.signature,
    deliveries: book.deliveriesOf(p.packageId).map((d) => ({ deliveryId: d.deliveryId, recipient: d.recipient })),
    replayed,
  };
}
