import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import {
  ArgumentsHost,
  CanActivate,
  Catch,
  Controller,
  ExceptionFilter,
  ExecutionContext,
  Get,
  HttpException,
  INestApplication,
  Injectable,
  Logger as NestLogger,
  Module,
  Req,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import request from 'supertest';
import { HttpHeader } from '@lgsp/contracts';
import {
  HealthModule,
  LoggingModule,
  MetricsModule,
  MetricsService,
  PUBLIC_ROUTE_METADATA,
  redisHealthCheck,
  requestIdFrom,
} from '@lgsp/observability';

/**
 * LoggingModule, MetricsModule and HealthModule together in a Nest app shaped like the gateway: a guard that denies
 * by default and an exception filter that turns every unknown error into a 500.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZ2VuY3ktYSJ9.c2lnbmF0dXJl';

/** What the health checks answer; each test sets it. */
const deps = { kafka: 'up' as 'up' | 'down' | 'hang', redisReply: 'PONG' };

@Controller()
class CitizenController {
  private readonly logger = new NestLogger('CitizenController');
  private readonly lookups;

  constructor(metrics: MetricsService) {
    this.lookups = metrics.counter('citizen_lookups_total', 'Citizen lookups by outcome.', ['outcome']);
  }

  @Get('citizens/:id')
  lookup(@Req() req: Request): { requestId: string | undefined } {
    this.logger.log(`lookup of ${req.params.id} for 0912345678 (nguyenvana@gmail.com)`);
    this.lookups.inc({ outcome: 'found' });
    return { requestId: requestIdFrom(req) };
  }
}

/** Deny by default, as the gateway's guard does; a bearer token names the client on req.user. */
@Injectable()
class DenyByDefaultGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE_METADATA, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<Request & { user?: { clientId: string } }>();
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return false;
    req.user = { clientId: 'agency-a' };
    return true;
  }
}

/** Like the gateway's filter: a status it does not know (503 among them) becomes a 500. */
@Catch()
class UnknownStatusIs500Filter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const known = exception instanceof HttpException && [403, 404].includes(exception.getStatus());
    res.status(known ? (exception as HttpException).getStatus() : 500).json({ error: known ? 'KNOWN' : 'INTERNAL_ERROR' });
  }
}

class CapturedLines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }
  records(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  clear(): void {
    this.lines.length = 0;
  }
}

describe('observability in a Nest app', () => {
  const out = new CapturedLines();
  let app: INestApplication;

  beforeAll(async () => {
    @Module({
      imports: [
        LoggingModule.forRoot({ service: 'obs-test', level: 'info', destination: out }),
        MetricsModule.forRoot({ prefix: 'lgsp_obs_test_' }),
        HealthModule.forRoot({
          checks: [
            {
              name: 'kafka',
              timeoutMs: 200,
              check: () =>
                deps.kafka === 'up' ? Promise.resolve() : deps.kafka === 'down' ? Promise.reject(new Error('broker unreachable')) : new Promise(() => undefined),
            },
            redisHealthCheck({ ping: async () => deps.redisReply }),
          ],
        }),
      ],
      controllers: [CitizenController],
      providers: [{ provide: APP_GUARD, useClass: DenyByDefaultGuard }],
    })
    class AppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(Logger));
    app.useGlobalFilters(new UnknownStatusIs500Filter());
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => {
    out.clear();
    deps.kafka = 'up';
    deps.redisReply = 'PONG';
  });

  const http = () => request(app.getHttpServer());
  const authed = (path: string) => http().get(path).set('Authorization', `Bearer ${TOKEN}`);

  describe('request id', () => {
    it('generates a UUID when the caller sends none, echoes it, and logs it on every line of the request', async () => {
      const res = await authed('/citizens/038095000112').expect(200);
      const id = res.headers[HttpHeader.RequestId];
      expect(id).toMatch(UUID);
      expect(res.body).toEqual({ requestId: id });
      const lines = out.records();
      expect(lines.length).toBeGreaterThanOrEqual(2);
      for (const line of lines) expect(line.requestId).toBe(id);
    });

    it('takes the caller\'s id when it is a safe token', async () => {
      const id = 'H56.22:2024-05-01_case-0001';
      const res = await authed('/citizens/1').set(HttpHeader.RequestId, id).expect(200);
      expect(res.headers[HttpHeader.RequestId]).toBe(id);
      expect(res.body.requestId).toBe(id);
      expect(out.records().every((l) => l.requestId === id)).toBe(true);
    });

    it.each([
      ['too long', 'a'.repeat(129)],
      ['has a space', 'abc def'],
      ['has a tab', 'abc\tdef'],
      ['has a quote', 'abc"def'],
    ])('replaces an id that is %s', async (_what, id) => {
      const res = await authed('/citizens/1').set(HttpHeader.RequestId, id).expect(200);
      const replacement = res.headers[HttpHeader.RequestId];
      expect(replacement).toMatch(UUID);
      expect(res.body.requestId).toBe(replacement);
      // What the caller sent stays visible (JSON-escaped) under req.headers; the id the lines are keyed by is ours.
      expect(out.records().every((l) => l.requestId === replacement)).toBe(true);
    });

    it.each(['/', '/no/such/route'])('gives an unmatched request (%s) an id too', async (path) => {
      const res = await authed(path).expect(404);
      expect(res.headers[HttpHeader.RequestId]).toMatch(UUID);
    });

    it('replaces an id containing CR/LF instead of echoing it (which would throw, or split the response headers)', async () => {
      // Node's HTTP parser already refuses CR/LF inside a header value, so the request is handed to the app
      // directly, as a lenient parser or another adapter in front could.
      const forged = 'abc\r\nSet-Cookie: session=stolen';
      const socket = new Socket();
      const req = new IncomingMessage(socket);
      req.method = 'GET';
      req.url = '/health/live';
      req.headers = { host: 'test', [HttpHeader.RequestId]: forged };
      req.push(null);
      const res = new ServerResponse(req);
      const wire = new PassThrough();
      res.assignSocket(wire as unknown as Socket);
      const finished = new Promise<void>((resolve) => res.once('finish', () => resolve()));
      app.getHttpAdapter().getInstance()(req, res);
      await finished;
      expect(res.statusCode).toBe(200);
      expect(res.getHeader(HttpHeader.RequestId)).toMatch(UUID);
      expect(res.getHeader('set-cookie')).toBeUndefined();
      socket.destroy();
    });
  });

  describe('log lines', () => {
    it('are JSON with service, pid, ISO time and a level label, and carry the client id once the guard has named it', async () => {
      await authed('/citizens/1').expect(200);
      const completed = out.records().find((l) => l.msg === 'request completed');
      expect(completed).toMatchObject({ level: 'info', service: 'obs-test', pid: process.pid, clientId: 'agency-a' });
      expect(completed!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(completed).not.toHaveProperty('hostname');
    });

    it('redact Authorization and cookies', async () => {
      await authed('/citizens/1').set('Cookie', 'session=s3cr3t-cookie').expect(200);
      const text = out.lines.join('\n');
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('s3cr3t-cookie');
      const completed = out.records().find((l) => l.msg === 'request completed') as { req: { headers: Record<string, string> } };
      expect(completed.req.headers.authorization).toBe('***');
      expect(completed.req.headers.cookie).toBe('***');
    });

    it('mask personal data in messages and in the logged URL', async () => {
      await authed('/citizens/038095000112').expect(200);
      const text = out.lines.join('\n');
      expect(text).not.toMatch(/038095000112|0912345678|nguyenvana@/);
      const appLine = out.records().find((l) => l.context === 'CitizenController');
      expect(appLine?.msg).toBe('lookup of 038*******12 for *******678 (n*********@gmail.com)');
      const completed = out.records().find((l) => l.msg === 'request completed') as { req: { url: string } };
      expect(completed.req.url).toBe('/citizens/038*******12');
    });

    it('log a refused request at warn level', async () => {
      await http().get('/citizens/1').expect(403);
      expect(out.records().find((l) => l.msg === 'request completed')).toMatchObject({ level: 'warn' });
    });

    it('leave /health and /metrics out of request logging, but still give them a request id', async () => {
      const health = await http().get('/health/ready').expect(200);
      const metrics = await http().get('/metrics').expect(200);
      expect(health.headers[HttpHeader.RequestId]).toMatch(UUID);
      expect(metrics.headers[HttpHeader.RequestId]).toMatch(UUID);
      expect(out.lines).toEqual([]);
    });
  });

  describe('/metrics', () => {
    it('serves Prometheus text with the app\'s counter, per-route HTTP metrics and process metrics, without a token', async () => {
      await authed('/citizens/038095000112').expect(200);
      await authed('/citizens').expect(404);
      const res = await http().get('/metrics').expect(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(res.text).toContain('# TYPE lgsp_obs_test_citizen_lookups_total counter');
      expect(res.text).toMatch(/^lgsp_obs_test_citizen_lookups_total\{outcome="found"\} [1-9]\d*$/m);
      expect(res.text).toMatch(/^lgsp_obs_test_http_requests_total\{method="GET",route="\/citizens\/:id",status="200"\} [1-9]\d*$/m);
      expect(res.text).toContain('lgsp_obs_test_process_resident_memory_bytes');
      // The route pattern, never the URL: no id in a label.
      expect(res.text).not.toContain('038095000112');
      expect(res.text).toMatch(/^lgsp_obs_test_http_requests_total\{method="GET",route="\(unmatched\)",status="404"\} [1-9]\d*$/m);
    });
  });

  describe('/health', () => {
    it('ready is 200 with every check up, without a token', async () => {
      const res = await http().get('/health/ready').expect(200);
      expect(res.body).toEqual({
        status: 'ok',
        info: { kafka: { status: 'up' }, redis: { status: 'up' } },
        error: {},
        details: { kafka: { status: 'up' }, redis: { status: 'up' } },
      });
      expect(res.headers['cache-control']).toContain('no-store');
    });

    it('ready is 503 with terminus\' details when a check rejects, despite a filter that would make it a 500', async () => {
      deps.kafka = 'down';
      const res = await http().get('/health/ready').expect(503);
      expect(res.body).toMatchObject({
        status: 'error',
        info: { redis: { status: 'up' } },
        error: { kafka: { status: 'down', message: 'broker unreachable' } },
      });
    });

    it('ready is 503 when a check does not answer within its timeout', async () => {
      deps.kafka = 'hang';
      const started = Date.now();
      const res = await http().get('/health/ready').expect(503);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.body.error.kafka).toEqual({ status: 'down', message: 'kafka did not answer within 200 ms' });
    });

    it('ready is 503 when Redis answers something other than PONG', async () => {
      deps.redisReply = 'LOADING Redis is loading the dataset in memory';
      const res = await http().get('/health/ready').expect(503);
      expect(res.body.error.redis.status).toBe('down');
    });

    it('/health is readiness', async () => {
      await http().get('/health').expect(200);
      deps.kafka = 'down';
      await http().get('/health').expect(503);
    });

    it('live stays 200 while dependencies are down', async () => {
      deps.kafka = 'down';
      deps.redisReply = 'nope';
      const res = await http().get('/health/live').expect(200);
      expect(res.body.status).toBe('ok');
    });
  });
});

describe('request logging above info', () => {
  const out = new CapturedLines();
  let app: INestApplication;

  beforeAll(async () => {
    @Module({
      imports: [LoggingModule.forRoot({ service: 'obs-warn', level: 'warn', destination: out }), MetricsModule.forRoot({ prefix: 'lgsp_obs_warn_' })],
      controllers: [CitizenController],
      providers: [{ provide: APP_GUARD, useClass: DenyByDefaultGuard }],
    })
    class WarnModule {}
    const moduleRef = await Test.createTestingModule({ imports: [WarnModule] }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('writes no line for a successful request, and still the warn line, with its request id, for a refused one', async () => {
    const ok = await request(app.getHttpServer()).get('/citizens/1').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(ok.headers['x-lgsp-request-id']).toBeDefined();
    expect(out.records().filter((l) => l.msg === 'request completed')).toEqual([]);

    const refused = await request(app.getHttpServer()).get('/citizens/1').expect(403);
    expect(out.records().filter((l) => l.msg === 'request completed')).toEqual([
      expect.objectContaining({ level: 'warn', service: 'obs-warn', requestId: refused.headers['x-lgsp-request-id'] }),
    ]);
  });
});
