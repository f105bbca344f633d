import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { Registry, generateThanhHoaDemo } from '@lgsp/registry';
import { deleteKeysUnder } from '@lgsp/test-support/redis-keys';
import { startTestBroker, TestBroker } from '@lgsp/test-support/test-broker';
import { readGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { createGatewayApp } from '../../apps/gateway/src/main';

/** The gateway with REDIS_URL set: idempotency keys and the message-log index live in Redis, shared by replicas. */
describe('gateway with Redis-backed stores', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const instance = `lgsp-t${randomBytes(3).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-gw-redis-'));
  let tb: TestBroker;
  let redis: Redis;
  let demo: Awaited<ReturnType<typeof generateThanhHoaDemo>>;
  const apps: NestExpressApplication[] = [];

  async function startGateway(): Promise<NestExpressApplication> {
    const env = { LGSP_CONFIG: 'unused', LGSP_DATA_DIR: dataDir, KAFKA_BROKERS: tb.bootstrap, REDIS_URL: redisUrl, LOG_LEVEL: 'silent', GATEWAY_INSTANCE_ID: `gw-${apps.length}` };
    const app = await createGatewayApp(GatewayModule.forRoot(readGatewayConfig(env), new Registry(demo.config)));
    await app.init();
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect().catch((err: Error) => {
      throw new Error(`this suite needs a Redis at REDIS_URL=${redisUrl} (CI provides one): ${err.message}`);
    });
    tb = await startTestBroker();
    demo = await generateThanhHoaDemo({ secrets: 'deterministic' });
    demo.config.platform.instance = instance;
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await deleteKeysUnder(redis, `${instance}:`);
    redis.disconnect();
    await tb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shares request ids and the message log between two replicas, and reports Redis in readiness', async () => {
    const a = request((await startGateway()).getHttpServer());
    const b = request((await startGateway()).getHttpServer());
    const cred = demo.credentials.find((c) => c.clientId.includes('-qlvb-'))!;
    const token = async (http: typeof a) =>
      (await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: cred.clientId, client_secret: cred.secret })).body.access_token as string;

    const first = await a.post('/r1/ping').set('Authorization', `Bearer ${await token(a)}`).set('x-lgsp-request-id', 'shared-1').send({ n: 1 });
    expect(first.status).toBe(200);
    // The same request id through the other replica: the stored answer, not a second call.
    const again = await b.post('/r1/ping').set('Authorization', `Bearer ${await token(b)}`).set('x-lgsp-request-id', 'shared-1').send({ n: 1 });
    expect(again.headers['x-lgsp-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);

    const operator = demo.credentials.find((c) => c.roles.includes('operator'))!;
    const opToken = (await b.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: operator.clientId, client_secret: operator.secret })).body.access_token;
    const found = await b.get('/message-log').query({ requestId: 'shared-1' }).set('Authorization', `Bearer ${opToken}`);
    expect(found.body.items).toHaveLength(2); // one exchange per replica, both visible from either
    expect(new Set(found.body.items.map((r: { chain: string }) => r.chain))).toEqual(new Set(['gw-0', 'gw-1']));

    const ready = await a.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details).toMatchObject({ kafka: { status: 'up' }, redis: { status: 'up' } });

    // A third replica rebuilding from the log does not duplicate what the shared index already holds.
    const c = request((await startGateway()).getHttpServer());
    const after = await c.get('/message-log').query({ requestId: 'shared-1' }).set('Authorization', `Bearer ${opToken}`);
    expect(after.body.items).toHaveLength(2);
  }, 90_000);
});
