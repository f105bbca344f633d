import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpHeader, KafkaHeader, PlatformTopics } from '@lgsp/contracts';
import { DeadlineExceededError, EventPublisher, OutgoingMessage, RequestReplyClient } from '@lgsp/messaging';
import { currentTraceHeaders } from '@lgsp/observability';
import { Registry } from '@lgsp/registry';
import { GatewayError } from '../errors/gateway-error';
import { ExchangeTrace } from '../message-log/exchange-trace';
import { ExchangeRequest, isJsonContentType, requestHash } from './exchange-request';
import { IDEMPOTENCY_STORE, IdempotencyStore } from './idempotency-store';
import { PLATFORM_TOPICS } from '../platform/platform.tokens';

/** What the gateway answers, before it becomes an HTTP response. */
export interface ExchangeAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** SHA-256 of the request (x-lgsp-request-hash). */
  readonly requestHash: string;
  /** True when this is the stored answer to an earlier request with the same id. */
  readonly replayed: boolean;
}

/**
 * How long a reservation outlives the service's deadline. It covers the work around the upstream call (storing the
 * answer, a slow Redis); past it a replica that died mid-exchange no longer blocks the id. An event's publish is
 * bounded by the producer's retries rather than the deadline, so an outage that outlasts both reopens the id to a
 * concurrent duplicate, which is what every id was exposed to before reservations.
 */
const PENDING_MARGIN_MS = 5_000;
/** Long enough for most exchanges under way to finish; the refused caller then gets the stored answer. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/**
 * One exchange through the gateway: catalog lookup, access check (deny by default), then either request/reply
 * over Kafka with the service's deadline or an event written durably (acks -1) and answered 202. A request id
 * seen before from the same client gets the same answer without a second effect; one still under way (a
 * concurrent duplicate, on this replica or another) is refused with REQUEST_IN_PROGRESS, so it has no effect either.
 */
@Injectable()
export class RouteExchangeUseCase {
  private readonly logger = new Logger('RouteExchange');

  constructor(
    private readonly registry: Registry,
    @Inject(PLATFORM_TOPICS) private readonly topics: PlatformTopics,
    private readonly requests: RequestReplyClient,
    private readonly events: EventPublisher,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
  ) {}

  async execute(req: ExchangeRequest, trace: ExchangeTrace): Promise<ExchangeAnswer> {
    const service = this.registry.service(req.serviceCode);
    if (!service) throw new GatewayError('UNKNOWN_SERVICE', `There is no service "${req.serviceCode}" in this platform's catalog.`);
    if (!this.registry.isAllowed({ clientId: req.clientId, service: service.code, method: req.method, path: req.path })) {
      throw new GatewayError('ACCESS_DENIED', `Your client system has not been granted ${req.method} ${req.path} on service "${service.code}".`);
    }
    if (isJsonContentType(req.contentType) && req.body.length > 0) {
      try {
        JSON.parse(req.body.toString('utf8'));
      } catch {
        throw new GatewayError('INVALID_JSON');
      }
    }

    const hash = requestHash(req);
    trace.requestHash = hash;
    const reservation = await this.idempotency.begin(req.clientId, req.requestId, hash, service.timeoutMs + PENDING_MARGIN_MS);
    if (reservation.kind === 'answered') {
      const earlier = reservation.answer;
      if (earlier.requestHash !== hash) throw new GatewayError('REQUEST_ID_REUSED');
      return { status: earlier.status, headers: earlier.headers, body: earlier.body, requestHash: hash, replayed: true };
    }
    if (reservation.kind === 'in-progress') {
      if (reservation.requestHash !== hash) throw new GatewayError('REQUEST_ID_REUSED');
      throw new GatewayError('REQUEST_IN_PROGRESS', undefined, { 'Retry-After': String(IN_PROGRESS_RETRY_AFTER_SECONDS) });
    }

    // Only completed exchanges are remembered: whatever ends this one otherwise (a timeout, an unavailable bus, a
    // 5xx reply, a bug) frees the id, so that the client may retry with it.
    let settled = false;
    try {
      const client = this.registry.client(req.clientId);
      const message: OutgoingMessage = {
        key: req.issue ?? req.clientId,
        value: req.body,
        headers: {
          [KafkaHeader.RequestId]: req.requestId,
          [KafkaHeader.Client]: req.clientId,
          [KafkaHeader.ClientMember]: client?.member ?? '',
          [KafkaHeader.ClientRoles]: client?.roles.join(',') ?? '',
          [KafkaHeader.Service]: service.code,
          [KafkaHeader.Method]: req.method,
          [KafkaHeader.Path]: req.query ? `${req.path}?${req.query}` : req.path,
          ...(req.issue ? { [KafkaHeader.Issue]: req.issue } : {}),
          ...(req.contentType ? { [KafkaHeader.ContentType]: req.contentType } : {}),
          ...currentTraceHeaders(),
        },
      };

      trace.requestOutAt = new Date();
      const answer = service.kind === 'event' ? await this.sendEvent(service.code, req, message) : await this.call(service.code, service.timeoutMs, message);
      trace.responseInAt = new Date();
      if (answer.status < 500) {
        // Settled before storing: the effect has happened, so even if storing fails the id must stay reserved until
        // the reservation expires rather than be freed for a second effect at once.
        settled = true;
        const kept = await this.idempotency.complete(req.clientId, req.requestId, reservation.token, { requestHash: hash, ...answer });
        if (!kept) {
          this.logger.warn(`request id ${req.requestId} of ${req.clientId} was taken by another exchange after this one's reservation lapsed (${service.timeoutMs + PENDING_MARGIN_MS} ms); the other's outcome is the one remembered`);
        }
      }
      return { ...answer, requestHash: hash, replayed: false };
    } finally {
      if (!settled) await this.abandon(req, reservation.token);
    }
  }

  /** A failure to free the id must not hide why the exchange failed: the reservation then lapses by itself. */
  private async abandon(req: ExchangeRequest, token: string): Promise<void> {
    try {
      await this.idempotency.abandon(req.clientId, req.requestId, token);
    } catch (err) {
      this.logger.warn(`could not free request id ${req.requestId} of ${req.clientId}; it frees itself when its reservation expires: ${(err as Error).message}`);
    }
  }

  private async call(serviceCode: string, timeoutMs: number, message: OutgoingMessage) {
    try {
      const reply = await this.requests.request(this.topics.serviceRequests(serviceCode), message, { deadlineMs: timeoutMs });
      const status = Number(reply.headers[KafkaHeader.Status] ?? 200);
      const contentType = reply.headers[KafkaHeader.ContentType] ?? 'application/json';
      const headers: Record<string, string> = { 'content-type': contentType };
      // A provider's refusal keeps its machine-readable code on the way out, for the client and the message log.
      const errorCode = reply.headers[KafkaHeader.ErrorCode];
      if (errorCode && /^[A-Z][A-Z0-9_]{0,63}$/.test(errorCode)) headers[HttpHeader.ErrorCode] = errorCode;
      return { status: Number.isInteger(status) && status >= 200 && status <= 599 ? status : 502, headers, body: reply.value };
    } catch (err) {
      if (err instanceof DeadlineExceededError) {
        throw new GatewayError('UPSTREAM_TIMEOUT', `Service "${serviceCode}" did not answer within ${timeoutMs} ms.`);
      }
      throw new GatewayError('UPSTREAM_UNAVAILABLE');
    }
  }

  private async sendEvent(serviceCode: string, req: ExchangeRequest, message: OutgoingMessage) {
    let written;
    try {
      written = await this.events.publish(this.topics.serviceEvents(serviceCode), message);
    } catch {
      throw new GatewayError('UPSTREAM_UNAVAILABLE');
    }
    const body = { messageId: req.requestId, service: serviceCode, partition: written.partition, offset: written.offset };
    return { status: 202, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
  }
}
