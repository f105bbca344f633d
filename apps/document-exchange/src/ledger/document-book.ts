import { STATUS_CODES } from '@lgsp/edxml';
import { DeliveryAcknowledged, DeliveryPushed, DeliveryPushFailed, DocumentEvent, PackageAccepted, PushSubscribed } from './document-events';

export type TransportState = 'pending' | 'done' | 'fail';

export interface Delivery {
  deliveryId: string;
  packageId: string;
  recipient: string;
  state: TransportState;
  reason?: string;
  acknowledgedAt?: string;
  /** How pushing it to the recipient's callback ended, once it has (absent while due or never subscribed). */
  push?: PushOutcome;
}

export interface PushOutcome {
  state: 'pushed' | 'failed';
  url: string;
  attempts: number;
  at: string;
  error?: string;
}

/** Where an agency's deliveries are pushed. */
export type PushSubscription = Omit<PushSubscribed, 'type'>;

/** One step on a document's timeline, as the sent view shows it. */
export interface TimelineEntry {
  at: string;
  organId: string;
  event: string;
  packageId?: string;
  statusCode?: string;
  description?: string;
}

/**
 * Everything the exchange knows, rebuilt from its event topic at start-up and kept current by applying each event
 * it writes. Pure: no I/O, so that the rules built on it can be tested without a broker, and the same events always
 * give the same state.
 */
export class DocumentBook {
  private readonly packages = new Map<string, PackageAccepted>();
  private readonly deliveries = new Map<string, Delivery>();
  /** Per agency, its deliveries in arrival order. */
  private readonly inboxes = new Map<string, string[]>();
  /** Document packages by DocumentId, in order (the new one first, then revokes, updates …). */
  private readonly documentPackages = new Map<string, string[]>();
  /** Status packages by the DocumentId they answer. */
  private readonly statusPackages = new Map<string, string[]>();
  /** Per sending agency, the DocumentIds of its new documents, newest last. */
  private readonly sentBy = new Map<string, string[]>();
  /** Accepted packages by sender + SHA-256: the same bytes sent again are the same package. */
  private readonly byContent = new Map<string, string>();
  private readonly subscriptions = new Map<string, PushSubscription>();
  /** Deliveries whose push was given up and that still wait for their recipient, so operators see them without a scan. */
  private readonly failedPushIds = new Set<string>();

  apply(event: DocumentEvent): void {
    switch (event.type) {
      case 'package.accepted':
        return this.accepted(event);
      case 'delivery.acknowledged':
        return this.acknowledged(event);
      case 'push.subscribed': {
        const { type: _type, ...subscription } = event;
        this.subscriptions.set(event.organId, subscription);
        return this.forgetFailedPushes(event.organId);
      }
      case 'push.unsubscribed':
        this.subscriptions.delete(event.organId);
        return;
      case 'push.retry-requested':
        return this.forgetFailedPushes(event.organId);
      case 'delivery.pushed':
      case 'delivery.push-failed':
        return this.pushEnded(event);
    }
  }

  private accepted(e: PackageAccepted): void {
    if (this.packages.has(e.packageId)) return;
    this.packages.set(e.packageId, e);
    this.byContent.set(contentKey(e.sender, e.sha256), e.packageId);
    const index = e.kind === 'document' ? this.documentPackages : this.statusPackages;
    push(index, e.documentId, e.packageId);
    // A replacement is a new document too (under its own DocumentId), so it is listed and looked up like one.
    if (e.kind === 'document' && isNewDocument(e.docType)) push(this.sentBy, e.sender, e.documentId);
    for (const d of e.deliveries) {
      this.deliveries.set(d.deliveryId, { deliveryId: d.deliveryId, packageId: e.packageId, recipient: d.recipient, state: 'pending' });
      push(this.inboxes, d.recipient, d.deliveryId);
    }
  }

  private acknowledged(e: DeliveryAcknowledged): void {
    const delivery = this.deliveries.get(e.deliveryId);
    if (!delivery || delivery.state !== 'pending') return;
    delivery.state = e.status;
    delivery.acknowledgedAt = e.at;
    // Acknowledged through the inbox: nothing is left to push.
    this.failedPushIds.delete(e.deliveryId);
    if (e.reason) delivery.reason = e.reason;
  }

  private pushEnded(e: DeliveryPushed | DeliveryPushFailed): void {
    const delivery = this.deliveries.get(e.deliveryId);
    if (!delivery) return;
    delivery.push = {
      state: e.type === 'delivery.pushed' ? 'pushed' : 'failed',
      url: e.url,
      attempts: e.attempts,
      at: e.at,
      ...(e.type === 'delivery.push-failed' ? { error: e.error } : {}),
    };
    if (e.type === 'delivery.push-failed' && delivery.state === 'pending') this.failedPushIds.add(e.deliveryId);
    else this.failedPushIds.delete(e.deliveryId);
  }

  /** A failed push is tried again when the agency registers (again) or asks for it. */
  private forgetFailedPushes(organId: string): void {
    for (const id of this.inboxes.get(organId) ?? []) {
      const d = this.deliveries.get(id)!;
      if (d.state === 'pending' && d.push?.state === 'failed') {
        delete d.push;
        this.failedPushIds.delete(id);
      }
    }
  }

  subscription(organId: string): PushSubscription | undefined {
    return this.subscriptions.get(organId);
  }

  allSubscriptions(): PushSubscription[] {
    return [...this.subscriptions.values()];
  }

  /** Deliveries to push now: waiting for their recipient's acknowledgement, subscribed, and not pushed or given up. */
  duePushes(organId?: string): Delivery[] {
    const agencies = organId ? [organId] : [...this.subscriptions.keys()];
    const due: Delivery[] = [];
    for (const agency of agencies) {
      if (!this.subscriptions.has(agency)) continue;
      for (const id of this.inboxes.get(agency) ?? []) {
        const d = this.deliveries.get(id)!;
        if (d.state === 'pending' && !d.push) due.push(d);
      }
    }
    return due;
  }

  /** Deliveries whose every push attempt failed and that still wait for their recipient (one agency's, or all), oldest first. */
  failedPushes(organId?: string): Delivery[] {
    const failed: Delivery[] = [];
    for (const id of this.failedPushIds) {
      const d = this.deliveries.get(id)!;
      if (!organId || d.recipient === organId) failed.push(d);
    }
    return failed;
  }

  package(packageId: string): PackageAccepted | undefined {
    return this.packages.get(packageId);
  }

  packageWithContent(sender: string, sha256: string): PackageAccepted | undefined {
    const id = this.byContent.get(contentKey(sender, sha256));
    return id ? this.packages.get(id) : undefined;
  }

  delivery(deliveryId: string): Delivery | undefined {
    return this.deliveries.get(deliveryId);
  }

  deliveriesOf(packageId: string): Delivery[] {
    return (this.packages.get(packageId)?.deliveries ?? []).map((d) => this.deliveries.get(d.deliveryId)!);
  }

  /** The package that introduced a DocumentId (BussinessDocType 0 new, or 3 replace), if the exchange accepted one. */
  original(documentId: string): PackageAccepted | undefined {
    for (const id of this.documentPackages.get(documentId) ?? []) {
      const p = this.packages.get(id)!;
      if (isNewDocument(p.docType)) return p;
    }
    return undefined;
  }

  /** Every agency a document went to, over its new package and any update that added recipients. */
  recipientsOf(documentId: string): Set<string> {
    const recipients = new Set<string>();
    for (const id of this.documentPackages.get(documentId) ?? []) for (const d of this.packages.get(id)!.deliveries) recipients.add(d.recipient);
    return recipients;
  }

  inbox(organId: string, filter: { state?: TransportState; after?: string; limit: number }): Delivery[] {
    const ids = this.inboxes.get(organId) ?? [];
    const start = filter.after ? ids.indexOf(filter.after) + 1 : 0;
    const out: Delivery[] = [];
    for (let i = start; i < ids.length && out.length < filter.limit; i++) {
      const d = this.deliveries.get(ids[i])!;
      if (!filter.state || d.state === filter.state) out.push(d);
    }
    return out;
  }

  sent(organId: string, limit: number): PackageAccepted[] {
    const ids = this.sentBy.get(organId) ?? [];
    return ids.slice(-limit).reverse().map((documentId) => this.original(documentId)!);
  }

  /**
   * Every package about a document — its own and the statuses answering it — and every transport acknowledgement,
   * in time order.
   */
  timeline(documentId: string): TimelineEntry[] {
    const entries: TimelineEntry[] = [];
    const packageIds = [...(this.documentPackages.get(documentId) ?? []), ...(this.statusPackages.get(documentId) ?? [])];
    for (const id of packageIds) {
      const p = this.packages.get(id)!;
      if (p.kind === 'document') {
        entries.push({ at: p.acceptedAt, organId: p.sender, event: `sent (${DOC_TYPES[p.docType ?? 0]})`, packageId: p.packageId });
      } else {
        const meaning = STATUS_CODES[p.statusCode!]?.meaning ?? p.statusCode!;
        entries.push({ at: p.acceptedAt, organId: p.sender, event: `status ${p.statusCode}: ${meaning}`, packageId: p.packageId, statusCode: p.statusCode, ...(p.statusDescription ? { description: p.statusDescription } : {}) });
      }
      for (const d of this.deliveriesOf(id)) {
        if (d.state !== 'pending') {
          entries.push({ at: d.acknowledgedAt!, organId: d.recipient, event: `transport ${d.state}`, packageId: p.packageId, ...(d.reason ? { description: d.reason } : {}) });
        }
      }
    }
    return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }
}

const DOC_TYPES = ['new', 'revoke', 'update', 'replace'];

function isNewDocument(docType: number | undefined): boolean {
  return docType === 0 || docType === 3;
}

function contentKey(sender: string, sha256: string): string {
  return `${sender}\u0000${sha256}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
