import { Injectable } from '@nestjs/common';
import { Delivery, TransportState } from '../ledger/document-book';
import { DocumentLedger } from '../ledger/document-ledger';
import { Caller } from './caller';
import { DocumentExchangeError } from './document-exchange-error';

export interface InboxItem {
  deliveryId: string;
  packageId: string;
  kind: 'document' | 'status';
  documentId: string;
  from: string;
  docType?: number;
  subject?: string;
  statusCode?: string;
  receivedAt: string;
  state: TransportState;
}

const MAX_PAGE = 200;

/**
 * The receiving side, as the national document axis works: an agency's system lists what waits for it, fetches
 * each package, and acknowledges it `done` or `fail`. A package stays in the inbox until acknowledged.
 */
@Injectable()
export class InboxUseCase {
  constructor(private readonly ledger: DocumentLedger) {}

  list(caller: Caller, query: URLSearchParams): { items: InboxItem[]; next: string | null } {
    const state = query.get('state') ?? 'pending';
    if (!['pending', 'done', 'fail', 'all'].includes(state)) {
      throw new DocumentExchangeError(400, 'INVALID_QUERY', 'state is one of pending, done, fail or all.');
    }
    const limitText = query.get('limit') ?? '50';
    const limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE)) throw new DocumentExchangeError(400, 'INVALID_QUERY', `limit is a whole number from 1 to ${MAX_PAGE}.`);
    const after = query.get('after') ?? undefined;
    if (after !== undefined && this.ledger.book.delivery(after)?.recipient !== caller.member) {
      throw new DocumentExchangeError(400, 'INVALID_QUERY', 'after must be a deliveryId from your own inbox (the `next` of the previous page).');
    }
    const deliveries = this.ledger.book.inbox(caller.member, { ...(state === 'all' ? {} : { state: state as TransportState }), after, limit: limit + 1 });
    const page = deliveries.slice(0, limit);
    return { items: page.map((d) => this.item(d)), next: deliveries.length > limit ? page[page.length - 1].deliveryId : null };
  }

  /** The package as delivered; only to its recipient (anyone else is told it does not exist). */
  fetch(caller: Caller, deliveryId: string): string {
    const delivery = this.own(caller, deliveryId);
    return this.ledger.book.package(delivery.packageId)!.xml;
  }

  async acknowledge(caller: Caller, deliveryId: string, body: Buffer): Promise<{ deliveryId: string; state: TransportState; acknowledgedAt: string }> {
    let parsed: { status?: unknown; reason?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8') || '{}') as typeof parsed;
    } catch {
      throw new DocumentExchangeError(400, 'INVALID_JSON', 'The body is not valid JSON.');
    }
    const extra = Object.keys(parsed ?? {}).filter((k) => k !== 'status' && k !== 'reason');
    if (parsed === null || typeof parsed !== 'object' || extra.length > 0) {
      throw new DocumentExchangeError(400, 'INVALID_ACK', `An acknowledgement is {"status": "done" | "fail", "reason"?: string}${extra.length ? `; unknown field ${extra.join(', ')}` : ''}.`);
    }
    if (parsed.status !== 'done' && parsed.status !== 'fail') throw new DocumentExchangeError(400, 'INVALID_ACK', 'status must be "done" or "fail".');
    if (parsed.reason !== undefined && (typeof parsed.reason !== 'string' || parsed.reason.length > 1000)) {
      throw new DocumentExchangeError(400, 'INVALID_ACK', 'reason is a text of at most 1000 characters.');
    }
    const status = parsed.status;
    const reason = parsed.reason as string | undefined;
    const delivery = this.own(caller, deliveryId);
    const documentId = this.ledger.book.package(delivery.packageId)!.documentId;
    return this.ledger.decide([documentId], (book) => {
      const current = book.delivery(deliveryId)!;
      if (current.state === status) {
        return { events: [], answer: () => ({ deliveryId, state: current.state, acknowledgedAt: current.acknowledgedAt! }) };
      }
      if (current.state !== 'pending') {
        throw new DocumentExchangeError(409, 'ALREADY_ACKNOWLEDGED', `Delivery ${deliveryId} was already acknowledged ${current.state} at ${current.acknowledgedAt}.`);
      }
      const at = new Date().toISOString();
      return {
        events: [{ type: 'delivery.acknowledged', deliveryId, recipient: caller.member, status, ...(reason ? { reason } : {}), at, client: caller.clientId }],
        answer: () => ({ deliveryId, state: status, acknowledgedAt: at }),
      };
    });
  }

  private own(caller: Caller, deliveryId: string): Delivery {
    const delivery = this.ledger.book.delivery(deliveryId);
    if (!delivery || delivery.recipient !== caller.member) {
      throw new DocumentExchangeError(404, 'UNKNOWN_DELIVERY', `There is no delivery ${deliveryId} in your agency's inbox.`);
    }
    return delivery;
  }

  private item(d: Delivery): InboxItem {
    const p = this.ledger.book.package(d.packageId)!;
    return {
      deliveryId: d.deliveryId,
      packageId: p.packageId,
      kind: p.kind,
      documentId: p.documentId,
      from: p.sender,
      ...(p.docType !== undefined ? { docType: p.docType } : {}),
      ...(p.subject ? { subject: p.subject } : {}),
      ...(p.statusCode ? { statusCode: p.statusCode } : {}),
      receivedAt: p.acceptedAt,
      state: d.state,
    };
  }
}
