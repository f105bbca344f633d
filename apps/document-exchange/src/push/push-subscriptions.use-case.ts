import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { DOCUMENT_EXCHANGE_CONFIG } from '../config/tokens';
import { DocumentExchangeConfig } from '../config/document-exchange-config';
import { Caller } from '../exchange/caller';
import { DocumentExchangeError } from '../exchange/document-exchange-error';
import { Delivery } from '../ledger/document-book';
import { DocumentLedger } from '../ledger/document-ledger';
import { PushDispatcher, RetryingPush } from './push-dispatcher';

export interface FailedPush {
  deliveryId: string;
  recipient: string;
  packageId: string;
  documentId: string;
  kind: 'document' | 'status';
  url: string;
  attempts: number;
  failedAt: string;
  error: string;
}

const MAX_FAILED_LISTED = 500;

const subscriptionBody = z.strictObject({ url: z.string().max(2048) });

/**
 * An agency system registers where its agency's deliveries are pushed, sees how pushing goes, and asks for failed
 * pushes to be tried again; operators see every agency's failed and retrying pushes.
 */
@Injectable()
export class PushSubscriptionsUseCase {
  constructor(
    private readonly ledger: DocumentLedger,
    private readonly dispatcher: PushDispatcher,
    @Inject(DOCUMENT_EXCHANGE_CONFIG) private readonly config: DocumentExchangeConfig,
  ) {}

  /** Registers (or replaces) the callback; a new signing secret each time, shown only in this answer. */
  async subscribe(caller: Caller, body: Buffer): Promise<{ organId: string; url: string; secret: string; subscribedAt: string }> {
    const url = this.callbackUrl(body);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const at = new Date().toISOString();
    await this.ledger.decide([caller.member], () => ({
      events: [{ type: 'push.subscribed', organId: caller.member, url, secret, client: caller.clientId, at }],
      answer: () => undefined,
    }));
    return { organId: caller.member, url, secret, subscribedAt: at };
  }

  async unsubscribe(caller: Caller): Promise<{ organId: string; unsubscribed: true }> {
    return this.ledger.decide([caller.member], (book) => {
      if (!book.subscription(caller.member)) throw noSubscription(404);
      return {
        events: [{ type: 'push.unsubscribed', organId: caller.member, client: caller.clientId, at: new Date().toISOString() }],
        answer: () => ({ organId: caller.member, unsubscribed: true as const }),
      };
    });
  }

  async retry(caller: Caller): Promise<{ organId: string; retrying: number }> {
    return this.ledger.decide([caller.member], (book) => {
      if (!book.subscription(caller.member)) throw noSubscription(409);
      const failed = book.failedPushes(caller.member).length;
      return {
        events: failed > 0 ? [{ type: 'push.retry-requested', organId: caller.member, client: caller.clientId, at: new Date().toISOString() }] : [],
        answer: () => ({ organId: caller.member, retrying: failed }),
      };
    });
  }

  /** The agency's own view: where it is pushed, what is being retried, and what was given up. */
  status(caller: Caller): { subscription: { url: string; subscribedAt: string; client: string } | null; retrying: RetryingPush[]; failed: FailedPush[] } {
    const subscription = this.ledger.book.subscription(caller.member);
    return {
      subscription: subscription ? { url: subscription.url, subscribedAt: subscription.at, client: subscription.client } : null,
      retrying: this.dispatcher.retrying(caller.member),
      failed: this.failed(caller.member),
    };
  }

  /** The operators' view over every agency (the secret never leaves the exchange). */
  operations(): { subscriptions: { organId: string; url: string; subscribedAt: string }[]; retrying: RetryingPush[]; failed: FailedPush[]; failedTotal: number } {
    const failed = this.ledger.book.failedPushes();
    return {
      subscriptions: this.ledger.book.allSubscriptions().map((s) => ({ organId: s.organId, url: s.url, subscribedAt: s.at })),
      retrying: this.dispatcher.retrying(),
      failed: failed.slice(0, MAX_FAILED_LISTED).map((d) => this.describe(d)),
      failedTotal: failed.length,
    };
  }

  private failed(organId: string): FailedPush[] {
    return this.ledger.book.failedPushes(organId).slice(0, MAX_FAILED_LISTED).map((d) => this.describe(d));
  }

  private describe(d: Delivery): FailedPush {
    const p = this.ledger.book.package(d.packageId)!;
    return { deliveryId: d.deliveryId, recipient: d.recipient, packageId: p.packageId, documentId: p.documentId, kind: p.kind, url: d.push!.url, attempts: d.push!.attempts, failedAt: d.push!.at, error: d.push!.error! };
  }

  private callbackUrl(body: Buffer): string {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new DocumentExchangeError(400, 'INVALID_JSON', 'The body is not valid JSON; send {"url": "https://…"}.');
    }
    const parsed = subscriptionBody.safeParse(json);
    if (!parsed.success) throw invalidCallback('A push registration is {"url": "https://…"} and nothing else.');
    let url: URL;
    try {
      url = new URL(parsed.data.url);
    } catch {
      throw invalidCallback(`${JSON.stringify(parsed.data.url)} is not an absolute URL.`);
    }
    const allowed = this.config.DOCUMENT_PUSH_REQUIRE_HTTPS ? ['https:'] : ['https:', 'http:'];
    if (!allowed.includes(url.protocol)) {
      throw invalidCallback(`The callback must be ${this.config.DOCUMENT_PUSH_REQUIRE_HTTPS ? 'an https' : 'an http or https'} URL, not ${url.protocol}.`);
    }
    if (url.username || url.password) throw invalidCallback('Put no credentials in the callback URL; each push is signed with the secret you receive.');
    if (url.hash) throw invalidCallback('A callback URL has no #fragment.');
    return url.toString();
  }
}

const noSubscription = (status: 404 | 409) => new DocumentExchangeError(status, 'NO_PUSH_SUBSCRIPTION', 'Your agency has no push callback registered; PUT /push {"url": …} first.');
const invalidCallback = (message: string) => new DocumentExchangeError(400, 'INVALID_CALLBACK', message);
