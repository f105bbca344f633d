import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { join } from 'node:path';
import { Consumer, IHeaders, KafkaMessage } from 'kafkajs';
import request from 'supertest';
import { Spawned } from '@lgsp/test-support/spawned';
import { startTestBroker, TestBroker, waitFor } from '@lgsp/test-support/test-broker';

/**
 * Tracing as it runs in production: tracing-register preloaded with --require before Nest, express and kafkajs load,
 * in a process of its own (jest's module registry would hand the app modules the instrumentation never patched).
 * An HTTP request carrying a W3C traceparent ends up as a Kafka message whose traceparent continues the same trace.
 */

const ROOT = join(__dirname, '..', '..');
const PRELOADS = ['-r', join(ROOT, 'test/support/ts-register.js'), '-r', join(ROOT, 'libs/observability/src/tracing-register.ts')];
const APP = join(ROOT, 'test/support/traced-kafka-app.ts');
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}
interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
}

/** Stands in for the OpenTelemetry collector: keeps every OTLP/HTTP JSON export it is sent. */
async function startCollector(): Promise<{ server: Server; url: string; bodies: string[]; paths: string[] }> {
  const bodies: string[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      paths.push(req.url ?? '');
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, bodies, paths };
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : value.toString();
}

describe('trace context from HTTP into Kafka', () => {
  let tb: TestBroker;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  const children: Spawned[] = [];
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    tb = await startTestBroker();
    collector = await startCollector();
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(consumers.map((c) => c.disconnect()));
    await new Promise<void>((resolve) => collector?.server.close(() => resolve()));
    await tb?.stop();
  });

  async function startApp(topic: string, env: Record<string, string>): Promise<{ child: Spawned; port: number }> {
    const admin = tb.kafka('tracing-admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const child = new Spawned(process.execPath, [...PRELOADS, APP], {
      KAFKA_BOOTSTRAP: tb.bootstrap,
      TRACE_TOPIC: topic,
      OTEL_SERVICE_NAME: 'traced-app',
      // Spans leave only when flushed at shutdown, so their arrival proves the SIGTERM flush.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      LGSP_TRACING: '',
      ...env,
    });
    children.push(child);
    const [, port] = await child.waitForOutput(/traced-app listening on (\d+)/, 30_000);
    return { child, port: Number(port) };
  }

  async function firstMessage(topic: string): Promise<KafkaMessage> {
    const consumer = tb.kafka('tracing-reader').consumer({ groupId: `reader-${topic}`, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: KafkaMessage[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    await waitFor(() => seen.length > 0, 20_000, `a message on ${topic}`);
    return seen[0];
  }

  it('continues the caller\'s trace through Nest and kafkajs, and exports the masked spans when the process is stopped', async () => {
    const topic = 'obs.trace.on';
    const { child, port } = await startApp(topic, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');

    const res = await request(`http://127.0.0.1:${port}`)
      .post('/citizens/038095000112/events')
      .set('traceparent', `00-${traceId}-${callerSpanId}-01`)
      .expect(201);
    const message = await firstMessage(topic);

    // The header kafkajs' instrumentation wrote: same trace, a span of this process (not the caller's), sampled.
    const [, kafkaTraceId, kafkaSpanId, flags] = TRACEPARENT.exec(header(message.headers, 'traceparent') ?? '') ?? [];
    expect(kafkaTraceId).toBe(traceId);
    expect(kafkaSpanId).toBeDefined();
    expect(kafkaSpanId).not.toBe(callerSpanId);
    expect(flags).toBe('01');

    // currentTraceHeaders() inside the handler saw the same trace, as hand-built Kafka headers will.
    const [, manualTraceId, manualSpanId] = TRACEPARENT.exec(res.body.manual.traceparent ?? '') ?? [];
    expect(manualTraceId).toBe(traceId);
    expect(manualSpanId).not.toBe(callerSpanId);
    expect(header(message.headers, 'x-manual-traceparent')).toBe(res.body.manual.traceparent);

    // Log lines written inside the request name the trace.
    const appLine = child.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.context === 'EventsController');
    expect(appLine).toMatchObject({ trace_id: traceId, msg: 'event for 038*******12' });

    // SIGTERM: Nest closes the app first (its hook prints), then the preload flushes the spans and lets the signal end the process.
    child.kill('SIGTERM');
    expect(await child.exit(20_000)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(child.stdout).toContain('traced-app closed');
    expect(collector.paths.every((p) => p === '/v1/traces')).toBe(true);
    const exported = collector.bodies.map((b) => JSON.parse(b) as OtlpExport);
    const spans = exported.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
    const serviceNames = exported.flatMap((e) => e.resourceSpans.map((r) => r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue));
    expect(serviceNames).toContain('traced-app');

    const inTrace = spans.filter((s) => s.traceId === traceId);
    const server = inTrace.find((s) => s.kind === 2 && s.parentSpanId === callerSpanId);
    const producer = inTrace.find((s) => s.kind === 4);
    expect(server).toBeDefined();
    expect(producer?.spanId).toBe(kafkaSpanId);

    const raw = collector.bodies.join('\n');
    expect(raw).not.toContain('038095000112');
    expect(raw).toContain('038*******12');
  }, 60_000);

  it('with LGSP_TRACING=off the app runs untouched: no traceparent reaches Kafka', async () => {
    const topic = 'obs.trace.off';
    const { child, port } = await startApp(topic, { LGSP_TRACING: 'off' });
    const res = await request(`http://127.0.0.1:${port}`)
      .post('/citizens/1/events')
      .set('traceparent', `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`)
      .expect(201);
    const message = await firstMessage(topic);
    expect(header(message.headers, 'traceparent')).toBeUndefined();
    expect(res.body.manual).toEqual({});
    child.kill('SIGTERM');
    expect(await child.exit(20_000)).toEqual({ code: null, signal: 'SIGTERM' });
  }, 60_000);
});
