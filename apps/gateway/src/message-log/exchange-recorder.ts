import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ExchangeFields, MessageLogRecord } from '@lgsp/message-log';
import { MetricsService } from '@lgsp/observability';
import type { Counter, Histogram } from 'prom-client';
import { Registry } from '@lgsp/registry';
import { TOKEN_SERVICE } from '../auth/token-exchange-trace.middleware';
import { ExchangeTrace } from './exchange-trace';
import { ADMIN_SERVICE } from './exchange-trace.middleware';
import { MessageLogWriter } from './message-log-writer';

export interface ExchangeOutcome {
  readonly method: string;
  readonly status: number;
  readonly requestBody: Buffer | null;
  readonly responseBody: Buffer | null;
  readonly contentType: string | null;
  readonly faultCode: string | null;
  readonly faultMessage: string | null;
  /**
   * Sizes for a caller that keeps the bodies from the recorder altogether (the token endpoint: its request carries
   * a client secret, its answer an access token); used when the body itself is null.
   */
  readonly requestBytes?: number;
  readonly responseBytes?: number;
}

/**
 * The gateway's own endpoints that are logged as exchanges, and how much of them is kept. Fixed here, not read from
 * the catalog: their bodies carry credentials (a client secret in a token request, a new client's secret in an
 * admin answer), and a catalog service that happened to be given one of these codes with bodyLogging 'full' must
 * not put them in the log.
 */
const GATEWAY_SERVICES: ReadonlyMap<string, 'metadata'> = new Map([
  [ADMIN_SERVICE, 'metadata'],
  [TOKEN_SERVICE, 'metadata'],
]);

export const MESSAGE_LOG_WRITER = Symbol('MESSAGE_LOG_WRITER');

/**
 * Turns an exchange into its message-log record. What is kept follows the service's body-logging mode:
 * 'full' keeps both bodies, 'metadata' keeps sizes and content type only, 'none' also drops the path below the
 * service (it can carry personal identifiers, e.g. /citizens/038200000123).
 */
@Injectable()
export class ExchangeRecorder {
  private readonly exchanges: Counter<string>;
  private readonly duration: Histogram<string>;

  constructor(
    @Inject(MESSAGE_LOG_WRITER) private readonly writer: MessageLogWriter,
    private readonly registry: Registry,
    metrics: MetricsService,
  ) {
    // Labelled by catalog service and client id: both are bounded sets from the registry, never raw input.
    this.exchanges = metrics.counter('exchanges_total', 'Exchanges through the gateway, by service, client and outcome', ['service', 'client', 'status', 'fault']);
    this.duration = metrics.histogram('exchange_duration_seconds', 'Time from request in to response out', ['service', 'client'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  }

  async record(trace: ExchangeTrace, outcome: ExchangeOutcome): Promise<MessageLogRecord | null> {
    if (trace.logged) return null;
    trace.logged = true;
    const gatewayMode = trace.serviceCode ? GATEWAY_SERVICES.get(trace.serviceCode) : undefined;
    const service = trace.serviceCode && !gatewayMode ? this.registry.service(trace.serviceCode) : undefined;
    const mode = gatewayMode ?? service?.bodyLogging ?? 'metadata';
    const fields: ExchangeFields = {
      id: randomUUID(),
      requestId: trace.requestId ?? 'none',
      client: trace.clientId ?? null,
      clientMember: trace.clientMember ?? null,
      service: trace.serviceCode ?? null,
      method: outcome.method,
      path: mode === 'none' ? null : (trace.path ?? null),
      issue: trace.issue ?? null,
      requestInAt: trace.requestInAt.toISOString(),
      requestOutAt: trace.requestOutAt?.toISOString() ?? null,
      responseInAt: trace.responseInAt?.toISOString() ?? null,
      responseOutAt: new Date().toISOString(),
      requestBytes: outcome.requestBody?.length ?? outcome.requestBytes ?? 0,
      responseBytes: outcome.responseBody?.length ?? outcome.responseBytes ?? 0,
      status: outcome.status,
      succeeded: outcome.status < 400,
      faultCode: outcome.faultCode,
      faultMessage: outcome.faultMessage,
      requestHash: trace.requestHash ?? null,
      requestBody: mode === 'full' && outcome.requestBody ? outcome.requestBody.toString('base64') : null,
      responseBody: mode === 'full' && outcome.responseBody ? outcome.responseBody.toString('base64') : null,
      contentType: mode === 'none' ? null : outcome.contentType,
    };
    const service_ = gatewayMode ? trace.serviceCode! : (service?.code ?? 'unknown');
    // A token request's client is whatever id was presented; only registered ids become label values.
    const client = !trace.clientId ? 'anonymous' : this.registry.client(trace.clientId) ? trace.clientId : 'unknown';
    this.exchanges.inc({ service: service_, client, status: String(outcome.status), fault: outcome.faultCode ?? '' });
    this.duration.observe({ service: service_, client }, (Date.parse(fields.responseOutAt) - trace.requestInAt.getTime()) / 1000);
    return this.writer.record(fields);
  }
}
