import { CanActivate, Controller, ExecutionContext, Get, INestApplication, Injectable, Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { Registry } from '@lgsp/registry';
import { AuthenticatedRequest } from '../auth/principal';
import { GatewayExceptionFilter } from '../errors/gateway-exception.filter';
import { RateLimitGuard } from './rate-limit.guard';
import { rateLimitProviders } from './rate-limit.providers';

/**
 * The guard as a client meets it, over HTTP: wired exactly as the gateway wires it (authentication guard first,
 * RateLimitGuard second, the gateway's exception filter), with the token check replaced by headers naming the caller.
 */

/** Stands in for BearerAuthGuard: no x-test-client header = a public route, no principal. */
@Injectable()
class FakeAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest & { headers: Record<string, string | undefined> }>();
    const clientId = req.headers['x-test-client'];
    if (clientId) req.principal = { clientId, member: '000.00.00.H56', roles: ['agency-system'], tier: req.headers['x-test-tier'] ?? 'silver' };
    return true;
  }
}

@Controller()
class DummyController {
  @Get('r1/ping')
  ping() {
    return { pong: true };
  }

  @Get('message-log')
  search() {
    return { records: [] };
  }
}

function registry(): Registry {
  return new Registry({
    platform: { role: 'lgsp', code: '000.00.00.H56', name: 'Thanh Hóa (test)', instance: 'lgsp-t56' },
    // Merged over the defaults, so gold (5000) and unlimited (0) exist too.
    tiers: { bronze: { requestsPerMinute: 3 }, silver: { requestsPerMinute: 5 } },
    members: [{ code: '000.00.00.H56', name: 'UBND tỉnh Thanh Hóa', kind: 'province' }],
    clients: [],
    services: [],
    grants: [],
  });
}

async function app(guards: Provider[]): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    controllers: [DummyController],
    providers: [{ provide: Registry, useValue: registry() }, ...rateLimitProviders({ redis: null, instance: 'lgsp-t56' }), ...guards],
  }).compile();
  const nest = moduleRef.createNestApplication({ logger: false });
  nest.useGlobalFilters(new GatewayExceptionFilter());
  await nest.init();
  return nest;
}

describe('RateLimitGuard over HTTP', () => {
  let nest: INestApplication;

  beforeEach(async () => {
    nest = await app([
      { provide: APP_GUARD, useClass: FakeAuthGuard },
      { provide: APP_GUARD, useClass: RateLimitGuard },
    ]);
  });

  afterEach(async () => {
    await nest.close();
  });

  it('answers within the limit with the RateLimit headers, then 429 with Retry-After and the gateway\'s error body', async () => {
    const http = request(nest.getHttpServer());
    for (let i = 0; i < 5; i++) {
      const ok = await http.get('/r1/ping').set('x-test-client', 'h56-qlvb').expect(200);
      expect(ok.body).toEqual({ pong: true });
      expect(ok.headers['ratelimit-limit']).toBe('5');
      expect(ok.headers['ratelimit-remaining']).toBe(String(4 - i));
      expect(Number(ok.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
      expect(Number(ok.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
    }
    const refused = await http.get('/r1/ping').set('x-test-client', 'h56-qlvb').expect(429);
    expect(refused.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
    expect(refused.body.error.message).toBe(
      `Client system h56-qlvb has used the 5 requests per minute allowed by its tier, silver; retry after ${refused.headers['retry-after'] === '1' ? '1 second' : `${refused.headers['retry-after']} seconds`}.`,
    );
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-limit']).toBe('5');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.headers['ratelimit-reset']).toBe(String(retryAfter));
  });

  it('counts every authenticated route against the same allowance', async () => {
    const http = request(nest.getHttpServer());
    for (let i = 0; i < 3; i++) await http.get('/r1/ping').set('x-test-client', 'h56-motcua').expect(200);
    for (let i = 0; i < 2; i++) await http.get('/message-log').set('x-test-client', 'h56-motcua').expect(200);
    await http.get('/message-log').set('x-test-client', 'h56-motcua').expect(429);
    await http.get('/r1/ping').set('x-test-client', 'h56-motcua').expect(429);
  });

  it('keeps clients apart', async () => {
    const http = request(nest.getHttpServer());
    for (let i = 0; i < 5; i++) await http.get('/r1/ping').set('x-test-client', 'client-a').expect(200);
    await http.get('/r1/ping').set('x-test-client', 'client-a').expect(429);
    await http.get('/r1/ping').set('x-test-client', 'client-b').expect(200);
  });

  it('does not count public routes (no principal) and sends them no RateLimit headers', async () => {
    const http = request(nest.getHttpServer());
    for (let i = 0; i < 10; i++) {
      const res = await http.get('/r1/ping').expect(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
  });

  it('never limits the unlimited tier and sends it no RateLimit headers', async () => {
    const http = request(nest.getHttpServer());
    for (let i = 0; i < 20; i++) {
      const res = await http.get('/r1/ping').set('x-test-client', 'h56-admin').set('x-test-tier', 'unlimited').expect(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
  });

  it('names the tier applied when the client\'s own tier is not configured', async () => {
    const http = request(nest.getHttpServer());
    for (let i = 0; i < 3; i++) await http.get('/r1/ping').set('x-test-client', 'client-x').set('x-test-tier', 'platinum').expect(200);
    const refused = await http.get('/r1/ping').set('x-test-client', 'client-x').set('x-test-tier', 'platinum').expect(429);
    expect(refused.headers['ratelimit-limit']).toBe('3');
    expect(refused.body.error.message).toMatch(/^Client system client-x has used the 3 requests per minute allowed by the bronze tier \(its own tier, platinum, is not configured/);
  });
});

describe('RateLimitGuard registration order', () => {
  it('limits nothing when registered before the authentication guard: it must come after it', async () => {
    const nest = await app([
      { provide: APP_GUARD, useClass: RateLimitGuard },
      { provide: APP_GUARD, useClass: FakeAuthGuard },
    ]);
    try {
      const http = request(nest.getHttpServer());
      for (let i = 0; i < 7; i++) await http.get('/r1/ping').set('x-test-client', 'h56-qlvb').expect(200);
    } finally {
      await nest.close();
    }
  });
});
