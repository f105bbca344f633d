import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { platformTopics } from '@lgsp/contracts';
import { MessagingConnection, readTopicToEnd } from '@lgsp/messaging';
import { hashSecret, parsePlatformConfig, PlatformConfig, Registry } from '@lgsp/registry';
import { startTestBroker, TestBroker } from '@lgsp/test-support/test-broker';
import { DeadlineScheduler } from '../../apps/case-tracking/src/alerts/deadline-scheduler';
import { CaseTrackingModule } from '../../apps/case-tracking/src/case-tracking.module';
import { Procedure, ProcedureCatalog } from '../../apps/case-tracking/src/catalog';
import { readCaseTrackingConfig } from '../../apps/case-tracking/src/config/case-tracking-config';
import { startCaseTracking } from '../../apps/case-tracking/src/main';
import { readGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { createGatewayApp } from '../../apps/gateway/src/main';

jest.setTimeout(90_000);

const SERVICE = '/r1/case-tracking.cases';
const PROVINCE = '000.00.00.H56';
const TU_PHAP = '000.00.02.H56';
const HOANG_HOA = '000.00.31.H56';
const HOANG_HOA_COMMUNE = '000.01.31.H56';
const NGA_SON = '000.00.32.H56';
const NGA_SON_COMMUNE = '000.01.32.H56';
const ONE_STOP_HOANG_HOA = 'h56-motcua-hoang-hoa';
const ONE_STOP_PROVINCE = 'h56-motcua-tinh';
const ONE_STOP_NGA_SON = 'h56-motcua-nga-son';
const PORTAL = 'h56-cong-thong-tin';
const OPERATOR = 'h56-operator';
const INSTANCE = 'lgsp-c56';

const field = { code: 'HT', name: 'Hộ tịch' };
const COMMUNE_PROCEDURE = '1.000001.000.00.00.H56';
const DISTRICT_PROCEDURE = '1.000002.000.00.00.H56';
const PROVINCE_PROCEDURE = '1.000003.000.00.00.H56';
const procedures: Procedure[] = [
  {
    code: COMMUNE_PROCEDURE, name: 'Đăng ký khai sinh', field, tier: 'commune', level: 4, onlineMode: 'toan-trinh',
    processingDays: 3, dayKind: 'working', receivers: { scope: 'communes' },
    steps: [{ name: 'Tiếp nhận và giải quyết', handler: 'receiver', days: 3 }],
  },
  {
    code: DISTRICT_PROCEDURE, name: 'Đăng ký khai sinh có yếu tố nước ngoài', field, tier: 'district', level: 3, onlineMode: 'mot-phan',
    processingDays: 7, dayKind: 'working', receivers: { scope: 'districts-and-communes' },
    steps: [
      { name: 'Tiếp nhận, chuyển hồ sơ', handler: 'receiver', days: 1 },
      { name: 'Thẩm định, quyết định', handler: 'district', days: 5 },
      { name: 'Trả kết quả', handler: 'receiver', days: 1 },
    ],
  },
  {
    code: PROVINCE_PROCEDURE, name: 'Cấp phiếu lý lịch tư pháp', field: { code: 'LLTP', name: 'Lý lịch tư pháp' }, tier: 'province', level: 2, onlineMode: 'truc-tiep',
    processingDays: 10, dayKind: 'calendar', receivers: { scope: 'agencies', agencies: [TU_PHAP] },
    steps: [
      { name: 'Tiếp nhận, tra cứu', handler: 'receiver', days: 7 },
      { name: 'Phê duyệt', handler: { agency: PROVINCE }, days: 2 },
      { name: 'Trả kết quả', handler: 'receiver', days: 1 },
    ],
  },
];

/** Monday 7 December 2026, 09:00 in Vietnam: no holiday within three weeks either side. */
const MONDAY = Date.parse('2026-12-07T09:00:00+07:00');
const DAY = 86_400_000;

/**
 * Case tracking as one-stop-shop systems use it, through the real gateway and Kafka: intake with case codes,
 * the national portal's statuses, transfers along form 05, pauses, form 04, deadline alerts once across restarts,
 * statistics, the public lookup, and every refusal the issue lists — each a 4xx with a code that changes nothing.
 */
describe('case tracking through the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-cases-'));
  let tb: TestBroker;
  let gateway: NestExpressApplication;
  let cases: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let config: PlatformConfig;
  let registry: Registry;
  let now = MONDAY;
  const clock = { now: () => now };
  const tokens = new Map<string, string>();
  const SECRET = 'one-stop-shop-secret-0123456789';

  const startCases = (settings: Record<string, string> = {}) =>
    startCaseTracking(
      CaseTrackingModule.forRoot(
        readCaseTrackingConfig({ LGSP_CONFIG: 'unused', KAFKA_BROKERS: tb.bootstrap, LOG_LEVEL: 'silent', CASE_SCHEDULER_INTERVAL_MS: '3600000', CASE_PUBLIC_LOOKUPS_PER_MINUTE: '5', ...settings }),
        { registry, catalog: new ProcedureCatalog(procedures, registry), clock },
      ),
    );

  beforeAll(async () => {
    tb = await startTestBroker();
    const secretHash = await hashSecret(SECRET);
    const client = (id: string, member: string, roles: ('agency-system' | 'operator')[], groups: string[] = []) => ({ id, member, name: id, secretHash, tier: 'silver', roles, groups, enabled: true });
    config = parsePlatformConfig({
      platform: { role: 'lgsp', code: PROVINCE, name: 'Thanh Hóa (test)', instance: INSTANCE },
      tiers: { silver: { requestsPerMinute: 0 } },
      members: [
        { code: PROVINCE, name: 'UBND tỉnh Thanh Hóa', kind: 'province' },
        { code: TU_PHAP, name: 'Sở Tư pháp', kind: 'department', parent: PROVINCE },
        { code: HOANG_HOA, name: 'UBND huyện Hoằng Hóa', kind: 'district', parent: PROVINCE },
        { code: HOANG_HOA_COMMUNE, name: 'UBND xã Hoằng An', kind: 'commune', parent: HOANG_HOA },
        { code: NGA_SON, name: 'UBND huyện Nga Sơn', kind: 'district', parent: PROVINCE },
        { code: NGA_SON_COMMUNE, name: 'UBND xã Nga An', kind: 'commune', parent: NGA_SON },
      ],
      clients: [
        client(ONE_STOP_HOANG_HOA, HOANG_HOA, ['agency-system'], ['one-stop-shops']),
        client(ONE_STOP_PROVINCE, PROVINCE, ['agency-system'], ['one-stop-shops']),
        client(ONE_STOP_NGA_SON, NGA_SON, ['agency-system'], ['one-stop-shops']),
        client(PORTAL, PROVINCE, ['agency-system']),
        client(OPERATOR, PROVINCE, ['operator']),
      ],
      services: [{ code: 'case-tracking.cases', provider: PROVINCE, name: 'Theo dõi hồ sơ một cửa', kind: 'request-reply', bodyLogging: 'metadata', timeoutMs: 10_000 }],
      grants: [
        { service: 'case-tracking.cases', group: 'one-stop-shops' },
        { service: 'case-tracking.cases', client: PORTAL, methods: ['GET'], paths: ['/lookup'] },
        { service: 'case-tracking.cases', client: OPERATOR, methods: ['GET'] },
      ],
    });
    registry = new Registry(config);
    cases = await startCases();
    gateway = await createGatewayApp(
      GatewayModule.forRoot(readGatewayConfig({ LGSP_CONFIG: 'unused', LGSP_DATA_DIR: dir, KAFKA_BROKERS: tb.bootstrap, GATEWAY_PORT: '0', LOG_LEVEL: 'silent' }), new Registry(config)),
    );
    await gateway.init();
    http = request(gateway.getHttpServer());
    for (const id of [ONE_STOP_HOANG_HOA, ONE_STOP_PROVINCE, ONE_STOP_NGA_SON, PORTAL, OPERATOR]) {
      const res = await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: id, client_secret: SECRET });
      tokens.set(id, `Bearer ${res.body.access_token}`);
    }
  });

  afterAll(async () => {
    await gateway?.close();
    await cases?.close();
    await tb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const as = (client: string) => tokens.get(client)!;
  const officer = { name: 'Lê Thị Hoa', title: 'Công chức một cửa' };
  let externalSeq = 0;
  const intakeBody = (overrides: Record<string, unknown> = {}) => ({
    externalId: `MC-${++externalSeq}`,
    procedureCode: DISTRICT_PROCEDURE,
    receivingAgency: HOANG_HOA_COMMUNE,
    channel: 1,
    applicant: { name: 'Nguyễn Văn An', idNumber: '038090001234' },
    summary: 'Đăng ký khai sinh cho con',
    officer,
    ...overrides,
  });
  const intake = (body: object, client = ONE_STOP_HOANG_HOA) => http.post(`${SERVICE}/cases`).set('Authorization', as(client)).send(body);
  const move = (code: string, action: 'status' | 'transfers' | 'apology', body: object, client = ONE_STOP_HOANG_HOA) =>
    http.post(`${SERVICE}/cases/${code}/${action}`).set('Authorization', as(client)).send(body);
  const read = (code: string, client = ONE_STOP_HOANG_HOA) => http.get(`${SERVICE}/cases/${code}`).set('Authorization', as(client));
  const stats = (query: Record<string, string>, client = OPERATOR) => http.get(`${SERVICE}/statistics`).query(query).set('Authorization', as(client));
  const expectRefused = (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(res.headers['x-lgsp-error-code']).toBe(code);
    expect(String(res.body.error.message).length).toBeGreaterThan(15);
  };
  const caseEvents = async () => {
    const connection = new MessagingConnection({ brokers: [tb.bootstrap], clientId: 'case-test-reader' });
    try {
      return (await readTopicToEnd(connection, platformTopics(INSTANCE).caseEvents)).map((r) => JSON.parse(r.value.toString()) as { type: string; code?: string; threshold?: string });
    } finally {
      await connection.close();
    }
  };

  describe('intake (form 01)', () => {
    it('gives the case its code {agency}-{YYMMDD}-{NNNN}, the appointment in working days and the plan of form 05', async () => {
      const res = await intake(intakeBody());
      expect(res.status).toBe(201);
      expect(res.body.replayed).toBe(false);
      expect(res.body.case).toMatchObject({
        code: `${HOANG_HOA_COMMUNE}-261207-0001`,
        status: { code: 2, name: 'Đã tiếp nhận', portal: 'new' },
        receivedAt: '2026-12-07T02:00:00.000Z',
        // 7 working days after Monday 7 December, the receipt day not counted: 8, 9, 10, 11, 14, 15, 16.
        appointment: '2026-12-16',
        currentAgency: { code: HOANG_HOA_COMMUNE },
      });
      expect(res.body.case.processSheet.plan.map((s: { agency: string; days: number }) => [s.agency, s.days])).toEqual([
        [HOANG_HOA_COMMUNE, 1],
        [HOANG_HOA, 5],
        [HOANG_HOA_COMMUNE, 1],
      ]);
      expect(res.body.case.processSheet.rows).toEqual([expect.objectContaining({ agency: HOANG_HOA_COMMUNE, due: '2026-12-08', endedAt: null })]);
    });

    it('answers the same intake id with the same case, and refuses it with different contents (nothing changes)', async () => {
      const body = intakeBody();
      const first = await intake(body);
      const again = await intake(body);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ replayed: true, case: { code: first.body.case.code } });
      const changed = await intake({ ...body, summary: 'Một việc khác' });
      expectRefused(changed, 409, 'DUPLICATE_INTAKE');
      expect(changed.body.error.caseCode).toBe(first.body.case.code);
      expect((await read(first.body.case.code)).body.summary).toBe(body.summary);
      const next = await intake(intakeBody());
      expect(next.body.case.code).toBe(`${HOANG_HOA_COMMUNE}-261207-0003`);
    });

    it('never gives one sequence number twice under concurrent intake', async () => {
      const results = await Promise.all(Array.from({ length: 25 }, () => intake(intakeBody())));
      expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
      const sequences = results.map((r) => Number(String(r.body.case.code).slice(-4))).sort((a, b) => a - b);
      expect(sequences).toEqual(Array.from({ length: 25 }, (_, i) => i + 4));
    });

    it('counts an online submission (status 1) from its acceptance, and calendar days where the procedure says so', async () => {
      const online = await intake(intakeBody({ channel: 2 }));
      expect(online.body.case).toMatchObject({ status: { code: 1 }, appointment: null });
      now = MONDAY + 1 * DAY; // accepted on Tuesday 8 December
      const accepted = await move(online.body.case.code, 'status', { status: 2, officer });
      now = MONDAY;
      // 8 Dec + 7 working days: 9, 10, 11, 14, 15, 16, 17.
      expect(accepted.body).toMatchObject({ status: { code: 2 }, appointment: '2026-12-17' });

      const calendar = await intake({ ...intakeBody({ procedureCode: PROVINCE_PROCEDURE, receivingAgency: TU_PHAP }) }, ONE_STOP_PROVINCE);
      // 10 calendar days after Monday 7 December is Thursday 17 December, a working day.
      expect(calendar.body.case).toMatchObject({ code: `${TU_PHAP}-261207-0001`, appointment: '2026-12-17' });
    });

    it.each([
      ['an unknown procedure', { procedureCode: '1.999999.000.00.00.H56' }, 422, 'UNKNOWN_PROCEDURE'],
      ['a procedure code that is not one', { procedureCode: '' }, 400, 'INVALID_REQUEST'],
      ['a receipt date that does not exist', { receivedAt: '2026-02-30T09:00:00+07:00' }, 400, 'INVALID_REQUEST'],
      ['a receipt time in the future', { receivedAt: '2026-12-09T09:00:00+07:00' }, 422, 'RECEIVED_IN_FUTURE'],
      ['a receipt time years ago', { receivedAt: '2019-12-09T09:00:00+07:00' }, 422, 'RECEIVED_TOO_LONG_AGO'],
      ['an agency the registry does not know', { receivingAgency: '000.09.31.H56' }, 422, 'UNKNOWN_AGENCY'],
      ['an agency of another district', { receivingAgency: NGA_SON_COMMUNE }, 403, 'NOT_YOUR_AGENCY'],
      ['an unknown field', { colour: 'blue' }, 400, 'INVALID_REQUEST'],
      ['a channel that does not exist', { channel: 4 }, 400, 'INVALID_REQUEST'],
      ['an applicant without an identity document number', { applicant: { name: 'Nguyễn Văn An' } }, 400, 'INVALID_REQUEST'],
    ])('refuses %s, and gives out no number', async (_what, overrides, status, code) => {
      const res = await intake(intakeBody(overrides));
      expectRefused(res, status, code);
      const after = await intake(intakeBody());
      expect(after.status).toBe(201);
      // The sequence continues without a gap: the refused intake took none.
      const before = Number(String(after.body.case.code).slice(-4));
      const again = await intake(intakeBody());
      expect(Number(String(again.body.case.code).slice(-4))).toBe(before + 1);
    });

    it('refuses an agency not involved in the procedure', async () => {
      const res = await intake(intakeBody({ procedureCode: COMMUNE_PROCEDURE, receivingAgency: TU_PHAP }), ONE_STOP_PROVINCE);
      expectRefused(res, 422, 'AGENCY_NOT_INVOLVED');
      expect(res.body.error.message).toContain(TU_PHAP);
    });

    it('records each refusal in the gateway message log with its code', async () => {
      const res = await intake(intakeBody({ procedureCode: '1.999999.000.00.00.H56' })).set('x-lgsp-request-id', 'refused-unknown-procedure');
      expect(res.status).toBe(422);
      const logged = await http.get('/message-log').query({ requestId: 'refused-unknown-procedure' }).set('Authorization', as(ONE_STOP_HOANG_HOA));
      expect(logged.body.items[0]).toMatchObject({ service: 'case-tracking.cases', status: 422, succeeded: false, faultCode: 'UNKNOWN_PROCEDURE' });
    });
  });

  describe('the life of a case across agencies', () => {
    let code: string;

    beforeAll(async () => {
      now = MONDAY;
      code = (await intake(intakeBody())).body.case.code;
    });
    afterAll(() => (now = MONDAY));

    it('moves along the sheet: commune → district → commune, each row with its own deadline', async () => {
      now = MONDAY + 2 * 3_600_000;
      const toDistrict = await move(code, 'transfers', { toAgency: HOANG_HOA, officer, note: 'Chuyển phòng Tư pháp huyện' });
      expect(toDistrict.status).toBe(200);
      expect(toDistrict.body.currentAgency.code).toBe(HOANG_HOA);
      const processing = await move(code, 'status', { status: 4, officer: { name: 'Trần Văn Bình' } });
      expect(processing.body).toMatchObject({ status: { code: 4 }, step: { index: 1, due: '2026-12-14' }, version: 3 });
      const rows = (await read(code)).body.processSheet.rows;
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({ agency: HOANG_HOA_COMMUNE, handedTo: HOANG_HOA, late: false });
      // The district's five working days from Monday: 8, 9, 10, 11, 14.
      expect(rows[1]).toMatchObject({ agency: HOANG_HOA, due: '2026-12-14', endedAt: null });
    });

    it('pauses the clock for more papers (5) and moves the appointment by the days the citizen took', async () => {
      now = MONDAY + 2 * DAY; // Wednesday 9: the appointment 16 Dec is 5 working days away (10, 11, 14, 15, 16)
      const paused = await move(code, 'status', { status: 5, officer, note: 'Bổ sung bản sao giấy chứng sinh' });
      expect(paused.body.paused).toEqual({ remainingDays: 5, unit: 'working' });
      now = MONDAY + 7 * DAY; // Monday 14: papers brought
      const resumed = await move(code, 'status', { status: 4, officer });
      // 5 working days after Monday 14: 15, 16, 17, 18, 21.
      expect(resumed.body).toMatchObject({ appointment: '2026-12-21', legalDue: '2026-12-21', paused: null });
      expect((await read(code)).body.supplements).toEqual([expect.objectContaining({ status: 5, previousAppointment: '2026-12-16', appointment: '2026-12-21' })]);
    });

    it('refuses a transfer to an agency the procedure does not involve, and one to where the case already is', async () => {
      expectRefused(await move(code, 'transfers', { toAgency: TU_PHAP, officer }, ONE_STOP_PROVINCE), 422, 'AGENCY_NOT_INVOLVED');
      expectRefused(await move(code, 'transfers', { toAgency: HOANG_HOA, officer }), 409, 'ALREADY_THERE');
      expectRefused(await move(code, 'transfers', { toAgency: '000.77.31.H56', officer }), 422, 'UNKNOWN_AGENCY');
      expect((await read(code)).body.currentAgency.code).toBe(HOANG_HOA);
    });

    it('hands the result back at the commune on time, and then the case is closed to every move', async () => {
      now = MONDAY + 9 * DAY; // Wednesday 16
      await move(code, 'transfers', { toAgency: HOANG_HOA_COMMUNE, officer });
      const done = await move(code, 'status', { status: 9, officer });
      expect(done.body).toMatchObject({ status: { code: 9 }, onTime: true });
      const returned = await move(code, 'status', { status: 10, officer });
      expect(returned.body.status).toEqual({ code: 10, name: 'Đã trả kết quả', portal: 'done' });
      const illegal = await move(code, 'status', { status: 4, officer });
      expectRefused(illegal, 409, 'ILLEGAL_TRANSITION');
      expect(illegal.body.error).toMatchObject({ from: 10, to: 4, allowed: [] });
      // received, transfer, 4, 5, 4, transfer, 9, 10
      expect((await read(code)).body.progress).toHaveLength(8);
    });

    it.each([
      ['a status that does not exist', { status: 11, officer }, 400, 'INVALID_REQUEST'],
      ['no officer', { status: 4 }, 400, 'INVALID_REQUEST'],
    ])('refuses %s', async (_what, body, status, errorCode) => {
      expectRefused(await move(code, 'status', body), status, errorCode);
    });

    it('refuses a malformed case code and an unknown one apart', async () => {
      expectRefused(await read('000.01.31.H56-261307-0001'), 400, 'INVALID_CASE_CODE');
      expectRefused(await read('not-a-code'), 400, 'INVALID_CASE_CODE');
      expectRefused(await read(`${HOANG_HOA_COMMUNE}-261207-9999`), 404, 'CASE_NOT_FOUND');
      expectRefused(await http.get(`${SERVICE}/lookup/0001`).set('Authorization', as(PORTAL)), 400, 'INVALID_CASE_CODE');
    });

      it("lets another district's system neither read nor move the case", async () => {
      expectRefused(await read(code, ONE_STOP_NGA_SON), 403, 'NOT_YOUR_CASE');
      expectRefused(await move(code, 'status', { status: 7, officer }, ONE_STOP_NGA_SON), 403, 'NOT_YOUR_CASE');
    });

    it('lets the portal look cases up but not read them in full (the gateway grants it /lookup only)', async () => {
      expectRefused(await http.get(`${SERVICE}/cases/${code}`).set('Authorization', as(PORTAL)), 403, 'ACCESS_DENIED');
    });
  });

  describe('deadlines, alerts and form 04', () => {
    let late: string;

    it('alerts due soon and overdue once per case, and not again after a restart', async () => {
      now = MONDAY;
      // Received at the desk ten days ago for a 3-working-day procedure: due Thursday 3 December, overdue since Friday.
      const res = await intake(intakeBody({ procedureCode: COMMUNE_PROCEDURE, receivedAt: '2026-11-30T08:00:00+07:00' }));
      late = res.body.case.code;
      expect(res.body.case).toMatchObject({ code: `${HOANG_HOA_COMMUNE}-261130-0001`, appointment: '2026-12-03' });
      await cases.get(DeadlineScheduler).tick();
      await cases.get(DeadlineScheduler).tick();
      const alerts = (await caseEvents()).filter((e) => e.type === 'case.alerted' && e.code === late);
      expect(alerts.map((a) => a.threshold).sort()).toEqual(['due-soon', 'overdue']);
      expect((await read(late)).body.alerts).toEqual({ dueSoon: expect.any(String), overdue: expect.any(String) });
      expect((await stats({ by: 'agency', value: HOANG_HOA_COMMUNE })).body.rows[0].overdueNow).toBe(1);

      await cases.close();
      cases = await startCases();
      await cases.get(DeadlineScheduler).tick();
      expect((await caseEvents()).filter((e) => e.type === 'case.alerted' && e.code === late)).toHaveLength(2);
      expect((await stats({ by: 'agency', value: HOANG_HOA_COMMUNE })).body.rows[0].overdueNow).toBe(1);
    });

    it('continues the daily sequence after a restart', async () => {
      const res = await intake(intakeBody({ procedureCode: COMMUNE_PROCEDURE, receivedAt: '2026-11-30T15:00:00+07:00' }));
      expect(res.body.case.code).toBe(`${HOANG_HOA_COMMUNE}-261130-0002`);
    });

    it('gives a late case its apology and new appointment (form 04), and refuses it for a case that is not late', async () => {
      expectRefused(await move(late, 'apology', { newAppointment: '2026-12-12', reason: 'Chờ xác minh', officer }), 422, 'NOT_A_WORKING_DAY');
      expectRefused(await move(late, 'apology', { newAppointment: '2026-12-02', reason: 'Chờ xác minh', officer }), 422, 'APPOINTMENT_NOT_LATER');
      expectRefused(await move(late, 'apology', { newAppointment: '2026-12-32', reason: 'Chờ xác minh', officer }), 400, 'INVALID_REQUEST');
      const apology = await move(late, 'apology', { newAppointment: '2026-12-11', reason: 'Chờ xác minh nơi cư trú', officer });
      expect(apology.body).toMatchObject({ appointment: '2026-12-11', legalDue: '2026-12-03' });
      expect((await read(late)).body.apologies).toEqual([expect.objectContaining({ previousAppointment: '2026-12-03', appointment: '2026-12-11' })]);

      const fresh = (await intake(intakeBody({ procedureCode: COMMUNE_PROCEDURE }))).body.case.code;
      expectRefused(await move(fresh, 'apology', { newAppointment: '2026-12-21', reason: 'x x x', officer }), 409, 'NOT_LATE');
    });

    it('counts the late case as done late, and keeps on-time rates per agency and period', async () => {
      await move(late, 'status', { status: 9, officer });
      const row = (await stats({ by: 'agency', value: HOANG_HOA_COMMUNE, period: '2026-12' })).body.rows[0];
      expect(row).toMatchObject({ doneLate: 1, doneOnTime: 1, overdueNow: 0, onTimeRate: 0.5 });
      const november = (await stats({ by: 'agency', value: HOANG_HOA_COMMUNE, period: '2026-11' })).body.rows[0];
      expect(november).toMatchObject({ received: 2, doneLate: 0 });
      const units = (await stats({ by: 'unit', period: '2026' })).body.rows.map((r: { key: string }) => r.key);
      expect(units).toEqual(expect.arrayContaining([PROVINCE, HOANG_HOA, HOANG_HOA_COMMUNE, TU_PHAP]));
    });

    it.each([['2026-13'], ['2026-02-30'], ['last year'], ['2026-Q5']])('refuses period=%s', async (period) => {
      expectRefused(await stats({ period }), 400, 'INVALID_PERIOD');
    });

    it("shows an agency system only its own agencies' rows", async () => {
      const res = await stats({ by: 'agency', period: '2026' }, ONE_STOP_HOANG_HOA);
      expect(res.status).toBe(200);
      expect(res.body.rows.map((r: { key: string }) => r.key).sort()).toEqual([HOANG_HOA_COMMUNE]);
      expectRefused(await stats({ by: 'procedure' }, ONE_STOP_HOANG_HOA), 403, 'OPERATORS_ONLY');
    });
  });

  describe('the rest of the refusals', () => {
    let closed: string;
    beforeAll(async () => {
      now = MONDAY;
      closed = (await intake(intakeBody({ procedureCode: COMMUNE_PROCEDURE }))).body.case.code;
      await move(closed, 'status', { status: 9, officer });
    });

    it('refuses an intake with no body', async () => {
      expectRefused(await http.post(`${SERVICE}/cases`).set('Authorization', as(ONE_STOP_HOANG_HOA)), 400, 'EMPTY_BODY');
    });

    it('refuses to transfer or apologise for a finished case, and leaves it as it was', async () => {
      expectRefused(await move(closed, 'transfers', { toAgency: HOANG_HOA, officer }), 409, 'NOT_TRANSFERABLE');
      expectRefused(await move(closed, 'apology', { newAppointment: '2026-12-21', reason: 'Chờ xác minh', officer }), 409, 'NOT_OPEN');
      expect((await read(closed)).body).toMatchObject({ status: { code: 9 }, currentAgency: { code: HOANG_HOA_COMMUNE }, apologies: [] });
    });

    it.each([
      ['GET', '/cases', 405, 'METHOD_NOT_ALLOWED'],
      ['GET', '/archive', 404, 'NOT_FOUND'],
      ['GET', '/statistics?by=colour', 400, 'INVALID_DIMENSION'],
      ['GET', '/statistics?limit=0', 400, 'INVALID_LIMIT'],
      ['GET', '/procedures?level=7', 400, 'INVALID_QUERY'],
      ['GET', '/procedures/1.999999.000.00.00.H56', 404, 'UNKNOWN_PROCEDURE'],
    ])('answers %s %s with %i %s', async (_method, path, status, code) => {
      expectRefused(await http.get(`${SERVICE}${path}`).set('Authorization', as(ONE_STOP_PROVINCE)), status, code);
    });

    it('keeps the sync status for operators', async () => {
      expectRefused(await http.get(`${SERVICE}/operations/sync`).set('Authorization', as(ONE_STOP_HOANG_HOA)), 403, 'OPERATORS_ONLY');
      const sync = await http.get(`${SERVICE}/operations/sync`).set('Authorization', as(OPERATOR));
      expect(sync.status).toBe(200);
      expect(sync.body).toMatchObject({ enabled: false, portal: null });
    });
  });

  describe('public lookup', () => {
    it('shows progress without personal data, and limits how often one system looks', async () => {
      const code = (await intake(intakeBody())).body.case.code;
      const res = await http.get(`${SERVICE}/lookup/${code}`).set('Authorization', as(PORTAL));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ code, status: { code: 2 }, receivingAgency: 'UBND xã Hoằng An' });
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('Nguyễn Văn An');
      expect(text).not.toContain('038090001234');
      expect(text).not.toContain(officer.name);
      const more = [];
      for (let i = 0; i < 5; i++) more.push(await http.get(`${SERVICE}/lookup/${code}`).set('Authorization', as(PORTAL)));
      // Five a minute per system (this process started afresh in the restart test above, with a fresh allowance).
      expect(more.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
      expectRefused(more[4]!, 429, 'LOOKUP_RATE_LIMITED');
    });
  });
});
