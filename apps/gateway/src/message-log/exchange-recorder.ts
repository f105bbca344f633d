import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ExchangeFields, MessageLogRecord } from '@lgsp/message-log';
import { MetricsService } from '@lgsp/observability';
import type { Counter, Histogram } from 'prom-client';
import { Registry } from '@lgsp/registry';
import { ExchangeTrace } from './exchange-trace';
import { MessageLogWriter } from './message-log-writer';

export interface ExchangeOutcome {
  readonly method: string;
  readonly status: number;
  readonly requestBody: Buffer | null;
  readonly responseBody: Buffer | null;
  readonly contentType: string | null;
  readonly faultCode: string | null;
  readonly faultMessage: string | null;
}

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
    const service = trace.serviceCode ? this.registry.service(trace.serviceCode) : undefined;
    const mode = service?.bodyLogging ?? 'metadata';
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
      requestBytes: outcome.requestBody?.length ?? 0,
      responseBytes: outcome.responseBody?.length ?? 0,
      status: outcome.status,
      succeeded: outcome.status < 400,
      faultCode: outcome.faultCode,
      faultMessage: outcome.faultMessage,
      requestHash: trace.requestHash ?? null,
      requestBody: mode === 'full' && outcome.requestBody ? outcome.requestBody.toString('base64') : null,
      responseBody: mode === 'full' && outcome.responseBody ? outcome.responseBody.toString('base64') : null,
      contentType: mode === 'none' ? null : outcome.contentType,
    };
    const service_ = service?.code ?? 'unknown';
    const client = trace.clientId ?? 'anonymous';
    this.exchanges.inc({ service: service_, client, status: String(outcome.status), fault: outcome.faultCode ?? '' });
    this.duration.observe({ service: service_, client }, (Date.parse(fields.responseOutAt) - trace.requestInAt.getTime()) / 1000);
    return this.writer.record(fields);
  }
}
