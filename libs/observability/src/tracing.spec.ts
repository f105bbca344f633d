import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { MaskingSpanExporter, maskSpan, startTracing, tracesUrl } from './tracing';

type Exporter = ConstructorParameters<typeof MaskingSpanExporter>[0];
type Span = Parameters<Exporter['export']>[0][number];

function span(overrides: Partial<Span> = {}): Span {
  const context = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
  return {
    name: 'GET /citizens/038095000112',
    kind: SpanKind.SERVER,
    spanContext: () => context,
    startTime: [1, 0],
    endTime: [2, 0],
    status: { code: SpanStatusCode.ERROR, message: 'no record for 0912345678' },
    attributes: { 'url.path': '/citizens/038095000112', 'http.response.status_code': 404, tags: ['a', 'nguyenvana@gmail.com'] },
    links: [],
    events: [{ name: 'exception', time: [1, 5], attributes: { 'exception.message': 'MST 0101234567 unknown' } }],
    duration: [1, 0],
    ended: true,
    resource: {} as Span['resource'],
    instrumentationScope: { name: 'test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

describe('tracesUrl', () => {
  it.each([
    ['http://collector:4318', 'http://collector:4318/v1/traces'],
    ['http://collector:4318/', 'http://collector:4318/v1/traces'],
    ['http://collector:4318/v1/traces', 'http://collector:4318/v1/traces'],
  ])('%s → %s', (endpoint, url) => {
    expect(tracesUrl(endpoint)).toBe(url);
  });
});

describe('span masking on export', () => {
  it('masks personal data in the name, attributes, status and events, and keeps ids and numbers', () => {
    const masked = maskSpan(span());
    expect(masked.name).toBe('GET /citizens/038*******12');
    expect(masked.attributes).toEqual({ 'url.path': '/citizens/038*******12', 'http.response.status_code': 404, tags: ['a', 'n*********@gmail.com'] });
    expect(masked.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no record for *******678' });
    expect(masked.events[0].attributes).toEqual({ 'exception.message': 'MST 01******67 unknown' });
    expect(masked.spanContext().spanId).toBe('00f067aa0ba902b7');
    expect(masked.duration).toEqual([1, 0]);
  });

  it('hands the masked copies to the real exporter and leaves the originals alone', () => {
    const seen: Span[] = [];
    const inner: Exporter = { export: (spans, done) => (seen.push(...spans), done({ code: 0 })), shutdown: async () => undefined };
    const original = span();
    const done = jest.fn();
    new MaskingSpanExporter(inner).export([original], done);
    expect(seen[0].name).toBe('GET /citizens/038*******12');
    expect(original.name).toBe('GET /citizens/038095000112');
    expect(done).toHaveBeenCalledWith({ code: 0 });
  });
});

describe('startTracing', () => {
  it('does nothing when disabled, and says so by returning a handle that shuts down at once', async () => {
    const handle = startTracing({ serviceName: 'test', enabled: false });
    await expect(handle.shutdown()).resolves.toBeUndefined();
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('lgsp.observability.tracing')]).toBeUndefined();
  });
});
