import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { DOCUMENT_EXCHANGE_CONFIG } from '../config/tokens';
import { DocumentExchangeConfig } from '../config/document-exchange-config';
import { Delivery } from '../ledger/document-book';
import { DocumentEvent } from '../ledger/document-events';
import { DocumentLedger } from '../ledger/document-ledger';
import { backoffMs } from '@lgsp/concurrency';

/** Headers of a push besides the Standard Webhooks ones, so a receiver can route it without parsing the XML. */
export const PushHeader = {
  DeliveryId: 'x-lgsp-delivery-id',
  PackageId: 'x-lgsp-package-id',
  DocumentId: 'x-lgsp-document-id',
  Kind: 'x-lgsp-package-kind',
  From: 'x-lgsp-from',
} as const;

/** A push being retried: what operators see before it is given up. */
export interface RetryingPush {
  deliveryId: string;
  recipient: string;
  /** Attempts made so far in this process (a restart starts the count again). */
  attempts: number;
  lastError: string;
  nextAttemptAt: string;
}

interface Tracked {
  delivery: Delivery;
  attempts: number;
  lastError?: string;
  nextAttemptAt?: Date;
  timer?: NodeJS.Timeout;
}

/**
 * Pushes each delivery to its recipient's callback, as the recipient registered it: signed per Standard Webhooks
 * (webhook-id is the deliveryId, the same on every retry, so a receiver drops a repeat), retried with backoff, and
 * recorded on the ledger once the callback answers 2xx or every attempt has failed. A pushed delivery still waits in
 * the inbox for the recipient's transport acknowledgement, exactly as a fetched one does: the push saves polling, it
 * does not replace the acknowledgement.
 *
 * What is due comes from the book, so after a restart every delivery that was neither pushed nor given up is pushed
 * (again): at least once, never lost. Attempt counts live only here; a restart starts them over.
 */
@Injectable()
export class PushDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger('PushDispatcher');
  private readonly tracked = new Map<string, Tracked>();
  /** Per agency: deliveries ready for an attempt, and how many attempts are under way. */
  private readonly ready = new Map<string, string[]>();
  private readonly running = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private stopping = false;

  constructor(
    private readonly ledger: DocumentLedger,
    @Inject(DOCUMENT_EXCHANGE_CONFIG) private readonly config: DocumentExchangeConfig,
  ) {}

  start(): void {
    this.ledger.onRecorded((event) => this.recorded(event));
    const due = this.ledger.book.duePushes();
    for (const delivery of due) this.track(delivery);
    if (due.length > 0) this.logger.log(`${due.length} deliveries to push from before the start`);
  }

  /** Pushes under retry, oldest first (for an agency, or all). */
  retrying(organId?: string): RetryingPush[] {
    const out: RetryingPush[] = [];
    for (const t of this.tracked.values()) {
      if (!t.lastError || t.delivery.state !== 'pending' || (organId && t.delivery.recipient !== organId)) continue;
      out.push({ deliveryId: t.delivery.deliveryId, recipient: t.delivery.recipient, attempts: t.attempts, lastError: t.lastError, nextAttemptAt: t.nextAttemptAt?.toISOString() ?? 'now' });
    }
    return out;
  }

  private recorded(event: DocumentEvent): void {
    if (event.type === 'package.accepted') {
      for (const { deliveryId, recipient } of event.deliveries) {
        if (this.ledger.book.subscription(recipient)) this.track(this.ledger.book.delivery(deliveryId)!);
      }
    } else if (event.type === 'push.subscribed' || event.type === 'push.retry-requested') {
      // A new URL or an explicit request: what was waiting for a retry goes now, to the current URL.
      for (const t of this.tracked.values()) {
        if (t.delivery.recipient === event.organId && t.timer) {
          clearTimeout(t.timer);
          t.timer = undefined;
          t.nextAttemptAt = undefined;
          this.enqueue(t.delivery);
        }
      }
      for (const delivery of this.ledger.book.duePushes(event.organId)) this.track(delivery);
    }
  }

  private track(delivery: Delivery): void {
    if (this.stopping || this.tracked.has(delivery.deliveryId)) return;
    this.tracked.set(delivery.deliveryId, { delivery, attempts: 0 });
    this.enqueue(delivery);
  }

  private enqueue(delivery: Delivery): void {
    const queue = this.ready.get(delivery.recipient);
    if (queue) queue.push(delivery.deliveryId);
    else this.ready.set(delivery.recipient, [delivery.deliveryId]);
    this.pump(delivery.recipient);
  }

  private pump(organId: string): void {
    const queue = this.ready.get(organId);
    while (!this.stopping && queue && queue.length > 0 && (this.running.get(organId) ?? 0) < this.config.DOCUMENT_PUSH_CONCURRENCY) {
      const t = this.tracked.get(queue.shift()!);
      if (!t) continue;
      this.running.set(organId, (this.running.get(organId) ?? 0) + 1);
      const attempt = this.attempt(t).finally(() => {
        this.inFlight.delete(attempt);
        this.running.set(organId, this.running.get(organId)! - 1);
        this.pump(organId);
      });
      this.inFlight.add(attempt);
    }
    if (queue?.length === 0) this.ready.delete(organId);
  }

  private async attempt(t: Tracked): Promise<void> {
    const { delivery } = t;
    const subscription = this.ledger.book.subscription(delivery.recipient);
    // Acknowledged meanwhile (it was fetched from the inbox), or the agency stopped pushes: nothing to do.
    if (delivery.state !== 'pending' || delivery.push || !subscription) {
      this.tracked.delete(delivery.deliveryId);
      return;
    }
    t.attempts++;
    const error = await this.post(subscription.url, subscription.secret, delivery);
    if (this.stopping) return;
    if (error === null) {
      await this.settle(t, { type: 'delivery.pushed', deliveryId: delivery.deliveryId, recipient: delivery.recipient, url: subscription.url, attempts: t.attempts, at: new Date().toISOString() });
      return;
    }
    t.lastError = error;
    if (t.attempts >= this.config.DOCUMENT_PUSH_MAX_ATTEMPTS) {
      this.logger.warn(`gave up pushing delivery ${delivery.deliveryId} to ${delivery.recipient} after ${t.attempts} attempts: ${error}; it waits in the inbox`);
      await this.settle(t, {
        type: 'delivery.push-failed',
        deliveryId: delivery.deliveryId,
        recipient: delivery.recipient,
        url: subscription.url,
        attempts: t.attempts,
        error,
        at: new Date().toISOString(),
      });
      return;
    }
    this.retryLater(t);
  }

  private retryLater(t: Tracked): void {
    const delay = backoffMs(t.attempts, this.config.DOCUMENT_PUSH_FIRST_DELAY_MS, this.config.DOCUMENT_PUSH_MAX_DELAY_MS);
    t.nextAttemptAt = new Date(Date.now() + delay);
    t.timer = setTimeout(() => {
      t.timer = undefined;
      t.nextAttemptAt = undefined;
      this.enqueue(t.delivery);
    }, delay);
    t.timer.unref();
  }

  /** Records how the push ended; if the ledger cannot take it now, the push is tried again later (at least once). */
  private async settle(t: Tracked, event: DocumentEvent & { deliveryId: string }): Promise<void> {
    const documentId = this.ledger.book.package(t.delivery.packageId)!.documentId;
    try {
      await this.ledger.decide([documentId], (book) => ({
        events: book.delivery(event.deliveryId)?.state === 'pending' ? [event] : [],
        answer: () => undefined,
      }));
      this.tracked.delete(t.delivery.deliveryId);
    } catch (error) {
      t.lastError = `the outcome could not be recorded: ${(error as Error).message}`;
      this.logger.warn(`delivery ${t.delivery.deliveryId}: ${t.lastError}; pushing it again later`);
      this.retryLater(t);
    }
  }

  /** One attempt; null when the callback took it (2xx), otherwise why not, in a sentence an operator can act on. */
  private async post(url: string, secret: string, delivery: Delivery): Promise<string | null> {
    const pkg = this.ledger.book.package(delivery.packageId)!;
    const sentAt = new Date();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.config.DOCUMENT_PUSH_TIMEOUT_MS);
    this.aborts.add(abort);
    try {
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: abort.signal,
        headers: {
          'content-type': 'application/xml; charset=utf-8',
          'webhook-id': delivery.deliveryId,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': new Webhook(secret).sign(delivery.deliveryId, sentAt, pkg.xml),
          [PushHeader.DeliveryId]: delivery.deliveryId,
          [PushHeader.PackageId]: pkg.packageId,
          [PushHeader.DocumentId]: pkg.documentId,
          [PushHeader.Kind]: pkg.kind,
          [PushHeader.From]: pkg.sender,
        },
        body: pkg.xml,
      });
      // The body is not needed; reading it frees the connection for the next push.
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? null : `the callback answered HTTP ${response.status}`;
    } catch (error) {
      if (abort.signal.aborted) return this.stopping ? 'stopped' : `the callback did not answer within ${this.config.DOCUMENT_PUSH_TIMEOUT_MS} ms`;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return `the callback could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message})`;
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }

  /** Before any shutdown hook, so before the ledger's producer closes: no push ends half-recorded. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const t of this.tracked.values()) if (t.timer) clearTimeout(t.timer);
    for (const abort of this.aborts) abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }
}
