import { createTraceState, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { currentTraceHeaders } from './trace-headers';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';

describe('currentTraceHeaders', () => {
  it('gives nothing outside a trace (tracing off, or no active span)', () => {
    expect(currentTraceHeaders()).toEqual({});
    expect(currentTraceHeaders(ROOT_CONTEXT)).toEqual({});
  });

  it('formats the span context as a W3C traceparent', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    expect(currentTraceHeaders(ctx)).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
  });

  it('keeps the unsampled flag and carries tracestate when there is one', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.NONE, traceState: createTraceState('vendor=abc') });
    expect(currentTraceHeaders(ctx)).toEqual({ traceparent: `00-${traceId}-${spanId}-00`, tracestate: 'vendor=abc' });
  });

  it('refuses an invalid span context rather than sending an all-zero trace id', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0'.repeat(32), spanId, traceFlags: TraceFlags.SAMPLED });
    expect(currentTraceHeaders(ctx)).toEqual({});
  });
});
