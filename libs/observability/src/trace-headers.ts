import { Context, context, isSpanContextValid, trace } from '@opentelemetry/api';
import { KafkaHeader } from '@lgsp/contracts';

/**
 * The trace context of `ctx` (the active one by default) as W3C headers, `{ traceparent, tracestate? }`, for code
 * that builds Kafka headers by hand; `{}` outside a trace or when tracing is off. Formatted here rather than through
 * the global propagator so the result is the same whatever propagators the process configured (no `baggage`, no B3).
 */
export function currentTraceHeaders(ctx: Context = context.active()): Record<string, string> {
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return {};
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  const headers: Record<string, string> = { [KafkaHeader.TraceParent]: `00-${span.traceId}-${span.spanId}-${flags}` };
  const state = span.traceState?.serialize();
  if (state) headers[KafkaHeader.TraceState] = state;
  return headers;
}
