import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT, generateKeyPair, importJWK, JWK } from 'jose';
import request from 'supertest';
import { KafkaHeader, platformTopics } from '@lgsp/contracts';
import { verifyRecords } from '@lgsp/message-log';
import { MessagingConnection, readTopicToEnd, RequestResponder } from '@lgsp/messaging';
import { Registry, hashSecret, parsePlatformConfig } from '@lgsp/registry';
import { startTestBroker, TestBroker, waitFor } from '@lgsp/test-support/test-broker';
import { readGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { createGatewayApp } from '../../apps/gateway/src/main';

/**
 * The gateway as an agency system meets it: OAuth2 client credentials, Bearer tokens, routing by service code
 * over the real Kafka path, and a 4xx with a code and a sentence for every kind of bad input.
 */
describe('gateway: authentication and routing', () => {
  const INSTANCE = 'lgsp-t56';
  const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-gateway-'));
  let tb: TestBroker;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let gatewayEnv: Record<string, string>;
  let platformConfig: ReturnType<typeof parsePlatformConfig>;
  const secrets = { qlvb: 'qlvb-secret-0123456789', motcua: 'motcua-secret-0123456789', operator: 'operator-secret-0123456789', admin: 'admin-secret-0123456789' };

  beforeAll(async () => {
    tb = await startTestBroker();
    const config = parsePlatformConfig({
      platform: { role: 'lgsp', code: '000.00.00.H56', name: 'Thanh Hóa (test)', instance: INSTANCE },
      tiers: { silver: { requestsPerMinute: 2000 }, trial: { requestsPerMinute: 3 } },
      members: [
        { code: '000.00.00.H56', name: 'UBND tỉnh Thanh Hóa', kind: 'province' },
        { code: '000.00.02.H56', name: 'Sở Tư pháp', kind: 'department', parent: '000.00.00.H56' },
        { code: '000.00.22.H56', name: 'UBND TP Thanh Hóa', kind: 'district', parent: '000.00.00.H56' },
      ],
      clients: [
        { id: 'h56-qlvb-so-tu-phap', member: '000.00.02.H56', name: 'QLVB Sở Tư pháp', secretHash: await hashSecret(secrets.qlvb), tier: 'silver', roles: ['agency-system'], groups: ['document-systems'], enabled: true },
        { id: 'h56-trial-system', member: '000.00.22.H56', name: 'Trial system', secretHash: await hashSecret(secrets.qlvb), tier: 'trial', roles: ['agency-system'], groups: ['one-stop-shops'], enabled: true },
        { id: 'h56-admin', member: '000.00.00.H56', name: 'Administrator', secretHash: await hashSecret(secrets.admin), tier: 'silver', roles: ['admin'], groups: ['operators'], enabled: true },
        { id: 'h56-operator', member: '000.00.00.H56', name: 'Operator console', secretHash: await hashSecret(secrets.operator), tier: 'silver', roles: ['operator'], groups: ['operators'], enabled: true },
        { id: 'h56-motcua-tp-thanh-hoa', member: '000.00.22.H56', name: 'Một cửa TP Thanh Hóa', secretHash: await hashSecret(secrets.motcua), tier: 'silver', roles: ['agency-system'], groups: ['one-stop-shops'], enabled: true },
      ],
      services: [
        { code: 'ping', provider: '000.00.00.H56', name: 'Ping', kind: 'request-reply', bodyLogging: 'full', timeoutMs: 5000 },
        { code: 'document-exchange.documents', provider: '000.00.00.H56', name: 'Documents', kind: 'event', bodyLogging: 'metadata', timeoutMs: 10000 },
        { code: 'national.population', provider: '000.00.00.H56', name: 'Population (no provider running)', kind: 'request-reply', bodyLogging: 'none', timeoutMs: 300 },
        { code: 'civil-status.records', provider: '000.00.02.H56', name: 'Civil status (answered by a provider the test holds back)', kind: 'request-reply', bodyLogging: 'full', timeoutMs: 4000 },
      ],
      grants: [
        { service: 'ping', group: 'document-systems' },
        { service: 'ping', group: 'one-stop-shops' },
        { service: 'document-exchange.documents', group: 'document-systems', methods: ['POST'] },
        { service: 'national.population', group: 'one-stop-shops', methods: ['GET'] },
        { service: 'civil-status.records', group: 'document-systems' },
      ],
    });
    const env = {
      LGSP_CONFIG: 'unused-the-registry-is-passed-in',
      LGSP_DATA_DIR: dataDir,
      KAFKA_BROKERS: tb.bootstrap,
      GATEWAY_PORT: '0',
      GATEWAY_MAX_BODY_BYTES: '4096',
      LOG_LEVEL: 'silent',
    };
    gatewayEnv = env;
    platformConfig = config;
    app = await createGatewayApp(GatewayModule.forRoot(readGatewayConfig(env), new Registry(config)));
    await app.init();
    http = request(app.getHttpServer());
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await tb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function token(clientId = 'h56-qlvb-so-tu-phap', secret = secrets.qlvb): Promise<string> {
    const res = await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  function expectError(res: request.Response, status: number, code: string): void {
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(res.body.error.message.length).toBeGreaterThan(10);
  }

  describe('token endpoint (OAuth2 client credentials)', () => {
    it('issues a short-lived ES256 JWT for form-encoded credentials', async () => {
      const res = await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'h56-qlvb-so-tu-phap', client_secret: secrets.qlvb });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
      const [header, payload] = (res.body.access_token as string).split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header.alg).toBe('ES256');
      expect(payload).toMatchObject({ sub: 'h56-qlvb-so-tu-phap', iss: INSTANCE, aud: INSTANCE, member: '000.00.02.H56' });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('accepts HTTP Basic client authentication and JSON bodies', async () => {
      const basic = Buffer.from(`h56-motcua-tp-thanh-hoa:${secrets.motcua}`).toString('base64');
      const res = await http.post('/oauth/token').set('Authorization', `Basic ${basic}`).send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(200);
    });

    it('refuses a wrong secret, an unknown client, a missing or unsupported grant type', async () => {
      const wrong = await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'h56-qlvb-so-tu-phap', client_secret: 'nope' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ error: 'invalid_client', code: 'INVALID_CLIENT' });
      const unknown = await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' });
      expect(unknown.status).toBe(401);
      const missing = await http.post('/oauth/token').type('form').send({ client_id: 'h56-qlvb-so-tu-phap', client_secret: secrets.qlvb });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('invalid_request');
      const password = await http.post('/oauth/token').type('form').send({ grant_type: 'password', username: 'a', password: 'b' });
      expect(password.body).toMatchObject({ error: 'unsupported_grant_type', code: 'UNSUPPORTED_GRANT_TYPE' });
    });

    it('publishes its public key as JWKS', async () => {
      const res = await http.get('/.well-known/jwks.json');
      expect(res.status).toBe(200);
      expect(res.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(res.body.keys[0].d).toBeUndefined();
    });
  });

  describe('Bearer tokens', () => {
    it('refuses a call without a token', async () => {
      expectError(await http.get('/r1/ping'), 401, 'TOKEN_MISSING');
    });

    it('refuses a forged token (signed by another key) and an alg:none token', async () => {
      const other = await generateKeyPair('ES256');
      const forged = await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'ES256' }).setSubject('h56-qlvb-so-tu-phap').setIssuer(INSTANCE).setAudience(INSTANCE).setIssuedAt().setExpirationTime('5m').sign(other.privateKey);
      expectError(await http.get('/r1/ping').set('Authorization', `Bearer ${forged}`), 401, 'TOKEN_INVALID');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'h56-qlvb-so-tu-phap', iss: INSTANCE, aud: INSTANCE, exp: Math.floor(Date.now() / 1000) + 300, iat: Math.floor(Date.now() / 1000) })).toString('base64url')}.`;
      expectError(await http.get('/r1/ping').set('Authorization', `Bearer ${none}`), 401, 'TOKEN_INVALID');
      expectError(await http.get('/r1/ping').set('Authorization', 'Bearer not-a-jwt'), 401, 'TOKEN_INVALID');
    });

    it('refuses an expired token and one issued for another platform', async () => {
      const jwk = JSON.parse(readFileSync(join(dataDir, 'gateway', 'token-signing-key.jwk.json'), 'utf8')) as JWK;
      const key = await importJWK(jwk, 'ES256');
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject('h56-qlvb-so-tu-phap').setIssuer(INSTANCE).setAudience(INSTANCE).setIssuedAt(now - 600).setExpirationTime(now - 300).sign(key);
      expectError(await http.get('/r1/ping').set('Authorization', `Bearer ${expired}`), 401, 'TOKEN_EXPIRED');
      const elsewhere = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject('h56-qlvb-so-tu-phap').setIssuer('lgsp-h48').setAudience('lgsp-h48').setIssuedAt().setExpirationTime('5m').sign(key);
      expectError(await http.get('/r1/ping').set('Authorization', `Bearer ${elsewhere}`), 401, 'TOKEN_WRONG_AUDIENCE');
    });
  });

  describe('routing', () => {
    it('answers ping over Kafka, echoing the request id and binding the answer with a request hash', async () => {
      const res = await http.post('/r1/ping/hello').set('Authorization', `Bearer ${await token()}`).set('x-lgsp-request-id', 'req-ping-1').set('x-lgsp-issue', '000.00.22.H56-260101-0001').send({ hello: 'Thanh Hóa' });
      expect(res.status).toBe(200);
      expect(res.headers['x-lgsp-request-id']).toBe('req-ping-1');
      expect(res.headers['x-lgsp-request-hash']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(res.body).toMatchObject({ pong: true, client: 'h56-qlvb-so-tu-phap', requestId: 'req-ping-1', issue: '000.00.22.H56-260101-0001', platform: { instance: INSTANCE } });
    });

    it('generates a request id when the client sends none', async () => {
      const res = await http.get('/r1/ping').set('Authorization', `Bearer ${await token()}`);
      expect(res.status).toBe(200);
      expect(res.headers['x-lgsp-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('gives the same answer to a repeated request id, without a second effect, and refuses a reused id', async () => {
      const auth = `Bearer ${await token()}`;
      const first = await http.post('/r1/ping').set('Authorization', auth).set('x-lgsp-request-id', 'req-repeat').send({ n: 1 });
      const again = await http.post('/r1/ping').set('Authorization', auth).set('x-lgsp-request-id', 'req-repeat').send({ n: 1 });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body); // same 'at' timestamp: the provider was not called twice
      expect(again.headers['x-lgsp-replayed']).toBe('true');
      const different = await http.post('/r1/ping').set('Authorization', auth).set('x-lgsp-request-id', 'req-repeat').send({ n: 2 });
      expectError(different, 409, 'REQUEST_ID_REUSED');
    });

    it('writes an event durably and answers 202 with its message id', async () => {
      const topic = platformTopics(INSTANCE).serviceEvents('document-exchange.documents');
      const consumer = tb.kafka('event-check').consumer({ groupId: 'event-check', maxWaitTimeInMs: 100 });
      const seen: { headers: Record<string, string>; value: string }[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          seen.push({ headers, value: message.value!.toString() });
        },
      });
      const res = await http.post('/r1/document-exchange.documents').set('Authorization', `Bearer ${await token()}`).set('x-lgsp-request-id', 'doc-0001').type('application/xml').send('<edXML/>');
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ messageId: 'doc-0001', service: 'document-exchange.documents' });
      await waitFor(() => seen.length === 1, 20_000, 'the event on Kafka');
      expect(seen[0].value).toBe('<edXML/>');
      expect(seen[0].headers).toMatchObject({ [KafkaHeader.RequestId]: 'doc-0001', [KafkaHeader.Client]: 'h56-qlvb-so-tu-phap', [KafkaHeader.ContentType]: 'application/xml' });
      await consumer.disconnect();
    }, 40_000);

    it('answers 504 with a code when a request/reply service misses its deadline', async () => {
      const res = await http.get('/r1/national.population/citizens/038200000123').set('Authorization', `Bearer ${await token('h56-motcua-tp-thanh-hoa', secrets.motcua)}`);
      expectError(res, 504, 'UPSTREAM_TIMEOUT');
    });

    describe('one exchange per request id, also when duplicates overlap', () => {
      const SERVICE = 'civil-status.records';
      let connection: MessagingConnection;
      let provider: RequestResponder;
      /** The request id of every request the provider was handed: each one is an effect. */
      const served: string[] = [];
      const effectsFor = (requestId: string) => served.filter((id) => id === requestId).length;
      /** While unreleased, the provider holds each request, as a slow provider would. */
      let gate: Promise<void> = Promise.resolve();
      let releaseGate = () => {};
      function holdProvider(): () => void {
        gate = new Promise<void>((resolve) => (releaseGate = resolve));
        return releaseGate;
      }
      // A test that fails while the provider is held must not leave it holding the next test's requests.
      afterEach(() => releaseGate());

      beforeAll(async () => {
        connection = new MessagingConnection({ brokers: [tb.bootstrap], clientId: 'civil-status-provider' });
        provider = new RequestResponder(connection, {
          topic: platformTopics(INSTANCE).serviceRequests(SERVICE),
          groupId: `${INSTANCE}.service.${SERVICE}`,
          handler: async (incoming) => {
            const requestId = incoming.headers[KafkaHeader.RequestId] ?? '';
            served.push(requestId);
            const effect = served.length;
            await gate;
            return { value: JSON.stringify({ requestId, effect }), headers: { [KafkaHeader.ContentType]: 'application/json', [KafkaHeader.Status]: '200' } };
          },
        });
        await provider.start();
        // Answered once first, so that the tests time the provider rather than its consumer group joining.
        expect((await http.post(`/r1/${SERVICE}`).set('Authorization', `Bearer ${await token()}`).send({ warmUp: true })).status).toBe(200);
      }, 30_000);

      afterAll(async () => {
        await provider?.stop();
        await connection?.close();
      });

      it('lets one of two concurrent requests with one id reach the provider; the other gets 409 REQUEST_IN_PROGRESS, a later repeat the stored answer', async () => {
        const auth = `Bearer ${await token()}`;
        const requestId = 'req-concurrent-1';
        const send = () => http.post(`/r1/${SERVICE}/birth-certificates`).set('Authorization', auth).set('x-lgsp-request-id', requestId).send({ soDinhDanh: '038200000123' });
        const release = holdProvider();
        const answered: request.Response[] = [];
        const both = [send(), send()].map((sent) => sent.then((res) => (answered.push(res), res)));
        // While the provider holds one of them, the other is answered without ever reaching it.
        await waitFor(() => answered.length === 1 && effectsFor(requestId) === 1, 2_500, 'one request held by the provider and the other answered');
        release();
        await Promise.all(both);
        const [refused, through] = answered;
        expectError(refused, 409, 'REQUEST_IN_PROGRESS');
        expect(refused.body.error.message).toMatch(/still being processed; retry/);
        expect(refused.headers['retry-after']).toBe('1');
        expect(refused.headers['x-lgsp-request-id']).toBe(requestId);
        expect(through.status).toBe(200);
        expect(through.body).toMatchObject({ requestId });

        const repeat = await send();
        expect(repeat.status).toBe(200);
        expect(repeat.headers['x-lgsp-replayed']).toBe('true');
        expect(repeat.body).toEqual(through.body);
        expect(effectsFor(requestId)).toBe(1);

        // The refusal is a failed exchange in the message log, like every other refusal.
        const operator = `Bearer ${await token('h56-operator', secrets.operator)}`;
        const logged = await http.get('/message-log').query({ requestId }).set('Authorization', operator);
        const outcomes = (logged.body.items as { status: number; faultCode: string | null; succeeded: boolean }[]).map((r) => `${r.status} ${r.faultCode ?? ''}`.trim());
        expect(outcomes.sort()).toEqual(['200', '200', '409 REQUEST_IN_PROGRESS']);
      }, 20_000);

      it('frees the id when the provider misses the deadline, so the same request can be retried and reach it again', async () => {
        const auth = `Bearer ${await token()}`;
        const requestId = 'req-after-timeout-1';
        const send = () => http.post(`/r1/${SERVICE}/birth-certificates`).set('Authorization', auth).set('x-lgsp-request-id', requestId).send({ soDinhDanh: '038200000456' });
        const release = holdProvider();
        expectError(await send(), 504, 'UPSTREAM_TIMEOUT');
        expect(effectsFor(requestId)).toBe(1);
        release();

        const retried = await send();
        expect(retried.status).toBe(200);
        expect(retried.headers['x-lgsp-replayed']).toBeUndefined();
        expect(effectsFor(requestId)).toBe(2);
        const repeat = await send();
        expect(repeat.headers['x-lgsp-replayed']).toBe('true');
        expect(repeat.body).toEqual(retried.body);
        expect(effectsFor(requestId)).toBe(2);
      }, 20_000);
    });
  });

  describe('bad input', () => {
    it('refuses a service the client was not granted, and a method outside its grant', async () => {
      expectError(await http.get('/r1/national.population/x').set('Authorization', `Bearer ${await token()}`), 403, 'ACCESS_DENIED');
      expectError(await http.post('/r1/national.population/x').set('Authorization', `Bearer ${await token('h56-motcua-tp-thanh-hoa', secrets.motcua)}`).send({}), 403, 'ACCESS_DENIED');
    });

    it('counts exchanges per service, client and outcome in /metrics', async () => {
      const metrics = await http.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/lgsp_gateway_exchanges_total\{service="ping",client="h56-qlvb-so-tu-phap",status="200",fault=""\} [1-9]/);
      expect(metrics.text).toMatch(/lgsp_gateway_exchanges_total\{service="national.population",client="h56-qlvb-so-tu-phap",status="403",fault="ACCESS_DENIED"\} [1-9]/);
      expect(metrics.text).toMatch(/lgsp_gateway_exchange_duration_seconds_bucket\{le="0.05",service="ping",client="h56-qlvb-so-tu-phap"\}/);
    });

    it('limits a client to its tier: 429 with Retry-After once the minute\'s allowance is used, and logs it', async () => {
      const auth = `Bearer ${await token('h56-trial-system', secrets.qlvb)}`;
      for (let i = 0; i < 3; i++) {
        const ok = await http.get('/r1/ping').set('Authorization', auth);
        expect(ok.status).toBe(200);
        expect(ok.headers['ratelimit-limit']).toBe('3');
      }
      const limited = await http.get('/r1/ping').set('Authorization', auth).set('x-lgsp-request-id', 'over-the-limit');
      expectError(limited, 429, 'RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Other clients are not affected.
      expect((await http.get('/r1/ping').set('Authorization', `Bearer ${await token()}`)).status).toBe(200);
      const operator = `Bearer ${await token('h56-operator', secrets.operator)}`;
      const logged = await http.get('/message-log').query({ requestId: 'over-the-limit' }).set('Authorization', operator);
      expect(logged.body.items).toEqual([expect.objectContaining({ status: 429, faultCode: 'RATE_LIMITED', client: 'h56-trial-system' })]);
    });

    it('refuses an unknown service', async () => {
      expectError(await http.get('/r1/no-such-service').set('Authorization', `Bearer ${await token()}`), 404, 'UNKNOWN_SERVICE');
    });

    it('refuses a body over the size limit with 413 before parsing it', async () => {
      const res = await http.post('/r1/ping').set('Authorization', `Bearer ${await token()}`).type('application/json').send(`"${'x'.repeat(5000)}"`);
      expectError(res, 413, 'BODY_TOO_LARGE');
    });

    it('refuses invalid JSON', async () => {
      expectError(await http.post('/r1/ping').set('Authorization', `Bearer ${await token()}`).type('application/json').send('{"not json'), 400, 'INVALID_JSON');
    });

    it('refuses an invalid request id and a climbing path', async () => {
      expectError(await http.get('/r1/ping').set('Authorization', `Bearer ${await token()}`).set('x-lgsp-request-id', 'has spaces and ;'), 400, 'INVALID_REQUEST_ID');
      expectError(await http.get('/r1/ping/a/%2e%2e/b').set('Authorization', `Bearer ${await token()}`), 403, 'ACCESS_DENIED');
    });

    it('answers CR/LF inside a header value with the platform\'s JSON error', async () => {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as { port: number };
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('GET /r1/ping HTTP/1.1\r\nHost: x\r\nx-lgsp-issue: a\rb\r\n\r\n'));
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(raw).toMatch(/^HTTP\/1\.1 400/);
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).error.code).toBe('INVALID_HEADER');
    });
  });

  describe('message log', () => {
    async function search(query: Record<string, string>, as: [string, string] = ['h56-operator', secrets.operator]) {
      const res = await http.get('/message-log').query(query).set('Authorization', `Bearer ${await token(...as)}`);
      expect(res.status).toBe(200);
      return res.body as { items: Record<string, unknown>[]; nextCursor: string | null };
    }

    it('holds exactly one record per exchange, refused ones included, with the four timestamps', async () => {
      const ok = await http.post('/r1/ping').set('Authorization', `Bearer ${await token()}`).set('x-lgsp-request-id', 'log-ok-1').send({ a: 1 });
      expect(ok.status).toBe(200);
      const { items } = await search({ requestId: 'log-ok-1' });
      expect(items).toHaveLength(1);
      const r = items[0];
      expect(r).toMatchObject({ client: 'h56-qlvb-so-tu-phap', clientMember: '000.00.02.H56', service: 'ping', method: 'POST', status: 200, succeeded: true, faultCode: null });
      expect(r.requestHash).toBe(ok.headers['x-lgsp-request-hash']);
      const times = ['requestInAt', 'requestOutAt', 'responseInAt', 'responseOutAt'].map((k) => Date.parse(r[k] as string));
      expect(times.every((t) => Number.isFinite(t))).toBe(true);
      expect([...times].sort((a, b) => a - b)).toEqual(times);

      const denied = await http.get('/r1/national.population/x').set('Authorization', `Bearer ${await token()}`).set('x-lgsp-request-id', 'log-denied-1');
      expect(denied.status).toBe(403);
      const noToken = await http.get('/r1/ping').set('x-lgsp-request-id', 'log-no-token-1');
      expect(noToken.status).toBe(401);
      const tooBig = await http.post('/r1/ping').set('Authorization', `Bearer ${await token()}`).set('x-lgsp-request-id', 'log-too-big-1').type('application/json').send(`"${'x'.repeat(5000)}"`);
      expect(tooBig.status).toBe(413);
      expect((await search({ requestId: 'log-denied-1' })).items).toEqual([expect.objectContaining({ status: 403, succeeded: false, faultCode: 'ACCESS_DENIED', client: 'h56-qlvb-so-tu-phap' })]);
      expect((await search({ requestId: 'log-no-token-1' })).items).toEqual([expect.objectContaining({ status: 401, faultCode: 'TOKEN_MISSING', client: null, service: 'ping' })]);
      expect((await search({ requestId: 'log-too-big-1' })).items).toEqual([expect.objectContaining({ status: 413, faultCode: 'BODY_TOO_LARGE' })]);
    });

    it('shows an agency system only its own exchanges; an operator sees everyone', async () => {
      await http.get('/r1/ping').set('Authorization', `Bearer ${await token('h56-motcua-tp-thanh-hoa', secrets.motcua)}`).set('x-lgsp-request-id', 'log-motcua-1');
      const mine = await search({}, ['h56-qlvb-so-tu-phap', secrets.qlvb]);
      expect(mine.items.length).toBeGreaterThan(0);
      expect(mine.items.every((r) => r.client === 'h56-qlvb-so-tu-phap')).toBe(true);
      // Asking for someone else's exchanges gives one's own, never theirs.
      const theirs = await search({ client: 'h56-motcua-tp-thanh-hoa' }, ['h56-qlvb-so-tu-phap', secrets.qlvb]);
      expect(theirs.items.every((r) => r.client === 'h56-qlvb-so-tu-phap')).toBe(true);
      const all = await search({ client: 'h56-motcua-tp-thanh-hoa' });
      expect(all.items.map((r) => r.requestId)).toContain('log-motcua-1');
    });

    it('pages newest first with a cursor, and filters by service and outcome', async () => {
      const page1 = await search({ service: 'ping', limit: '2' });
      expect(page1.items).toHaveLength(2);
      expect(page1.nextCursor).not.toBeNull();
      const page2 = await search({ service: 'ping', limit: '2', cursor: page1.nextCursor! });
      expect(page2.items.map((r) => r.id)).not.toContain(page1.items[0].id);
      expect(Date.parse(page1.items[0].requestInAt as string)).toBeGreaterThanOrEqual(Date.parse(page2.items[0].requestInAt as string));
      const failed = await search({ status: 'failed' });
      expect(failed.items.length).toBeGreaterThan(0);
      expect(failed.items.every((r) => r.succeeded === false)).toBe(true);
    });

    it('keeps bodies only for services logged in full, and masks personal data where a person reads them', async () => {
      await http.post('/r1/ping').set('Authorization', `Bearer ${await token()}`).set('x-lgsp-request-id', 'log-personal-1').send({ soDinhDanh: 'công dân 038200001234' });
      const [pingRecord] = (await search({ requestId: 'log-personal-1' })).items;
      expect(pingRecord.requestBody).toContain('công dân');
      expect(pingRecord.requestBody).not.toContain('038200001234');
      await http.get('/r1/national.population/citizens/038200001234').set('Authorization', `Bearer ${await token('h56-motcua-tp-thanh-hoa', secrets.motcua)}`).set('x-lgsp-request-id', 'log-none-1');
      const [none] = (await search({ requestId: 'log-none-1' })).items;
      expect(none).toMatchObject({ service: 'national.population', path: null, requestBody: null, responseBody: null, contentType: null });
    });

    it('is a hash chain that verifies, and a restarted gateway continues it', async () => {
      const topic = platformTopics(INSTANCE).messageLog;
      const connection = new MessagingConnection({ brokers: [tb.bootstrap], clientId: 'verify' });
      // The topic also holds signed checkpoints (`type: 'checkpoint'`); exchange records have no type.
      const isRecord = (e: { type?: string }) => e.type === undefined;
      const keys = (await http.get('/.well-known/jwks.json')).body.keys;
      const before = (await readTopicToEnd(connection, topic)).map((m) => JSON.parse(m.value.toString()));
      const beforeRecords = before.filter(isRecord);
      expect(verifyRecords(before, { keys })).toMatchObject({ ok: true, records: beforeRecords.length });

      await app.close();
      app = await createGatewayApp(GatewayModule.forRoot(readGatewayConfig(gatewayEnv), new Registry(platformConfig)));
      await app.init();
      http = request(app.getHttpServer());
      await http.get('/r1/ping').set('Authorization', `Bearer ${await token()}`).set('x-lgsp-request-id', 'after-restart');
      const after = (await readTopicToEnd(connection, topic)).map((m) => JSON.parse(m.value.toString()));
      const afterRecords = after.filter(isRecord);
      // The token request and the ping (searches are not exchanges; token requests are, under gateway.token).
      expect(afterRecords).toHaveLength(beforeRecords.length + 2);
      const lastBefore = beforeRecords[beforeRecords.length - 1];
      expect(afterRecords.slice(-2)).toEqual([
        expect.objectContaining({ service: 'gateway.token', status: 200, seq: beforeRecords.length, prevHash: lastBefore.hash }),
        expect.objectContaining({ requestId: 'after-restart', seq: beforeRecords.length + 1 }),
      ]);
      // Closing the gateway signed its chain up to the last record it wrote (or a timed checkpoint already had).
      expect(after).toContainEqual(expect.objectContaining({ type: 'checkpoint', seq: lastBefore.seq, hash: lastBefore.hash }));
      const report = verifyRecords(after, { keys });
      expect(report).toMatchObject({ ok: true, signatures: 'verified' });
      expect(report.chains).toHaveLength(1);
      // The restarted gateway found earlier records too: search sees across the restart.
      expect((await search({ requestId: 'log-ok-1' })).items).toHaveLength(1);
      await connection.close();
    }, 60_000);
  });

  describe('registry administration', () => {
    const as = async (who: 'admin' | 'operator' | 'qlvb') => {
      const ids = { admin: 'h56-admin', operator: 'h56-operator', qlvb: 'h56-qlvb-so-tu-phap' };
      return `Bearer ${await token(ids[who], secrets[who])}`;
    };

    it('lets operators read the registry without secret hashes, and refuses agency systems', async () => {
      const res = await http.get('/admin/registry').set('Authorization', await as('operator'));
      expect(res.status).toBe(200);
      expect(res.body.platform.instance).toBe(INSTANCE);
      expect(res.body.clients.length).toBeGreaterThan(2);
      expect(JSON.stringify(res.body)).not.toContain('scrypt$');
      expectError(await http.get('/admin/registry').set('Authorization', await as('qlvb')), 403, 'FORBIDDEN_ROLE');
      expectError(await http.post('/admin/clients').set('Authorization', await as('operator')).send({}), 403, 'FORBIDDEN_ROLE');
    });

    it('adds a client system at run time, which can then authenticate and call what its group was granted', async () => {
      const res = await http.post('/admin/clients').set('Authorization', await as('admin')).send({ id: 'h56-qlvb-so-y-te', member: '000.00.02.H56', name: 'QLVB (test)', tier: 'silver', roles: ['agency-system'], groups: ['document-systems'] });
      expect(res.status).toBe(201);
      expect(res.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const ping = await http.get('/r1/ping').set('Authorization', `Bearer ${await token('h56-qlvb-so-y-te', res.body.secret)}`);
      expect(ping.status).toBe(200);
      expect(ping.body.client).toBe('h56-qlvb-so-y-te');
    });

    it('refuses bad input with a code, changing nothing', async () => {
      const admin = await as('admin');
      const before = (await http.get('/admin/registry').set('Authorization', admin)).body.clients.length;
      expectError(await http.post('/admin/clients').set('Authorization', admin).send({ id: 'h56-x-1', member: '000.00.02.H56', name: 'x', tier: 'silver', roles: ['agency-system'], colour: 'blue' }), 400, 'VALIDATION_FAILED');
      expectError(await http.post('/admin/clients').set('Authorization', admin).send({ id: 'h56-x-2', member: '28.22.H17', name: 'x', tier: 'silver', roles: ['agency-system'] }), 400, 'INVALID_AGENCY_CODE');
      expectError(await http.post('/admin/clients').set('Authorization', admin).send({ id: 'h56-x-3', member: '000.00.09.H56', name: 'x', tier: 'silver', roles: ['agency-system'] }), 400, 'UNKNOWN_MEMBER');
      expectError(await http.post('/admin/clients').set('Authorization', admin).send({ id: 'h56-qlvb-so-tu-phap', member: '000.00.02.H56', name: 'x', tier: 'silver', roles: ['agency-system'] }), 409, 'CLIENT_EXISTS');
      expectError(await http.post('/admin/clients').set('Authorization', admin).send({ id: 'h56-x-4', member: '000.00.02.H56', name: 'x', tier: 'platinum', roles: ['agency-system'] }), 400, 'UNKNOWN_TIER');
      expectError(await http.post('/admin/clients').set('Authorization', admin).type('application/json').send('{"id":'), 400, 'INVALID_JSON');
      expectError(await http.post('/admin/grants').set('Authorization', admin).send({ service: 'ping', client: 'h56-qlvb-so-tu-phap', group: 'operators' }), 400, 'INVALID_INPUT');
      expect((await http.get('/admin/registry').set('Authorization', admin)).body.clients.length).toBe(before);
      // Each refusal is a failed exchange in the message log, under the admin pseudo-service.
      const failed = await http.get('/message-log').query({ service: 'gateway.admin', status: 'failed', client: 'h56-admin', limit: '20' }).set('Authorization', await as('operator'));
      const codes = (failed.body.items as { faultCode: string; client: string }[]).map((r) => r.faultCode);
      expect(codes).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'INVALID_AGENCY_CODE', 'UNKNOWN_MEMBER', 'CLIENT_EXISTS', 'UNKNOWN_TIER', 'INVALID_INPUT']));
      // Invalid JSON is refused while the body is read, before the token is checked: logged, with no client.
      const unreadable = await http.get('/message-log').query({ service: 'gateway.admin', status: '400', limit: '50' }).set('Authorization', await as('operator'));
      expect((unreadable.body.items as { client: string | null; faultCode: string }[]).find((r) => r.faultCode === 'INVALID_JSON')).toMatchObject({ client: null });
      // …and so is the refusal of an agency system that tried the admin API.
      const roleRefusals = await http.get('/message-log').query({ service: 'gateway.admin', status: '403' }).set('Authorization', await as('operator'));
      expect((roleRefusals.body.items as { client: string; faultCode: string }[]).map((r) => [r.client, r.faultCode])).toContainEqual(['h56-qlvb-so-tu-phap', 'FORBIDDEN_ROLE']);
    });

    it('grants and revokes access at run time', async () => {
      const admin = await as('admin');
      const caller = `Bearer ${await token('h56-motcua-tp-thanh-hoa', secrets.motcua)}`;
      expectError(await http.post('/r1/document-exchange.documents').set('Authorization', caller).type('application/xml').send('<edXML/>'), 403, 'ACCESS_DENIED');
      const grant = { service: 'document-exchange.documents', client: 'h56-motcua-tp-thanh-hoa', methods: ['POST'] };
      expect((await http.post('/admin/grants').set('Authorization', admin).send(grant)).status).toBe(201);
      expect((await http.post('/r1/document-exchange.documents').set('Authorization', caller).type('application/xml').send('<edXML/>')).status).toBe(202);
      expectError(await http.post('/admin/grants').set('Authorization', admin).send(grant), 409, 'GRANT_EXISTS');
      expect((await http.post('/admin/grants/revoke').set('Authorization', admin).send(grant)).status).toBe(200);
      expectError(await http.post('/r1/document-exchange.documents').set('Authorization', caller).type('application/xml').send('<edXML/>'), 403, 'ACCESS_DENIED');
      expectError(await http.post('/admin/grants/revoke').set('Authorization', admin).send(grant), 404, 'UNKNOWN_GRANT');
    });

    it('revokes a client: its live token stops working at once, and the revocation survives a restart', async () => {
      const admin = await as('admin');
      const added = await http.post('/admin/clients').set('Authorization', admin).send({ id: 'h56-temp-system', member: '000.00.22.H56', name: 'Temporary', tier: 'silver', roles: ['agency-system'], groups: ['one-stop-shops'] });
      const live = `Bearer ${await token('h56-temp-system', added.body.secret)}`;
      expect((await http.get('/r1/ping').set('Authorization', live)).status).toBe(200);
      expect((await http.post('/admin/clients/h56-temp-system/revoke').set('Authorization', admin)).status).toBe(200);
      expectError(await http.get('/r1/ping').set('Authorization', live), 401, 'CLIENT_DISABLED');
      const again = await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'h56-temp-system', client_secret: added.body.secret });
      expect(again.status).toBe(401);
      expectError(await http.post('/admin/clients/nobody-here/revoke').set('Authorization', admin), 404, 'UNKNOWN_CLIENT');

      const audit = (await http.get('/admin/audit').set('Authorization', await as('operator'))).body.changes as { action: string; subject: string; actor: string; details: object }[];
      expect(audit.filter((c) => c.subject === 'h56-temp-system').map((c) => c.action)).toEqual(['client.added', 'client.revoked']);
      expect(audit.every((c) => c.actor === 'h56-admin')).toBe(true);
      const logged = await http.get('/message-log').query({ service: 'gateway.admin', status: 'succeeded', limit: '50' }).set('Authorization', await as('operator'));
      expect((logged.body.items as { method: string; path: string }[]).some((r) => r.method === 'POST' && r.path === '/clients/h56-temp-system/revoke')).toBe(true);
      expect(JSON.stringify(audit)).not.toContain('scrypt$');

      // A new gateway on the same log (a restart, or another replica) reaches the same registry.
      await app.close();
      app = await createGatewayApp(GatewayModule.forRoot(readGatewayConfig(gatewayEnv), new Registry(platformConfig)));
      await app.init();
      http = request(app.getHttpServer());
      const retry = await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'h56-temp-system', client_secret: added.body.secret });
      expect(retry.status).toBe(401);
      const clients = (await http.get('/admin/registry').set('Authorization', await as('operator'))).body.clients as { id: string; enabled: boolean }[];
      expect(clients.find((c) => c.id === 'h56-qlvb-so-y-te')).toMatchObject({ enabled: true }); // added at run time
      expect(clients.find((c) => c.id === 'h56-temp-system')).toMatchObject({ enabled: false });
    }, 60_000);
  });
});
