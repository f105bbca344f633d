import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { KafkaHeader, type PortalSimulationStats } from '@lgsp/contracts';
import { IncomingMessage } from '@lgsp/messaging';
import { parsePlatformConfig, Registry } from '@lgsp/registry';
import { freePorts } from '@lgsp/test-support/spawned';
import { startTestBroker, TestBroker, waitFor } from '@lgsp/test-support/test-broker';
import { CaseTrackingModule } from '../../apps/case-tracking/src/case-tracking.module';
import { Procedure, ProcedureCatalog } from '../../apps/case-tracking/src/catalog';
import { readCaseTrackingConfig } from '../../apps/case-tracking/src/config/case-tracking-config';
import { startCaseTracking } from '../../apps/case-tracking/src/main';
import { CaseServiceResponder } from '../../apps/case-tracking/src/transport/case-service.responder';
import { readNationalPortalConfig } from '../../apps/national-portal/src/config/national-portal-config';
import { createNationalPortalApp, listenNationalPortal } from '../../apps/national-portal/src/main';

jest.setTimeout(90_000);

const PROVINCE = '000.00.00.H56';
const DISTRICT = '000.00.31.H56';
const COMMUNE = '000.01.31.H56';
const PROCEDURE = '1.000001.000.00.00.H56';
const USERNAME = 'h56-sync';
const PASSWORD = 'h56-sync-password';

const procedures: Procedure[] = [
  {
    code: PROCEDURE, name: 'Đăng ký khai sinh', field: { code: 'HT', name: 'Hộ tịch' }, tier: 'commune', level: 4, onlineMode: 'toan-trinh',
    processingDays: 3, dayKind: 'working', receivers: { scope: 'communes' },
    steps: [{ name: 'Tiếp nhận và giải quyết', handler: 'receiver', days: 3 }],
  },
];

/**
 * The sync to the national public-service portal, against the simulated portal over real HTTP: every change pushed
 * once, the waiting list while the portal is down, recovery by itself, and no second push after a restart. (The
 * service is called through its Kafka-facing handler; the gateway in front of it is covered elsewhere.)
 */
describe('case tracking → national portal sync', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-sync-'));
  let tb: TestBroker;
  let portal: NestExpressApplication;
  let portalUrl: string;
  let cases: INestApplicationContext;
  let registry: Registry;

  const startCases = () =>
    startCaseTracking(
      CaseTrackingModule.forRoot(
        readCaseTrackingConfig({
          LGSP_CONFIG: 'unused',
          KAFKA_BROKERS: tb.bootstrap,
          LOG_LEVEL: 'silent',
          NATIONAL_PORTAL_URL: portalUrl,
          NATIONAL_PORTAL_USERNAME: USERNAME,
          NATIONAL_PORTAL_PASSWORD: PASSWORD,
          NATIONAL_PORTAL_BATCH: '4',
          NATIONAL_PORTAL_FIRST_DELAY_MS: '50',
          NATIONAL_PORTAL_MAX_DELAY_MS: '200',
          NATIONAL_PORTAL_TIMEOUT_MS: '2000',
        }),
        { registry, catalog: new ProcedureCatalog(procedures, registry) },
      ),
    );

  beforeAll(async () => {
    tb = await startTestBroker();
    const [port] = await freePorts(1);
    const portalConfig = readNationalPortalConfig({ NATIONAL_PORTAL_PORT: String(port), NATIONAL_PORTAL_USERNAME: USERNAME, NATIONAL_PORTAL_PASSWORD: PASSWORD, LOG_LEVEL: 'silent' });
    portal = await createNationalPortalApp(portalConfig);
    portalUrl = await listenNationalPortal(portal, portalConfig);
    registry = new Registry(
      parsePlatformConfig({
        platform: { role: 'lgsp', code: PROVINCE, name: 'Thanh Hóa (test)', instance: 'lgsp-s56' },
        members: [
          { code: PROVINCE, name: 'UBND tỉnh Thanh Hóa', kind: 'province' },
          { code: DISTRICT, name: 'UBND huyện Hoằng Hóa', kind: 'district', parent: PROVINCE },
          { code: COMMUNE, name: 'UBND xã Hoằng An', kind: 'commune', parent: DISTRICT },
        ],
        clients: [],
        services: [],
        grants: [],
      }),
    );
    cases = await startCases();
  });

  afterAll(async () => {
    await cases?.close();
    await portal?.close();
    await tb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A request as the gateway forwards it, from the district's one-stop system or the operator. */
  const call = async (method: string, path: string, body?: object, roles = 'agency-system') => {
    const request: IncomingMessage = {
      topic: 't', partition: 0, offset: '0', key: null, timestamp: Date.now(),
      value: Buffer.from(body ? JSON.stringify(body) : ''),
      headers: { [KafkaHeader.Client]: 'h56-motcua-hoang-hoa', [KafkaHeader.ClientMember]: DISTRICT, [KafkaHeader.ClientRoles]: roles, [KafkaHeader.Method]: method, [KafkaHeader.Path]: path },
    };
    const reply = await cases.get(CaseServiceResponder).handle(request);
    return { status: Number(reply.headers![KafkaHeader.Status]), body: JSON.parse(String(reply.value)) };
  };
  const officer = { name: 'Lê Thị Hoa' };
  let n = 0;
  const intake = async () =>
    (await call('POST', '/cases', { externalId: `S-${++n}`, procedureCode: PROCEDURE, receivingAgency: COMMUNE, channel: 1, applicant: { name: 'Nguyễn Văn An', idNumber: '038090001234' }, summary: 'Khai sinh', officer })).body.case.code as string;
  const stats = async () => (await (await fetch(`${portalUrl}/sim/stats`)).json()) as PortalSimulationStats;
  const sync = async () => (await call('GET', '/operations/sync', undefined, 'operator')).body;
  const progressTotal = async (codes: string[]) => {
    let total = 0;
    for (const code of codes) total += (await call('GET', `/cases/${code}`)).body.progress.length;
    return total;
  };

  const codes: string[] = [];

  it('pushes each new case and each progress entry to the portal once', async () => {
    for (let i = 0; i < 6; i++) codes.push(await intake());
    for (const code of codes.slice(0, 3)) await call('POST', `/cases/${code}/status`, { status: 4, officer });
    // In progress, paused for papers and in progress again within a second: three entries the portal must keep apart.
    await call('POST', `/cases/${codes[0]}/status`, { status: 5, officer });
    await call('POST', `/cases/${codes[0]}/status`, { status: 4, officer });
    await waitFor(async () => (await sync()).waiting === 0 && (await stats()).cases === 6, 20_000, 'the portal to hold the six cases');
    const s = await stats();
    expect(s.progressEntries).toBe(await progressTotal(codes));
    expect(s.duplicatesReceived).toBe(0);
    const answer = await fetch(`${portalUrl}/sim/stats`);
    expect(answer.status).toBe(200);
  });

  it('keeps what changes while the portal is down waiting, shows it, and catches up by itself', async () => {
    await fetch(`${portalUrl}/sim/down`, { method: 'POST' });
    for (const code of codes) await call('POST', `/cases/${code}/status`, { status: 9, officer });
    codes.push(await intake());
    await waitFor(async () => (await sync()).consecutiveFailures >= 2, 20_000, 'the sync to fail against the down portal');
    const waiting = await sync();
    expect(waiting).toMatchObject({ enabled: true, waiting: 7, lastError: { status: 503 } });
    expect(waiting.oldestWaiting).toEqual(expect.arrayContaining(codes));

    await fetch(`${portalUrl}/sim/up`, { method: 'POST' });
    await waitFor(async () => (await sync()).waiting === 0, 20_000, 'the sync to catch up');
    const s = await stats();
    expect(s.cases).toBe(7);
    expect(s.progressEntries).toBe(await progressTotal(codes));
    expect(s.refusedWhileDown).toBeGreaterThan(0);
  });

  it('pushes nothing again after a restart', async () => {
    const before = await stats();
    await cases.close();
    cases = await startCases();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await sync()).waiting).toBe(0);
    expect((await stats()).batchesReceived).toBe(before.batchesReceived);
    // A change after the restart goes out as usual.
    await call('POST', `/cases/${codes[0]}/status`, { status: 10, officer });
    await waitFor(async () => (await stats()).progressEntries === before.progressEntries + 1, 20_000, 'the new progress entry');
  });
});
