import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { buildDocumentPackage, buildStatusPackage, parseEdxml, signPackage } from '@lgsp/edxml';
import { hashSecret, parsePlatformConfig, PlatformConfig, Registry } from '@lgsp/registry';
import { startTestBroker, TestBroker } from '@lgsp/test-support/test-broker';
import { readDocumentExchangeConfig } from '../../apps/document-exchange/src/config/document-exchange-config';
import { DocumentExchangeModule } from '../../apps/document-exchange/src/document-exchange.module';
import { startDocumentExchange } from '../../apps/document-exchange/src/main';
import { readGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { createGatewayApp } from '../../apps/gateway/src/main';
import { sampleDocument, sampleStatus } from '../../libs/edxml/src/testing/sample-packages';
import { TestCa, TestIdentity } from '../../libs/edxml/src/testing/test-pki';

jest.setTimeout(60_000);

const SERVICE = '/r1/document-exchange.documents';
const TU_PHAP = '000.00.02.H56';
const NOI_VU = '000.00.03.H56';
const THANH_PHO = '000.00.31.H56';
const XAY_DUNG = '000.00.05.H56';
const OPERATOR = 'h56-operator';

/**
 * Document exchange as agency systems use it, through the real gateway and Kafka: send, inbox, transport ack,
 * status packages, the sent view, and every refusal the issue lists — each a 4xx with a code that delivers nothing.
 */
describe('document exchange through the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-docs-'));
  let tb: TestBroker;
  let gateway: NestExpressApplication;
  let exchange: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let config: PlatformConfig;
  let ca: TestCa;
  let tuPhapKey: TestIdentity;
  let expiredKey: TestIdentity;
  let strangerKey: TestIdentity;
  const tokens = new Map<string, string>();
  const SECRET = 'document-system-secret-0123456789';
  const clients: Record<string, string> = { [TU_PHAP]: 'h56-qlvb-so-tu-phap', [NOI_VU]: 'h56-qlvb-so-noi-vu', [THANH_PHO]: 'h56-qlvb-tp-thanh-hoa', [XAY_DUNG]: 'h56-qlvb-so-xay-dung' };

  const startExchange = (settings: Record<string, string> = {}) =>
    startDocumentExchange(
      DocumentExchangeModule.forRoot(
        readDocumentExchangeConfig({
          LGSP_CONFIG: 'unused',
          KAFKA_BROKERS: tb.bootstrap,
          LOG_LEVEL: 'silent',
          EDXML_TRUST_STORE: join(dir, 'ca.pem'),
          EDXML_MAX_PACKAGE_BYTES: '200000',
          EDXML_MAX_ATTACHMENT_BYTES: '100000',
          // Pushes: three attempts, tens of milliseconds apart, so that giving up is seen in a test.
          DOCUMENT_PUSH_MAX_ATTEMPTS: '3',
          DOCUMENT_PUSH_FIRST_DELAY_MS: '20',
          DOCUMENT_PUSH_MAX_DELAY_MS: '100',
          DOCUMENT_PUSH_TIMEOUT_MS: '5000',
          ...settings,
        }),
        new Registry(config),
      ),
    );

  beforeAll(async () => {
    tb = await startTestBroker();
    ca = await TestCa.create();
    [tuPhapKey, expiredKey] = await Promise.all([ca.issue('Sở Tư pháp'), ca.issue('Sở Tư pháp (old)', { validFromDaysAgo: 400, validDays: 30 })]);
    strangerKey = await (await TestCa.create('CN=Unknown CA, C=VN')).issue('Sở Tư pháp');
    writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
    const secretHash = await hashSecret(SECRET);
    config = parsePlatformConfig({
      platform: { role: 'lgsp', code: '000.00.00.H56', name: 'Thanh Hóa (test)', instance: 'lgsp-d56' },
      tiers: { silver: { requestsPerMinute: 0 } },
      members: [
        { code: '000.00.00.H56', name: 'UBND tỉnh Thanh Hóa', kind: 'province' },
        { code: TU_PHAP, name: 'Sở Tư pháp', kind: 'department', parent: '000.00.00.H56' },
        { code: NOI_VU, name: 'Sở Nội vụ', kind: 'department', parent: '000.00.00.H56' },
        { code: THANH_PHO, name: 'UBND TP Thanh Hóa', kind: 'district', parent: '000.00.00.H56' },
        { code: XAY_DUNG, name: 'Sở Xây dựng', kind: 'department', parent: '000.00.00.H56' },
      ],
      clients: [
        ...Object.entries(clients).map(([member, id]) => ({ id, member, name: id, secretHash, tier: 'silver', roles: ['agency-system' as const], groups: ['document-systems'], enabled: true })),
        { id: OPERATOR, member: '000.00.00.H56', name: 'Vận hành', secretHash, tier: 'silver', roles: ['operator' as const], enabled: true },
      ],
      services: [{ code: 'document-exchange.documents', provider: '000.00.00.H56', name: 'Liên thông văn bản', kind: 'request-reply', bodyLogging: 'metadata', timeoutMs: 10_000 }],
      grants: [
        { service: 'document-exchange.documents', group: 'document-systems' },
        { service: 'document-exchange.documents', client: OPERATOR, methods: ['GET'], paths: ['/operations'] },
        // Wider than an operator should have, so that the exchange's own role check is what refuses /inbox.
        { service: 'document-exchange.documents', client: OPERATOR, methods: ['GET'], paths: ['/inbox'] },
      ],
    });
    exchange = await startExchange();
    gateway = await createGatewayApp(
      GatewayModule.forRoot(readGatewayConfig({ LGSP_CONFIG: 'unused', LGSP_DATA_DIR: dir, KAFKA_BROKERS: tb.bootstrap, GATEWAY_PORT: '0', LOG_LEVEL: 'silent' }), new Registry(config)),
    );
    await gateway.init();
    http = request(gateway.getHttpServer());
    for (const [member, id] of [...Object.entries(clients), [OPERATOR, OPERATOR]]) {
      const res = await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: id, client_secret: SECRET });
      tokens.set(member, `Bearer ${res.body.access_token}`);
    }
  });

  afterAll(async () => {
    await gateway?.close();
    await exchange?.close();
    await tb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const as = (member: string) => tokens.get(member)!;
  const send = (member: string, xml: string) => http.post(`${SERVICE}/packages`).set('Authorization', as(member)).set('content-type', 'application/xml').send(xml);
  const inbox = async (member: string, state = 'pending') => (await http.get(`${SERVICE}/inbox`).query({ state }).set('Authorization', as(member))).body.items as { deliveryId: string; documentId: string; kind: string; statusCode?: string }[];
  const doc = (n: number, overrides = {}) =>
    sampleDocument({ documentId: `${TU_PHAP},2026/11/20,${n}/STP-HCTP`, to: [{ organId: NOI_VU }, { organId: THANH_PHO }], ...overrides });
  const expectRefused = (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(res.headers['x-lgsp-error-code']).toBe(code);
    expect(String(res.body.error.message).length).toBeGreaterThan(15);
  };

  it('sends to every recipient, each with its own delivery, and gives a receipt bound to the bytes sent', async () => {
    const xml = buildDocumentPackage(doc(1));
    const res = await send(TU_PHAP, xml);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'document', documentId: `${TU_PHAP},2026/11/20,1/STP-HCTP`, docType: 0, sha256: parseEdxml(xml).sha256, replayed: false, signature: { status: 'unsigned' } });
    expect(res.body.deliveries.map((d: { recipient: string }) => d.recipient)).toEqual([NOI_VU, THANH_PHO]);

    const [item] = (await inbox(NOI_VU)).filter((i) => i.documentId === res.body.documentId);
    const fetched = await http.get(`${SERVICE}/inbox/${item.deliveryId}`).set('Authorization', as(NOI_VU)).buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => cb(null, text));
    });
    expect(fetched.status).toBe(200);
    expect(fetched.headers['content-type']).toContain('application/xml');
    // The package as sent, plus this platform's hop.
    expect(parseEdxml(fetched.body as string).package).toMatchObject({ documentId: res.body.documentId, traces: [{ organId: TU_PHAP }, { organId: '000.00.00.H56' }] });

    // Another agency cannot read it, and is told it does not exist.
    expectRefused(await http.get(`${SERVICE}/inbox/${item.deliveryId}`).set('Authorization', as(TU_PHAP)), 404, 'UNKNOWN_DELIVERY');
  });

  it('returns the same receipt for the same DocumentId and delivers nothing twice', async () => {
    const first = await send(TU_PHAP, buildDocumentPackage(doc(2)));
    const again = await send(TU_PHAP, buildDocumentPackage(doc(2)));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ packageId: first.body.packageId, replayed: true });
    const changed = await send(TU_PHAP, buildDocumentPackage(doc(2, { subject: 'Một trích yếu khác' })));
    expect(changed.body).toMatchObject({ packageId: first.body.packageId, replayed: true, contentDiffers: true });
    expect((await inbox(NOI_VU)).filter((i) => i.documentId.endsWith(',2/STP-HCTP'))).toHaveLength(1);
  });

  it('takes transport acknowledgements (done / fail) and business statuses, and shows both in the sent view', async () => {
    const sent = await send(TU_PHAP, buildDocumentPackage(doc(3)));
    const documentId = sent.body.documentId as string;
    const delivery = (await inbox(NOI_VU)).find((i) => i.documentId === documentId)!;
    const ack = await http.post(`${SERVICE}/inbox/${delivery.deliveryId}/ack`).set('Authorization', as(NOI_VU)).send({ status: 'done' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ deliveryId: delivery.deliveryId, state: 'done' });
    expect((await inbox(NOI_VU)).find((i) => i.documentId === documentId)).toBeUndefined();
    // The same acknowledgement again is harmless; the opposite one is refused.
    expect((await http.post(`${SERVICE}/inbox/${delivery.deliveryId}/ack`).set('Authorization', as(NOI_VU)).send({ status: 'done' })).status).toBe(200);
    expectRefused(await http.post(`${SERVICE}/inbox/${delivery.deliveryId}/ack`).set('Authorization', as(NOI_VU)).send({ status: 'fail' }), 409, 'ALREADY_ACKNOWLEDGED');
    expectRefused(await http.post(`${SERVICE}/inbox/${delivery.deliveryId}/ack`).set('Authorization', as(NOI_VU)).send({ status: 'maybe' }), 400, 'INVALID_ACK');

    const status = buildStatusPackage(sampleStatus({ from: { organId: NOI_VU }, responseFor: { organId: TU_PHAP, documentId }, statusCode: '03' }));
    const accepted = await send(NOI_VU, status);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ kind: 'status', statusCode: '03', deliveries: [{ recipient: TU_PHAP }] });
    expect((await inbox(TU_PHAP)).find((i) => i.kind === 'status' && i.documentId === documentId)).toMatchObject({ statusCode: '03' });

    const view = await http.get(`${SERVICE}/sent/timeline`).query({ documentId }).set('Authorization', as(TU_PHAP));
    expect(view.status).toBe(200);
    expect(view.body.recipients).toEqual([
      { organId: NOI_VU, transport: 'done', business: { statusCode: '03', meaning: 'accepted (Đã tiếp nhận)', at: expect.any(String) } },
      { organId: THANH_PHO, transport: 'pending', business: null },
    ]);
    expect(view.body.timeline.map((e: { event: string }) => e.event)).toEqual(['sent (new)', 'transport done', 'status 03: accepted (Đã tiếp nhận)']);
    // Only the sender sees it.
    expectRefused(await http.get(`${SERVICE}/sent/timeline`).query({ documentId }).set('Authorization', as(NOI_VU)), 404, 'UNKNOWN_DOCUMENT');
  });

  it('turns the JSON form into edXML with the caller as From', async () => {
    const res = await http
      .post(`${SERVICE}/packages`)
      .set('Authorization', as(TU_PHAP))
      .send({
        to: [{ organId: THANH_PHO }],
        code: { codeNumber: '77', codeNotation: 'STP-VP' },
        promulgationInfo: { date: '2026/11/21' },
        documentType: { type: '1', typeName: 'Công văn' },
        subject: 'Gửi bằng biểu mẫu JSON',
        attachments: [{ name: 'ghi-chu.txt', contentType: 'text/plain', contentBase64: Buffer.from('xin chào').toString('base64') }],
      });
    expect(res.status).toBe(201);
    expect(res.body.documentId).toBe(`${TU_PHAP},2026/11/21,77/STP-VP`);
    const item = (await inbox(THANH_PHO)).find((i) => i.documentId === res.body.documentId)!;
    const xml = (await http.get(`${SERVICE}/inbox/${item.deliveryId}`).set('Authorization', as(THANH_PHO)).buffer(true).parse((r, cb) => {
      let t = '';
      r.on('data', (c: Buffer) => (t += c));
      r.on('end', () => cb(null, t));
    })).body as string;
    expect(parseEdxml(xml).package).toMatchObject({ from: { organId: TU_PHAP, organName: 'Sở Tư pháp' }, subject: 'Gửi bằng biểu mẫu JSON', attachments: [{ name: 'ghi-chu.txt', content: Buffer.from('xin chào') }] });
    expectRefused(await http.post(`${SERVICE}/packages`).set('Authorization', as(TU_PHAP)).send({ to: [], subject: 'x', extra: 1 }), 400, 'INVALID_PACKAGE_FORM');
  });

  it('lets the sender revoke its document, and no one else', async () => {
    const sent = await send(TU_PHAP, buildDocumentPackage(doc(4)));
    const revoke = doc(4, { business: { docType: 1, reason: 'Ban hành nhầm', receiverChanges: [], replacements: [] } });
    const res = await send(TU_PHAP, buildDocumentPackage(revoke));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ documentId: sent.body.documentId, docType: 1 });
    expect((await inbox(NOI_VU)).filter((i) => i.documentId === sent.body.documentId)).toHaveLength(2);

    const foreign = buildDocumentPackage(doc(4, { from: { organId: NOI_VU }, to: [{ organId: THANH_PHO }], business: { docType: 1, receiverChanges: [], replacements: [] } }));
    expectRefused(await send(NOI_VU, foreign), 403, 'NOT_YOUR_DOCUMENT');
  });

  describe('refusals: a 4xx with a code, nothing delivered, the failure in the message log', () => {
    let before: number;
    beforeEach(async () => {
      before = (await inbox(NOI_VU, 'all')).length;
    });
    afterEach(async () => {
      expect((await inbox(NOI_VU, 'all')).length).toBe(before);
    });

    it('refuses what is not XML, a DTD (XXE), a nesting bomb and an oversized package', async () => {
      expectRefused(await send(TU_PHAP, 'not xml at all'), 400, 'EDXML_NOT_XML');
      expectRefused(await send(TU_PHAP, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><edXML>&e;</edXML>'), 400, 'EDXML_DTD_FORBIDDEN');
      expectRefused(await send(TU_PHAP, `<edXML>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</edXML>`), 400, 'EDXML_TOO_DEEP');
      const big = buildDocumentPackage(doc(5, { attachments: [{ contentId: 'big', name: 'big.pdf', contentType: 'application/pdf', content: Buffer.alloc(200_000, 7) }] }));
      expectRefused(await send(TU_PHAP, big), 413, 'EDXML_TOO_LARGE');
    });

    it('refuses an entity-expansion bomb and an attachment over the limit in a package under it', async () => {
      const entities = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
      expectRefused(await send(TU_PHAP, `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${entities}]><edXML>&lol10;</edXML>`), 400, 'EDXML_DTD_FORBIDDEN');
      const attachment = { contentId: 'big', name: 'big.pdf', contentType: 'application/pdf', content: Buffer.alloc(120_000, 7) };
      const res = await send(TU_PHAP, buildDocumentPackage(doc(5, { attachments: [attachment] })));
      expectRefused(res, 413, 'EDXML_ATTACHMENT_TOO_LARGE');
      expect(res.body.error.message).toContain('big.pdf');
    });

    it('refuses an unsigned package, and a badly signed one, where the platform requires signatures', async () => {
      await exchange.close();
      exchange = await startExchange({ EDXML_SIGNATURE_POLICY: 'required' });
      try {
        expectRefused(await send(TU_PHAP, buildDocumentPackage(doc(11))), 422, 'SIGNATURE_MISSING');
        const tampered = signPackage(buildDocumentPackage(doc(11)), tuPhapKey).replace('V/v rà soát', 'V/v bãi bỏ');
        expectRefused(await send(TU_PHAP, tampered), 422, 'SIGNATURE_INVALID');
      } finally {
        await exchange.close();
        exchange = await startExchange();
      }
    });

    it('refuses missing parts, broken base64 and an invalid OrganId, listing the problems', async () => {
      const res = await send(TU_PHAP, buildDocumentPackage(doc(6)).replace(/<edXML:Subject>[^<]*<\/edXML:Subject>/, '').replace(/<ContentTransferEncoded>[^<]+</, '<ContentTransferEncoded>@@@@<'));
      expectRefused(res, 400, 'EDXML_MISSING_PART');
      expect(res.body.error.problems.map((p: { code: string }) => p.code)).toEqual(['EDXML_MISSING_PART', 'EDXML_ATTACHMENT_BAD_BASE64']);
      expectRefused(await send(TU_PHAP, buildDocumentPackage(doc(6, { to: [{ organId: NOI_VU }, { organId: '28.22.H17' }] }))), 400, 'EDXML_INVALID_ORGAN_ID');
    });

    it('refuses a From that is not the caller, and an unknown recipient (nobody gets the package)', async () => {
      expectRefused(await send(NOI_VU, buildDocumentPackage(doc(7))), 403, 'FROM_MISMATCH');
      const res = await send(TU_PHAP, buildDocumentPackage(doc(7, { to: [{ organId: NOI_VU }, { organId: '000.00.09.H56' }] })));
      expectRefused(res, 422, 'UNKNOWN_RECIPIENT');
      expect(res.body.error.message).toContain('000.00.09.H56');
    });

    it('refuses a status about a document the agency never received', async () => {
      const sent = await send(TU_PHAP, buildDocumentPackage(doc(8, { to: [{ organId: THANH_PHO }] })));
      const status = buildStatusPackage(sampleStatus({ from: { organId: NOI_VU }, responseFor: { organId: TU_PHAP, documentId: sent.body.documentId }, statusCode: '03' }));
      expectRefused(await send(NOI_VU, status), 403, 'NOT_A_RECIPIENT');
      const unknown = buildStatusPackage(sampleStatus({ from: { organId: NOI_VU }, responseFor: { organId: TU_PHAP, documentId: `${TU_PHAP},2026/01/01,999/STP` } }));
      expectRefused(await send(NOI_VU, unknown), 404, 'UNKNOWN_DOCUMENT');
    });

    it('refuses a bad signature, an untrusted certificate and an expired one; accepts a good one', async () => {
      const signed = signPackage(buildDocumentPackage(doc(9)), tuPhapKey);
      expectRefused(await send(TU_PHAP, signed.replace('V/v rà soát', 'V/v bãi bỏ')), 422, 'SIGNATURE_INVALID');
      expectRefused(await send(TU_PHAP, signPackage(buildDocumentPackage(doc(9)), strangerKey)), 422, 'CERTIFICATE_UNTRUSTED');
      expectRefused(await send(TU_PHAP, signPackage(buildDocumentPackage(doc(9)), expiredKey)), 422, 'CERTIFICATE_EXPIRED');
      const good = await send(TU_PHAP, signed);
      expect(good.status).toBe(201);
      expect(good.body.signature).toMatchObject({ status: 'verified', signer: { subject: expect.stringContaining('CN=Sở Tư pháp') } });
      before += 1;
    });

    it('records each refusal in the gateway message log with its code', async () => {
      const res = await send(TU_PHAP, 'not xml').set('x-lgsp-request-id', 'refused-not-xml');
      expect(res.status).toBe(400);
      const logged = await http.get('/message-log').query({ requestId: 'refused-not-xml' }).set('Authorization', as(TU_PHAP));
      expect(logged.body.items[0]).toMatchObject({ service: 'document-exchange.documents', status: 400, succeeded: false, faultCode: 'EDXML_NOT_XML', faultMessage: expect.stringContaining('not well-formed XML') });
    });
  });

  describe('push: deliveries go to a registered callback, signed, retried, and stay in the inbox until acknowledged', () => {
    interface Pushed {
      headers: IncomingHttpHeaders;
      body: string;
    }
    /** The agency system's callback: records every push and answers with the next planned status (200 when none). */
    let receiver: Server;
    let callbackUrl: string;
    const pushes: Pushed[] = [];
    let plan: (number | 'hang')[] = [];

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (c: string) => (body += c));
        req.on('end', () => {
          pushes.push({ headers: req.headers, body });
          const answer = plan.shift() ?? 200;
          if (answer !== 'hang') res.writeHead(answer).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/lgsp-push`;
    });
    afterAll(async () => {
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
    });
    beforeEach(() => {
      pushes.length = 0;
      plan = [];
    });

    const subscribe = async (member: string) => {
      const res = await http.put(`${SERVICE}/push`).set('Authorization', as(member)).send({ url: callbackUrl });
      expect(res.status).toBe(200);
      return res.body as { url: string; secret: string };
    };
    const pushesOf = (deliveryId: string) => pushes.filter((p) => p.headers['webhook-id'] === deliveryId);
    const eventually = async <T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const pushStatus = async (member: string) => (await http.get(`${SERVICE}/push`).set('Authorization', as(member))).body;

    it('pushes each new delivery, signed per Standard Webhooks, and keeps it in the inbox until acknowledged', async () => {
      const { secret, url } = await subscribe(XAY_DUNG);
      expect(url).toBe(callbackUrl);
      expect(secret).toMatch(/^whsec_/);
      const sent = await send(TU_PHAP, buildDocumentPackage(doc(20, { to: [{ organId: XAY_DUNG }] })));
      const deliveryId = sent.body.deliveries[0].deliveryId as string;

      const push = await eventually(() => pushesOf(deliveryId)[0], 'the push');
      expect(push.headers).toMatchObject({
        'content-type': 'application/xml; charset=utf-8',
        'x-lgsp-delivery-id': deliveryId,
        'x-lgsp-package-id': sent.body.packageId,
        'x-lgsp-package-kind': 'document',
        'x-lgsp-from': TU_PHAP,
      });
      expect(decodeURIComponent(String(push.headers['x-lgsp-document-id']))).toBe(sent.body.documentId);
      // The receiver verifies with any Standard Webhooks library; a forged body fails.
      expect(() => new Webhook(secret).verify(push.body, push.headers as Record<string, string>, { jsonParse: false })).not.toThrow();
      expect(() => new Webhook(secret).verify(push.body.replace('V/v', 'X/x'), push.headers as Record<string, string>, { jsonParse: false })).toThrow();
      expect(parseEdxml(push.body).package).toMatchObject({ documentId: sent.body.documentId, traces: [{ organId: TU_PHAP }, { organId: '000.00.00.H56' }] });

      expect((await inbox(XAY_DUNG)).map((i) => i.deliveryId)).toContain(deliveryId);
      expect((await http.post(`${SERVICE}/inbox/${deliveryId}/ack`).set('Authorization', as(XAY_DUNG)).send({ status: 'done' })).status).toBe(200);
      expect(await pushStatus(XAY_DUNG)).toEqual({ subscription: { url: callbackUrl, subscribedAt: expect.any(String), client: clients[XAY_DUNG] }, retrying: [], failed: [] });
    });

    it('retries with backoff until the callback takes it, under the same webhook-id', async () => {
      plan = [503, 500];
      const sent = await send(TU_PHAP, buildDocumentPackage(doc(21, { to: [{ organId: XAY_DUNG }] })));
      const deliveryId = sent.body.deliveries[0].deliveryId as string;
      await eventually(() => (pushesOf(deliveryId).length === 3 ? true : undefined), 'three attempts');
      await new Promise((r) => setTimeout(r, 300));
      expect(pushesOf(deliveryId)).toHaveLength(3);
      expect((await pushStatus(XAY_DUNG)).failed).toEqual([]);
    });

    it('gives up after the last attempt: the agency and operators see it, it waits in the inbox, and a retry pushes it', async () => {
      plan = [500, 500, 500];
      const sent = await send(TU_PHAP, buildDocumentPackage(doc(22, { to: [{ organId: XAY_DUNG }] })));
      const deliveryId = sent.body.deliveries[0].deliveryId as string;
      const [failed] = await eventually(async () => {
        const status = await pushStatus(XAY_DUNG);
        return status.failed.length > 0 ? status.failed : undefined;
      }, 'the push to be given up');
      expect(failed).toEqual({
        deliveryId,
        recipient: XAY_DUNG,
        packageId: sent.body.packageId,
        documentId: sent.body.documentId,
        kind: 'document',
        url: callbackUrl,
        attempts: 3,
        failedAt: expect.any(String),
        error: 'the callback answered HTTP 500',
      });
      expect((await inbox(XAY_DUNG)).map((i) => i.deliveryId)).toContain(deliveryId);

      const operations = await http.get(`${SERVICE}/operations/push`).set('Authorization', as(OPERATOR));
      expect(operations.status).toBe(200);
      expect(operations.body).toMatchObject({ subscriptions: [{ organId: XAY_DUNG, url: callbackUrl }], failed: [failed], failedTotal: 1 });
      expect(JSON.stringify(operations.body)).not.toContain('whsec_');
      expectRefused(await http.get(`${SERVICE}/operations/push`).set('Authorization', as(XAY_DUNG)), 403, 'OPERATORS_ONLY');
      expectRefused(await http.get(`${SERVICE}/inbox`).set('Authorization', as(OPERATOR)), 403, 'AGENCY_SYSTEMS_ONLY');

      const retry = await http.post(`${SERVICE}/push/retry`).set('Authorization', as(XAY_DUNG));
      expect(retry.status).toBe(202);
      expect(retry.body).toEqual({ organId: XAY_DUNG, retrying: 1 });
      await eventually(() => (pushesOf(deliveryId).length === 4 ? true : undefined), 'the retried push');
      await eventually(async () => ((await pushStatus(XAY_DUNG)).failed.length === 0 ? true : undefined), 'the failure to clear');
    });

    it('pushes after a restart what it had not finished pushing before it (at least once)', async () => {
      plan = ['hang'];
      const sent = await send(TU_PHAP, buildDocumentPackage(doc(23, { to: [{ organId: XAY_DUNG }] })));
      const deliveryId = sent.body.deliveries[0].deliveryId as string;
      await eventually(() => pushesOf(deliveryId)[0], 'the first attempt');
      await exchange.close();
      receiver.closeAllConnections();
      exchange = await startExchange();
      await eventually(() => (pushesOf(deliveryId).length === 2 ? true : undefined), 'the push after the restart');
    });

    it('stops pushing when the agency unsubscribes; the inbox still has everything', async () => {
      expect((await http.delete(`${SERVICE}/push`).set('Authorization', as(XAY_DUNG))).body).toEqual({ organId: XAY_DUNG, unsubscribed: true });
      const sent = await send(TU_PHAP, buildDocumentPackage(doc(24, { to: [{ organId: XAY_DUNG }] })));
      await new Promise((r) => setTimeout(r, 300));
      expect(pushesOf(sent.body.deliveries[0].deliveryId)).toEqual([]);
      expect((await inbox(XAY_DUNG)).map((i) => i.deliveryId)).toContain(sent.body.deliveries[0].deliveryId);
      expectRefused(await http.delete(`${SERVICE}/push`).set('Authorization', as(XAY_DUNG)), 404, 'NO_PUSH_SUBSCRIPTION');
      expectRefused(await http.post(`${SERVICE}/push/retry`).set('Authorization', as(XAY_DUNG)), 409, 'NO_PUSH_SUBSCRIPTION');
    });

    it('refuses a callback that is not an http(s) URL, carries credentials, or is not the documented body', async () => {
      const put = (body: string) => http.put(`${SERVICE}/push`).set('Authorization', as(NOI_VU)).set('content-type', 'application/json').send(body);
      expectRefused(await put('{"url": "ftp://agency.example/in"}'), 400, 'INVALID_CALLBACK');
      expectRefused(await put('{"url": "https://user:pw@agency.example/in"}'), 400, 'INVALID_CALLBACK');
      expectRefused(await put('{"url": "/relative"}'), 400, 'INVALID_CALLBACK');
      expectRefused(await put('{"url": "https://agency.example/in", "events": ["all"]}'), 400, 'INVALID_CALLBACK');
      expectRefused(await put('{url:'), 400, 'INVALID_JSON');
      // Nothing was registered.
      expect((await pushStatus(NOI_VU)).subscription).toBeNull();
    });
  });

  it('loses nothing over a restart: the inbox and the receipts come back from the event topic', async () => {
    const sent = await send(TU_PHAP, buildDocumentPackage(doc(10)));
    const pendingBefore = await inbox(NOI_VU);
    await exchange.close();
    exchange = await startExchange();
    expect(await inbox(NOI_VU)).toEqual(pendingBefore);
    const again = await send(TU_PHAP, buildDocumentPackage(doc(10)));
    expect(again.body).toMatchObject({ packageId: sent.body.packageId, replayed: true });
  });
});
