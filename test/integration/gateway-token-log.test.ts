import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { platformTopics } from '@lgsp/contracts';
import { MessagingConnection, readTopicToEnd } from '@lgsp/messaging';
import { Registry, hashSecret, parsePlatformConfig } from '@lgsp/registry';
import { startTestBroker, TestBroker } from '@lgsp/test-support/test-broker';
import { readGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { createGatewayApp } from '../../apps/gateway/src/main';

/**
 * Token requests are exchanges: each one, issued or refused, is one message-log record under `gateway.token`,
 * with the client it named and, when refused, the fault — and never the secret it carried or the token it got.
 * The suite boots the gateway as gateway-routing.test.ts does, over the embedded broker.
 */
describe('gateway: token requests in the message log', () => {
  const INSTANCE = 'lgsp-t57';
  const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-gateway-token-log-'));
  const secrets = { qlvb: 'qlvb-secret-0123456789', operator: 'operator-secret-0123456789' };
  let tb: TestBroker;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    tb = await startTestBroker();
    const config = parsePlatformConfig({
      platform: { role: 'lgsp', code: '000.00.00.H56', name: 'Thanh Hóa (test)', instance: INSTANCE },
      tiers: { silver: { requestsPerMinute: 2000 } },
      members: [
        { code: '000.00.00.H56', name: 'UBND tỉnh Thanh Hóa', kind: 'province' },
        { code: '000.00.02.H56', name: 'Sở Tư pháp', kind: 'department', parent: '000.00.00.H56' },
      ],
      clients: [
        { id: 'h56-qlvb-so-tu-phap', member: '000.00.02.H56', name: 'QLVB Sở Tư pháp', secretHash: await hashSecret(secrets.qlvb), tier: 'silver', roles: ['agency-system'], groups: ['document-systems'], enabled: true },
        { id: 'h56-operator', member: '000.00.00.H56', name: 'Operator console', secretHash: await hashSecret(secrets.operator), tier: 'silver', roles: ['operator'], groups: ['operators'], enabled: true },
      ],
      services: [
        { code: 'ping', provider: '000.00.00.H56', name: 'Ping', kind: 'request-reply', bodyLogging: 'full', timeoutMs: 5000 },
        // The worst case: a catalog service that happens to carry the token endpoint's code and asks for full
        // bodies. The endpoint's records must still hold sizes only.
        { code: 'gateway.token', provider: '000.00.00.H56', name: 'Unrelated service with a clashing code', kind: 'request-reply', bodyLogging: 'full', timeoutMs: 1000 },
      ],
      grants: [{ service: 'ping', group: 'document-systems' }],
    });
    const env = { LGSP_CONFIG: 'unused-the-registry-is-passed-in', LGSP_DATA_DIR: dataDir, KAFKA_BROKERS: tb.bootstrap, GATEWAY_PORT: '0', LOG_LEVEL: 'silent' };
    app = await createGatewayApp(GatewayModule.forRoot(readGatewayConfig(env), new Registry(config)));
    await app.init();
    http = request(app.getHttpServer());
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await tb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function operatorToken(): Promise<string> {
    const res = await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'h56-operator', client_secret: secrets.operator });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  /** The one record of a request id, as an operator finds it through the message-log API. */
  async function recordOf(requestId: string): Promise<Record<string, unknown>> {
    const res = await http.get('/message-log').query({ requestId }).set('Authorization', `Bearer ${await operatorToken()}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    return res.body.items[0] as Record<string, unknown>;
  }

  /** Every entry of the message-log topic as written, before any masking for reading. */
  async function rawLog(): Promise<string> {
    const connection = new MessagingConnection({ brokers: [tb.bootstrap], clientId: 'token-log-check' });
    try {
      return (await readTopicToEnd(connection, platformTopics(INSTANCE).messageLog)).map((m) => m.value.toString('utf8')).join('\n');
    } finally {
      await connection.close();
    }
  }

  it('logs a wrong secret as a refused token request: 401, INVALID_CLIENT, the client named, the secret nowhere', async () => {
    const wrongSecret = 'not-the-qlvb-secret-but-close-42';
    const res = await http
      .post('/oauth/token')
      .set('x-lgsp-request-id', 'tok-wrong-secret-1')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: 'h56-qlvb-so-tu-phap', client_secret: wrongSecret });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_client', code: 'INVALID_CLIENT' });
    expect(res.headers['x-lgsp-request-id']).toBe('tok-wrong-secret-1');

    const r = await recordOf('tok-wrong-secret-1');
    expect(r).toMatchObject({
      service: 'gateway.token',
      client: 'h56-qlvb-so-tu-phap',
      clientMember: '000.00.02.H56',
      method: 'POST',
      path: '/',
      status: 401,
      succeeded: false,
      faultCode: 'INVALID_CLIENT',
      requestBody: null,
      responseBody: null,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(r.requestBytes).toBeGreaterThan(wrongSecret.length);
    expect(JSON.stringify(r)).not.toContain(wrongSecret);
    expect(await rawLog()).not.toContain(wrongSecret);
  });

  it('logs an issued token as a succeeded exchange with its sizes, and neither the secret nor the token', async () => {
    const res = await http
      .post('/oauth/token')
      .set('x-lgsp-request-id', 'tok-issued-1')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: 'h56-qlvb-so-tu-phap', client_secret: secrets.qlvb });
    expect(res.status).toBe(200);
    const accessToken = res.body.access_token as string;
    expect(accessToken.length).toBeGreaterThan(100);

    const r = await recordOf('tok-issued-1');
    expect(r).toMatchObject({ service: 'gateway.token', client: 'h56-qlvb-so-tu-phap', status: 200, succeeded: true, faultCode: null, faultMessage: null, requestBody: null, responseBody: null });
    expect(r.responseBytes).toBe(Buffer.byteLength(res.text));
    const logged = JSON.stringify(r);
    // The token's signature alone would be enough to spot a copy of it.
    for (const secretPart of [secrets.qlvb, accessToken, accessToken.split('.')[2]]) expect(logged).not.toContain(secretPart);
    const raw = await rawLog();
    expect(raw).toContain('tok-issued-1');
    for (const secretPart of [secrets.qlvb, accessToken.split('.')[2]]) expect(raw).not.toContain(secretPart);
  });

  it('logs every kind of refusal with its code: unknown client, Basic credentials, incomplete request, other grants, an unreadable body', async () => {
    const send = (requestId: string) => http.post('/oauth/token').set('x-lgsp-request-id', requestId);
    expect((await send('tok-unknown-1').type('form').send({ grant_type: 'client_credentials', client_id: 'h56-nobody-here', client_secret: 'guess-1' })).status).toBe(401);
    const basic = Buffer.from('h56-qlvb-so-tu-phap:basic-wrong-secret').toString('base64');
    expect((await send('tok-basic-1').set('Authorization', `Basic ${basic}`).send({ grant_type: 'client_credentials' })).status).toBe(401);
    expect((await send('tok-incomplete-1').type('form').send({ grant_type: 'client_credentials', client_id: 'h56-qlvb-so-tu-phap' })).status).toBe(400);
    expect((await send('tok-password-1').type('form').send({ grant_type: 'password', username: 'a', password: 'password-grant-secret' })).status).toBe(400);
    const unreadable = await send('tok-bad-json-1').set('Authorization', `Basic ${basic}`).type('application/json').send('{"grant_type":');
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.error.code).toBe('INVALID_JSON');

    expect(await recordOf('tok-unknown-1')).toMatchObject({ service: 'gateway.token', client: 'h56-nobody-here', clientMember: null, status: 401, faultCode: 'INVALID_CLIENT' });
    expect(await recordOf('tok-basic-1')).toMatchObject({ service: 'gateway.token', client: 'h56-qlvb-so-tu-phap', status: 401, faultCode: 'INVALID_CLIENT' });
    expect(await recordOf('tok-incomplete-1')).toMatchObject({ service: 'gateway.token', client: 'h56-qlvb-so-tu-phap', status: 400, faultCode: 'INVALID_TOKEN_REQUEST' });
    expect(await recordOf('tok-password-1')).toMatchObject({ service: 'gateway.token', client: null, status: 400, faultCode: 'UNSUPPORTED_GRANT_TYPE' });
    // Refused by the body parser, before the controller: still one record, with the client from the Basic header.
    expect(await recordOf('tok-bad-json-1')).toMatchObject({ service: 'gateway.token', client: 'h56-qlvb-so-tu-phap', status: 400, faultCode: 'INVALID_JSON', requestBody: null, responseBody: null });

    const raw = await rawLog();
    for (const secret of ['guess-1', 'basic-wrong-secret', 'password-grant-secret', basic]) expect(raw).not.toContain(secret);
  });

  it('does not log a secret sent in the client id field when the two fields are swapped', async () => {
    const res = await http
      .post('/oauth/token')
      .set('x-lgsp-request-id', 'tok-swapped-1')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: secrets.qlvb, client_secret: 'h56-qlvb-so-tu-phap' });
    expect(res.status).toBe(401);
    expect(await recordOf('tok-swapped-1')).toMatchObject({ client: null, faultCode: 'INVALID_CLIENT' });
    expect(await rawLog()).not.toContain(secrets.qlvb);
  });

  it('lets an agency system find its own token requests, and counts unregistered ids under one metrics label', async () => {
    const mine = await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'h56-qlvb-so-tu-phap', client_secret: secrets.qlvb });
    const own = await http.get('/message-log').query({ service: 'gateway.token', limit: '200' }).set('Authorization', `Bearer ${mine.body.access_token}`);
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect((own.body.items as { client: string }[]).every((r) => r.client === 'h56-qlvb-so-tu-phap')).toBe(true);
    // Including the refusals of someone who tried its id with a wrong secret.
    expect((own.body.items as { faultCode: string | null }[]).some((r) => r.faultCode === 'INVALID_CLIENT')).toBe(true);

    await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'h56-guessed-id-7', client_secret: 'x' });
    const metrics = (await http.get('/metrics')).text;
    expect(metrics).toMatch(/lgsp_gateway_exchanges_total\{service="gateway.token",client="h56-qlvb-so-tu-phap",status="200",fault=""\} [1-9]/);
    expect(metrics).toMatch(/lgsp_gateway_exchanges_total\{service="gateway.token",client="unknown",status="401",fault="INVALID_CLIENT"\} [1-9]/);
    // Label values come from the registry, never from what a caller typed.
    expect(metrics).not.toContain('h56-guessed-id-7');
    expect(metrics).not.toContain('h56-nobody-here');
  });
});
