import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { maskPersonalData } from './masking';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://otel-collector:4318); spans are exported only when set. */
  otlpEndpoint?: string;
  /** False leaves the process untouched (LGSP_TRACING=off). */
  enabled?: boolean;
}

export interface TracingHandle {
  /** Ends spans still buffered and sends them; safe to call more than once. */
  shutdown(): Promise<void>;
}

type SpanExporter = NodeSDKConfiguration['traceExporter'];
type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];
type ReadableSpan = Parameters<SpanExporter['export']>[0][number];

const NOOP_HANDLE: TracingHandle = { shutdown: async () => undefined };

// On globalThis rather than in module scope: the register file and the app may reach this module by two paths
// (dist and a symlink, or two copies of the package), and instrumenting twice would double every span.
const STARTED = Symbol.for('lgsp.observability.tracing');
type GlobalWithTracing = typeof globalThis & { [STARTED]?: TracingHandle };

/** Probes and scrapes would be most of the traces and tell nothing. */
const UNTRACED_PATH = /^\/(?:health(?:\/[^?]*)?|metrics)(?:\?|$)/;

/**
 * Without an exporter the SDK would register no tracer provider, and spans would merely echo the caller's ids. A
 * provider with a processor that drops everything still mints a span (and span id) per hop, so trace context
 * propagates HTTP → Kafka exactly as in production.
 */
const DROP_ALL: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

/** The OTLP base URL as the spec reads OTEL_EXPORTER_OTLP_ENDPOINT: signal paths are appended to it. */
export function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}

/**
 * Starts OpenTelemetry: http, express, kafkajs and ioredis instrumentation, W3C trace context and baggage
 * propagation, OTLP/HTTP export when an endpoint is given. Must run before the instrumented modules are first
 * required (STYLE.md 9), hence tracing-register. A second call returns the first handle and does nothing else;
 * a call with `enabled: false` does nothing at all.
 */
export function startTracing(options: TracingOptions): TracingHandle {
  const g = globalThis as GlobalWithTracing;
  if (g[STARTED]) return g[STARTED];
  if (options.enabled === false) return NOOP_HANDLE;

  // Required here rather than imported at the top: apps import this library for its logger and health checks,
  // and should not pay for loading the SDK and every instrumentation unless tracing is switched on.
  const { NodeSDK, core } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { KafkaJsInstrumentation } = require('@opentelemetry/instrumentation-kafkajs') as typeof import('@opentelemetry/instrumentation-kafkajs');
  const { IORedisInstrumentation } = require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');

  let exporter: SpanExporter | undefined;
  if (options.otlpEndpoint) {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    exporter = new MaskingSpanExporter(new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) }));
  }

  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    textMapPropagator: new core.CompositePropagator({ propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()] }),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATH.test(req.url ?? '') }),
      new ExpressInstrumentation(),
      new KafkaJsInstrumentation(),
      new IORedisInstrumentation(),
    ],
    ...(exporter ? { traceExporter: exporter } : { spanProcessors: [DROP_ALL] }),
    // Left unset, the SDK would build OTLP metric and log exporters aimed at localhost from defaults; metrics go
    // through prom-client and logs through pino instead.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  const handle: TracingHandle = {
    shutdown: () => (stopping ??= sdk.shutdown().catch(() => undefined)),
  };
  g[STARTED] = handle;
  return handle;
}

function maskAttributeValue(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === 'string') return maskPersonalData(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? maskPersonalData(v) : v)) as AttributeValue;
  return value;
}

function maskAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) out[key] = maskAttributeValue(value);
  return out;
}

/**
 * Traces are read by people too (Jaeger): URLs like /citizens/038095000123, error messages and Redis keys hold
 * identifiers. Spans are masked on their way out, so instrumentations need no configuration of their own.
 */
export class MaskingSpanExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans.map(maskSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export function maskSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: maskPersonalData(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status.message === undefined ? span.status : { ...span.status, message: maskPersonalData(span.status.message) },
    attributes: maskAttributes(span.attributes),
    links: span.links,
    events: span.events.map((e) => (e.attributes ? { ...e, attributes: maskAttributes(e.attributes) } : e)),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
