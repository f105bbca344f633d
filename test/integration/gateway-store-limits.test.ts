import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { MessageLogRecord } from '@lgsp/message-log';
import { Registry, hashSecret, parsePlatformConfig } from '@lgsp/registry';
import { deleteKeysUnder } from '@lgsp/test-support/redis-keys';
import { startTestBroker, TestBroker, waitFor } from '@lgsp/test-support/test-broker';
import { readGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { createGatewayApp } from '../../apps/gateway/src/main';
import { InMemoryMessageLogIndex } from '../../apps/gateway/src/message-log/message-log-index';
import { MessageLogIndexTrimmer } from '../../apps/gateway/src/message-log/message-log-index-trimmer';
import { RedisMessageLogIndex } from '../../apps/gateway/src/message-log/redis-message-log-index';
import { RedisStoreError, RedisUnavailableError, Stores, createStores } from '../../apps/gateway/src/platform/store.providers';
import { exchangeFields } from '../../libs/message-log/src/testing/exchange-fields';

/**
 * The limits that keep the gateway's stores from taking the gateway down: a Redis that stops answering fails the
 * requests that need it after REDIS_COMMAND_TIMEOUT_MS instead of holding them, and the Redis message-log index is
 * trimmed to its bound on a timer. Needs the Redis at REDIS_URL (CI has one); every key is under RUN_ID and removed.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN_ID = `lgsp-test-${randomBytes(6).toString('hex')}`;
const redisTarget = new URL(REDIS_URL);

let admin: Redis;

beforeAll(async () => {
  admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  await admin.connect().catch((err: Error) => {
    throw new Error(`this suite needs a Redis at REDIS_URL=${REDIS_URL} (CI provides one): ${err.message}`);
  });
});

afterAll(async () => {
  await deleteKeysUnder(admin, RUN_ID);
  await admin.quit();
});

/**
 * A TCP relay to the real Redis that can stop passing bytes on, as a Redis stalled by a long script, a fork or
 * a saturated host does: the connection stays open and nothing is lost, but no answer comes until it resumes.
 */
class StallingRelay {
  private readonly server: Server;
  private readonly clients = new Set<Socket>();
  private stalled = false;

  private constructor(stallFromTheStart: boolean) {
    this.stalled = stallFromTheStart;
    this.server = createServer((client) => {
      this.clients.add(client);
      const upstream = connect(Number(redisTarget.port || 6379), redisTarget.hostname);
      client.pipe(upstream).pipe(client);
      if (this.stalled) client.pause();
      const close = () => {
        this.clients.delete(client);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
  }

  static async start(options: { stalled?: boolean } = {}): Promise<StallingRelay> {
    const relay = new StallingRelay(options.stalled ?? false);
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests are held (the bytes wait in the socket) until `resume`. */
  stall(): void {
    this.stalled = true;
    for (const client of this.clients) client.pause();
  }

  resume(): void {
    this.stalled = false;
    for (const client of this.clients) client.resume();
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let recordNo = 0;
function record(overrides: Partial<MessageLogRecord> = {}): MessageLogRecord {
  const at = new Date(Date.UTC(2026, 0, 5, 1, 0, 0) + recordNo * 1000).toISOString();
  const seq = recordNo++;
  return {
    ...exchangeFields(seq, { id: `rec-${seq}-${randomBytes(4).toString('hex')}`, requestInAt: at, requestOutAt: at, responseInAt: at, responseOutAt: at }),
    chain: 'gw-limits',
    seq,
    prevHash: '',
    hash: `hash-${seq}`,
    ...overrides,
  };
}

/** Milliseconds a promise takes to settle, and how. */
async function timed<T>(work: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = Date.now();
  try {
    const value = await work;
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

describe('Redis command timeout (REDIS_COMMAND_TIMEOUT_MS)', () => {
  it('stops the boot with a reason when Redis accepts the connection and never answers', async () => {
    // A listener that accepts and then says nothing, not even to the connection's first command.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `redis://:pw-not-shown@127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const boot = await timed(createStores({ redisUrl: url, instance: `${RUN_ID}-silent`, commandTimeoutMs: 200 }));
      expect(boot.error).toBeInstanceOf(RedisUnavailableError);
      expect((boot.error as Error).message).toMatch(/^REDIS_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:\d+.*cannot reach Redis \(Command timed out\)/);
      // Bounded by the timeout (plus ioredis closing the socket), where without it the boot waits forever.
      expect(boot.ms).toBeLessThan(10_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }, 15_000);

  describe('once connected', () => {
    let relay: StallingRelay;
    let stores: Stores;

    beforeAll(async () => {
      relay = await StallingRelay.start();
      stores = await createStores({ redisUrl: relay.url, instance: `${RUN_ID}-stall`, commandTimeoutMs: 250 });
    });

    afterAll(async () => {
      relay.resume();
      await stores?.close();
      await relay?.close();
    });

    it('fails each store operation after the timeout with an error naming the store and operation, and recovers', async () => {
      const kept = record();
      await stores.messageLogIndex.add(kept);
      relay.stall();
      try {
        const operations: [string, Promise<unknown>][] = [
          ['idempotency store, begin', stores.idempotency.begin('h56-qlvb-so-tu-phap', 'req-stalled', 'hash-a', 5_000)],
          ['message-log index, search', stores.messageLogIndex.search({ limit: 10 })],
          ['message-log index, add', stores.messageLogIndex.add(record())],
        ];
        for (const [what, operation] of operations) {
          const outcome = await timed(operation);
          expect(outcome.error).toBeInstanceOf(RedisStoreError);
          expect(outcome.error).toMatchObject({ timedOut: true, name: 'RedisStoreError' });
          expect((outcome.error as Error).message).toBe(`${what}: Redis at ${relay.url} did not answer within 250 ms (REDIS_COMMAND_TIMEOUT_MS)`);
          expect(outcome.ms).toBeLessThan(10_000);
        }
        // The caller's own mistakes are not dressed up as Redis trouble.
        await expect(stores.messageLogIndex.search({ limit: 0 })).rejects.toThrow(RangeError);
        // Nor is the readiness check left hanging.
        await expect(stores.redis!.ping()).rejects.toThrow('Command timed out');
      } finally {
        relay.resume();
      }
      // The connection is not wedged by the abandoned commands: Redis answers them in order, then the new ones.
      await waitFor(async () => (await stores.messageLogIndex.search({ limit: 10 }).catch(() => null)) !== null, 5_000, 'Redis to answer again');
      expect((await stores.messageLogIndex.search({ requestId: kept.requestId, limit: 10 })).items.map((r) => r.id)).toEqual([kept.id]);
      expect((await stores.idempotency.begin('h56-qlvb-so-tu-phap', 'req-after-stall', 'hash-a', 5_000)).kind).toBe('started');
    }, 20_000);
  });

  describe('through the gateway', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-gateway-limits-'));
    const secret = 'qlvb-secret-0123456789';
    let tb: TestBroker;
    let relay: StallingRelay;
    let app: NestExpressApplication;
    let http: ReturnType<typeof request>;

    beforeAll(async () => {
      tb = await startTestBroker();
      relay = await StallingRelay.start();
      const config = parsePlatformConfig({
        platform: { role: 'lgsp', code: '000.00.00.H56', name: 'Thanh Hóa (test)', instance: `${RUN_ID}-gw`.slice(0, 31) },
        tiers: { silver: { requestsPerMinute: 2000 } },
        members: [
          { code: '000.00.00.H56', name: 'UBND tỉnh Thanh Hóa', kind: 'province' },
          { code: '000.00.02.H56', name: 'Sở Tư pháp', kind: 'department', parent: '000.00.00.H56' },
        ],
        clients: [{ id: 'h56-qlvb-so-tu-phap', member: '000.00.02.H56', name: 'QLVB', secretHash: await hashSecret(secret), tier: 'silver', roles: ['agency-system'], groups: ['document-systems'], enabled: true }],
        services: [{ code: 'ping', provider: '000.00.00.H56', name: 'Ping', kind: 'request-reply', bodyLogging: 'metadata', timeoutMs: 5000 }],
        grants: [{ service: 'ping', group: 'document-systems' }],
      });
      const env = {
        LGSP_CONFIG: 'unused-the-registry-is-passed-in',
        LGSP_DATA_DIR: dataDir,
        KAFKA_BROKERS: tb.bootstrap,
        REDIS_URL: relay.url,
        REDIS_COMMAND_TIMEOUT_MS: '300',
        LOG_LEVEL: 'silent',
      };
      app = await createGatewayApp(GatewayModule.forRoot(readGatewayConfig(env), new Registry(config)));
      await app.init();
      http = request(app.getHttpServer());
    }, 60_000);

    afterAll(async () => {
      relay?.resume();
      await app?.close();
      await relay?.close();
      await tb?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers a routed exchange with 503 STATE_STORE_UNAVAILABLE when Redis stalls instead of holding it, still issues tokens, and routes again once it answers', async () => {
      const token = async () => (await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'h56-qlvb-so-tu-phap', client_secret: secret })).body.access_token as string;
      const before = await token();
      expect((await http.get('/r1/ping').set('Authorization', `Bearer ${before}`)).status).toBe(200);

      relay.stall();
      try {
        // The request id cannot be reserved: the exchange fails rather than waiting on Redis.
        const stalled = await timed(Promise.resolve(http.get('/r1/ping').set('Authorization', `Bearer ${before}`).set('x-lgsp-request-id', 'during-stall')));
        expect(stalled.value?.status).toBe(503);
        expect(stalled.value?.body.error.code).toBe('STATE_STORE_UNAVAILABLE');
        expect(stalled.value?.headers['retry-after']).toBe('1');
        // Answered after the command timeout (1 s), not held for as long as Redis stays silent.
        expect(stalled.ms).toBeLessThan(10_000);
        // A token needs no Redis; the log's search index failing to take its record does not refuse it.
        expect(typeof (await token())).toBe('string');
      } finally {
        relay.resume();
      }
      await waitFor(async () => (await http.get('/r1/ping').set('Authorization', `Bearer ${before}`)).status === 200, 10_000, 'routing to work again');
    }, 30_000);
  });
});

describe('MessageLogIndexTrimmer', () => {
  const config = (max: number) =>
    readGatewayConfig({ LGSP_CONFIG: 'unused', REDIS_URL, GATEWAY_LOG_INDEX_MAX_RECORDS: String(max), GATEWAY_LOG_INDEX_TRIM_INTERVAL_MS: '100' });

  it('trims the Redis index to its bound at start and on every tick, and stops with the application', async () => {
    const index = new RedisMessageLogIndex(admin, `${RUN_ID}:trimmer:message-log:`);
    for (let i = 0; i < 120; i++) await index.add(record());
    const trimmer = new MessageLogIndexTrimmer(index, config(50));
    trimmer.onApplicationBootstrap();
    try {
      await waitFor(async () => (await index.size()) === 50, 5_000, 'the first trim');
      for (let i = 0; i < 30; i++) await index.add(record());
      await waitFor(async () => (await index.size()) === 50, 5_000, 'a trim on the timer');
    } finally {
      await trimmer.onModuleDestroy();
    }
    for (let i = 0; i < 30; i++) await index.add(record());
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await index.size()).toBe(80);
  }, 20_000);

  it('leaves the in-process index to bound itself, and reports a failed trim without throwing', async () => {
    const inProcess = new MessageLogIndexTrimmer(new InMemoryMessageLogIndex(), config(50));
    inProcess.onApplicationBootstrap();
    expect(await inProcess.trimOnce()).toBe(0);
    await inProcess.onModuleDestroy();

    const relay = await StallingRelay.start();
    const stores = await createStores({ redisUrl: relay.url, instance: `${RUN_ID}-trim-stall`, commandTimeoutMs: 150 });
    try {
      for (let i = 0; i < 60; i++) await stores.messageLogIndex.add(record());
      const trimmer = new MessageLogIndexTrimmer(stores.messageLogIndex, config(50));
      relay.stall();
      expect(await trimmer.trimOnce()).toBe(0);
      relay.resume();
      expect(await trimmer.trimOnce()).toBe(10);
      await trimmer.onModuleDestroy();
    } finally {
      relay.resume();
      await stores.close();
      await relay.close();
    }
  }, 20_000);
});
