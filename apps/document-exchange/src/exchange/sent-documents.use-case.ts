import { Injectable } from '@nestjs/common';
import { STATUS_CODES } from '@lgsp/edxml';
import { TimelineEntry, TransportState } from '../ledger/document-book';
import { DocumentLedger } from '../ledger/document-ledger';
import { Caller } from './caller';
import { DocumentExchangeError } from './document-exchange-error';

export interface RecipientView {
  organId: string;
  /** The transport acknowledgement of the newest package this recipient got about the document. */
  transport: TransportState;
  /** The newest business status it reported (01–06, 15, 16), if any. */
  business: { statusCode: string; meaning: string; at: string } | null;
}

/** The sender's view: its documents, and per document and recipient where each one stands. */
@Injectable()
export class SentDocumentsUseCase {
  constructor(private readonly ledger: DocumentLedger) {}

  list(caller: Caller, query: URLSearchParams) {
    const limitText = query.get('limit') ?? '50';
    const limit = /^\d{1,3}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= 200)) throw new DocumentExchangeError(400, 'INVALID_QUERY', 'limit is a whole number from 1 to 200.');
    return {
      items: this.ledger.book.sent(caller.member, limit).map((p) => ({ documentId: p.documentId, subject: p.subject, sentAt: p.acceptedAt, recipients: this.recipients(p.documentId) })),
    };
  }

  timeline(caller: Caller, query: URLSearchParams): { documentId: string; subject?: string; recipients: RecipientView[]; timeline: TimelineEntry[] } {
    const documentId = query.get('documentId');
    if (!documentId) throw new DocumentExchangeError(400, 'INVALID_QUERY', 'documentId is required, e.g. ?documentId=000.00.02.H56,2026/11/20,1234/STP-HCTP');
    const original = this.ledger.book.original(documentId);
    if (!original || original.sender !== caller.member) {
      throw new DocumentExchangeError(404, 'UNKNOWN_DOCUMENT', `Your agency sent no document ${documentId} through this platform.`);
    }
    return { documentId, ...(original.subject ? { subject: original.subject } : {}), recipients: this.recipients(documentId), timeline: this.ledger.book.timeline(documentId) };
  }

  private recipients(documentId: string): RecipientView[] {
    const book = this.ledger.book;
    const views = new Map<string, RecipientView>();
    for (const entry of book.timeline(documentId)) {
      if (!entry.packageId) continue;
      const p = book.package(entry.packageId)!;
      if (p.kind === 'document') {
        for (const d of book.deliveriesOf(p.packageId)) views.set(d.recipient, { organId: d.recipient, transport: d.state, business: views.get(d.recipient)?.business ?? null });
      } else if (p.statusCode && STATUS_CODES[p.statusCode].sentBy === 'receiver') {
        const view = views.get(p.sender);
        if (view) view.business = { statusCode: p.statusCode, meaning: STATUS_CODES[p.statusCode].meaning, at: p.acceptedAt };
      }
    }
    return [...views.values()];
  }
}
