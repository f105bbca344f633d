import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { completeEnterpriseCode, formatPersonalId } from '@lgsp/identifiers';
import { hashSecret, parsePlatformConfig, Registry } from '@lgsp/registry';
import { freePorts } from '@lgsp/test-support/spawned';
import { startTestBroker, TestBroker } from '@lgsp/test-support/test-broker';
import { readGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { createGatewayApp } from '../../apps/gateway/src/main';
import { readNationalConnectorsConfig } from '../../apps/national-connectors/src/config/national-connectors-config';
import { startNationalConnectors } from '../../apps/national-connectors/src/main';
import { NationalConnectorsModule } from '../../apps/national-connectors/src/national-connectors.module';
import { NATIONAL_CONNECTORS } from '../../apps/national-connectors/src/connectors';
import { readNationalDatabasesConfig, type NationalSystem } from '../../apps/national-databases/src/config/national-databases-config';
import { createNationalDatabasesApp, listenNationalDatabases } from '../../apps/national-databases/src/main';
import { NationalRecordsService } from '../../apps/national-databases/src/systems/national-records.service';

jest.setTimeout(90_000);

const PROVINCE = '000.00.00.H56';
const ONE_STOP = 'h56-motcua-tinh';
const OUTSIDER = 'h56-other-system';
const INSTANCE = 'lgsp-n56';
const POPULATION = '/r1/national.population';
const BUSINESS = '/r1/national.business-registry';
const INSURANCE = '/r1/national.social-insurance';
const LAND = '/r1/national.land';
const BUDGET_UNITS = '/r1/national.budget-units';
const ISSUE = '000.00.31.H56-261207-0001';
const SECRET = 'one-stop-shop-secret-0123456789';
/** Per exchange with a national system; the simulator's latency is set well above it. */
const REMOTE_TIMEOUT_MS = 400;
const BREAKER_RESET_MS = 500;

/**
 * The national connectors as a one-stop-shop system uses them: through the real gateway and Kafka, to the five
 * simulated national databases over HTTP. Look-ups, the cache, identifier and issue refusals, and every way the
 * remote system can fail — each mapped to the platform's code, none of them cached, and a circuit that opens on an
 * outage and closes by itself when the system is back.
 */
describe('national connectors through the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-connectors-'));
  let tb: TestBroker;
  let databases: NestExpressApplication;
  let databasesUrl: string;
  let records: NationalRecordsService;
  let connectors: INestApplicationContext;
  let gateway: NestExpressApplication;
  let http: ReturnType<typeof request>;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    tb = await startTestBroker();
    const [port] = await freePorts(1);
    const databasesConfig = readNationalDatabasesConfig({ NATIONAL_DATABASES_PORT: String(port), LOG_LEVEL: 'silent' });
    databases = await createNationalDatabasesApp(databasesConfig);
    databasesUrl = await listenNationalDatabases(databases, databasesConfig);
    records = databases.get(NationalRecordsService);

    const secretHash = await hashSecret(SECRET);
    const client = (id: string, groups: string[]) => ({ id, member: PROVINCE, name: id, secretHash, tier: 'silver', roles: ['agency-system' as const], groups, enabled: true });
    const national = (code: string) => ({ code, provider: PROVINCE, name: code, kind: 'request-reply' as const, bodyLogging: 'none' as const, timeoutMs: 10_000 });
    const config = parsePlatformConfig({
      platform: { role: 'lgsp', code: PROVINCE, name: 'Thanh Hóa (test)', instance: INSTANCE },
      tiers: { silver: { requestsPerMinute: 0 } },
      members: [{ code: PROVINCE, name: 'UBND tỉnh Thanh Hóa', kind: 'province' }],
      clients: [client(ONE_STOP, ['one-stop-shops']), client(OUTSIDER, [])],
      services: [
        national('national.population'),
        national('national.business-registry'),
        national('national.social-insurance'),
        national('national.land'),
        national('national.budget-units'),
      ],
      grants: [
        { service: 'national.population', group: 'one-stop-shops', methods: ['GET'] },
        { service: 'national.business-registry', group: 'one-stop-shops', methods: ['GET'] },
        { service: 'national.social-insurance', group: 'one-stop-shops', methods: ['GET'] },
        { service: 'national.land', group: 'one-stop-shops', methods: ['GET'] },
        { service: 'national.budget-units', group: 'one-stop-shops', methods: ['GET'] },
      ],
    });

    connectors = await startNationalConnectors(
      NationalConnectorsModule.forRoot(
        readNationalConnectorsConfig({
          LGSP_CONFIG: 'unused',
          KAFKA_BROKERS: tb.bootstrap,
          NATIONAL_DATABASES_URL: databasesUrl,
          NATIONAL_TIMEOUT_MS: String(REMOTE_TIMEOUT_MS),
          NATIONAL_RETRY_ATTEMPTS: '2',
          NATIONAL_RETRY_FIRST_DELAY_MS: '20',
          NATIONAL_RETRY_MAX_DELAY_MS: '50',
          NATIONAL_BREAKER_VOLUME: '8',
          NATIONAL_BREAKER_WINDOW_MS: '60000',
          NATIONAL_BREAKER_RESET_MS: String(BREAKER_RESET_MS),
          LOG_LEVEL: 'silent',
        }),
        { registry: new Registry(config) },
      ),
    );
    gateway = await createGatewayApp(
      GatewayModule.forRoot(readGatewayConfig({ LGSP_CONFIG: 'unused', LGSP_DATA_DIR: dir, KAFKA_BROKERS: tb.bootstrap, GATEWAY_PORT: '0', LOG_LEVEL: 'silent' }), new Registry(config)),
    );
    await gateway.init();
    http = request(gateway.getHttpServer());
    for (const id of [ONE_STOP, OUTSIDER]) {
      const res = await http.post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: id, client_secret: SECRET });
      tokens.set(id, `Bearer ${res.body.access_token}`);
    }
  });

  afterEach(async () => {
    // A test that changed the simulator's conditions must not leave them to the next one.
    await fetch(`${databasesUrl}/sim/reset`, { method: 'POST' });
  });

  afterAll(async () => {
    await gateway?.close();
    await connectors?.close();
    await databases?.close();
    await tb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Fresh identifiers for each test, so that no test is answered from another's cache entry.
  let serial = 100;
  const present = (system: NationalSystem, make: () => string) => {
    let id = make();
    while (records.isAbsent(system, id)) id = make();
    return id;
  };
  const absent = (system: NationalSystem, make: () => string) => {
    let id = make();
    while (!records.isAbsent(system, id)) id = make();
    return id;
  };
  const nextPersonalId = () => formatPersonalId({ provinceGso: '38', birthYear: 1985, sex: 'female', serial: String(++serial).padStart(6, '0') });
  const nextEnterpriseCode = () => completeEnterpriseCode(`3800${String(++serial).padStart(5, '0')}`);
  const citizen = () => present('population', nextPersonalId);
  const enterprise = () => present('business', nextEnterpriseCode);

  const lookUpCitizen = (id: string, options: { issue?: string | null; client?: string } = {}) => {
    const req = http.get(`${POPULATION}/citizens/${id}`).set('Authorization', tokens.get(options.client ?? ONE_STOP)!);
    const issue = options.issue === undefined ? ISSUE : options.issue;
    return issue === null ? req : req.set('x-lgsp-issue', issue);
  };
  const lookUpEnterprise = (code: string) => http.get(`${BUSINESS}/enterprises/${code}`).set('Authorization', tokens.get(ONE_STOP)!);
  const nextInsuranceCode = () => `38${String(++serial).padStart(8, '0')}`;
  const nextParcelRef = () => `14755/12/${++serial}`;
  const nextBudgetUnitCode = () => `10${String(++serial).padStart(5, '0')}`;
  /** A look-up on one of the other national services, with the case stated unless `issue` is null. */
  const lookUp = (base: string, path: string, issue: string | null = ISSUE) => {
    const req = http.get(`${base}${path}`).set('Authorization', tokens.get(ONE_STOP)!);
    return issue === null ? req : req.set('x-lgsp-issue', issue);
  };
  const calls = async (system: NationalSystem): Promise<Record<string, number>> => {
    const res = await fetch(`${databasesUrl}/sim/stats`);
    return ((await res.json()) as Record<string, Record<string, number>>)[system]!;
  };
  const simulate = async (system: NationalSystem, conditions: Record<string, unknown>) => {
    const res = await fetch(`${databasesUrl}/sim/${system}/conditions`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(conditions) });
    expect(res.status).toBe(200);
  };
  const expectRefused = (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(res.headers['x-lgsp-error-code']).toBe(code);
    expect(String(res.body.error.message).length).toBeGreaterThan(15);
  };
  /** After a failure: the same look-up, once the system is well, goes to the system again and succeeds. */
  const expectNotCached = async (system: NationalSystem, lookUp: () => Promise<request.Response>) => {
    const before = await calls(system);
    const res = await lookUp();
    expect(res.status).toBe(200);
    expect(res.body.cached).toBe(false);
    expect((await calls(system)).found).toBe(before.found! + 1);
  };

  describe('look-ups', () => {
    it('answers a citizen record from the population database through the gateway', async () => {
      const id = citizen();
      const res = await lookUpCitizen(id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ service: 'national.population', cached: false, data: { personalId: id, birthDate: expect.stringMatching(/^1985-/), sex: 'female' } });
      expect(res.body.data.birthRegistration).toMatchObject({ provinceCode: '038' });
    });

    it('answers an enterprise and a branch from the business registry without an issue (not personal data)', async () => {
      const code = enterprise();
      const res = await lookUpEnterprise(code);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ service: 'national.business-registry', cached: false, data: { enterpriseCode: code } });
      let suffix = 1;
      while (records.isAbsent('business', `${code}-${String(suffix).padStart(3, '0')}`)) suffix++;
      const branch = await lookUpEnterprise(`${code}-${String(suffix).padStart(3, '0')}`);
      expect(branch.status).toBe(200);
      expect(branch.body.data).toMatchObject({ parentEnterpriseCode: code });
    });

    it('serves the same look-up again from the cache, without calling the national system', async () => {
      const id = citizen();
      const first = await lookUpCitizen(id);
      expect(first.status).toBe(200);
      const before = await calls('population');
      const again = await lookUpCitizen(id, { issue: '000.00.31.H56-261207-0002' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ cached: true, retrievedAt: first.body.retrievedAt });
      expect(again.body.data).toEqual(first.body.data);
      expect(await calls('population')).toEqual(before);
    });

    it('takes a new token when the system has ended the old one', async () => {
      expect((await lookUpCitizen(citizen())).status).toBe(200);
      const before = await calls('population');
      await fetch(`${databasesUrl}/sim/tokens/expire`, { method: 'POST' });
      const res = await lookUpCitizen(citizen());
      expect(res.status).toBe(200);
      const after = await calls('population');
      expect(after.authRefused).toBe(before.authRefused! + 1);
      expect(after.tokensIssued).toBe(before.tokensIssued! + 1);
    });

    it('answers 404 RECORD_NOT_FOUND for a valid identifier the database does not hold, and does not cache it', async () => {
      const id = absent('population', nextPersonalId);
      expectRefused(await lookUpCitizen(id), 404, 'RECORD_NOT_FOUND');
      const before = await calls('population');
      expectRefused(await lookUpCitizen(id), 404, 'RECORD_NOT_FOUND');
      expect((await calls('population')).notFound).toBe(before.notFound! + 1);
    });
  });

  describe('refusals before the national system is called', () => {
    it.each([
      ['too short', '03818500010', 'IDENTIFIER_LENGTH'],
      ['with a letter', '03818500010A', 'IDENTIFIER_NOT_DIGITS'],
      ['with an unknown province', '999185000101', 'IDENTIFIER_UNKNOWN_PROVINCE'],
    ])('refuses a personal identification number %s with the library code', async (_what, id, code) => {
      const before = await calls('population');
      const res = await lookUpCitizen(id);
      expectRefused(res, 400, code);
      expect(res.body.error.message).toContain('is not a valid personal identification number');
      expect(await calls('population')).toEqual(before);
    });

    it('refuses an enterprise code with a wrong check digit', async () => {
      const good = nextEnterpriseCode();
      const wrong = `${good.slice(0, 9)}${(Number(good[9]) + 1) % 10}`;
      const before = await calls('business');
      const res = await lookUpEnterprise(wrong);
      expectRefused(res, 400, 'IDENTIFIER_CHECK_DIGIT');
      expect(res.body.error.message).toContain('check digit');
      expect(await calls('business')).toEqual(before);
    });

    it('refuses a personal-data look-up without x-lgsp-issue with 400 ISSUE_REQUIRED', async () => {
      const before = await calls('population');
      expectRefused(await lookUpCitizen(citizen(), { issue: null }), 400, 'ISSUE_REQUIRED');
      expect(await calls('population')).toEqual(before);
    });

    it('answers 404 for a path the connector does not offer, and the gateway refuses a caller without a grant', async () => {
      const res = await http.get(`${POPULATION}/households/038185000101`).set('Authorization', tokens.get(ONE_STOP)!).set('x-lgsp-issue', ISSUE);
      expectRefused(res, 404, 'NOT_FOUND');
      expect(res.body.error.message).toContain('GET /citizens/{personalId}');
      const outsider = await lookUpCitizen(citizen(), { client: OUTSIDER });
      expect(outsider.status).toBe(403);
    });
  });

  describe('social insurance, land and budget units', () => {
    it('answers a social insurance participant, and the legacy card of the same person', async () => {
      const code = present('insurance', nextInsuranceCode);
      const res = await lookUp(INSURANCE, `/participants/${code}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ service: 'national.social-insurance', cached: false, data: { socialInsuranceCode: code } });
      expect(['day', 'month', 'year']).toContain(res.body.data.birthDatePrecision);
      const card = await lookUp(INSURANCE, `/cards/HC438${code}`);
      expect(card.status).toBe(200);
      expect(card.body).toMatchObject({ cached: false, data: { socialInsuranceCode: code, fullName: res.body.data.fullName, card: { cardNumber: `HC438${code}`, group: 'HC', benefitLevel: 4 } } });
    });

    it('answers a land parcel with its holders', async () => {
      const ref = present('land', nextParcelRef);
      const res = await lookUp(LAND, `/parcels/${ref}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ service: 'national.land', cached: false, data: { parcelRef: ref, communeCode: '14755', mapSheet: 12 } });
      expect(res.body.data.holders[0]).toMatchObject({ personalId: expect.stringMatching(/^\d{12}$/) });
    });

    it('answers a budget-relation unit without an issue (not personal data)', async () => {
      const code = present('budget-units', nextBudgetUnitCode);
      const res = await lookUp(BUDGET_UNITS, `/units/${code}`, null);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ service: 'national.budget-units', cached: false, data: { unitCode: code } });
    });

    it('answers 404 RECORD_NOT_FOUND for a social insurance code the database does not hold', async () => {
      const code = absent('insurance', nextInsuranceCode);
      expectRefused(await lookUp(INSURANCE, `/participants/${code}`), 404, 'RECORD_NOT_FOUND');
    });

    it.each([
      ['a social insurance code of nine digits', 'insurance' as const, INSURANCE, '/participants/380000001', 'IDENTIFIER_LENGTH', 'is not a valid social insurance code'],
      ['a card with benefit level 6', 'insurance' as const, INSURANCE, '/cards/HC6380000000001', 'IDENTIFIER_OUT_OF_RANGE', 'is not a valid health insurance card number'],
      ['a parcel with a leading zero in its map sheet', 'land' as const, LAND, '/parcels/14755/012/345', 'IDENTIFIER_FORMAT', 'is not a valid land parcel reference'],
      ['a budget unit code of six digits', 'budget-units' as const, BUDGET_UNITS, '/units/101234', 'IDENTIFIER_LENGTH', 'is not a valid budget-relation unit code'],
    ])('refuses %s with the library code, without calling the system', async (_what, system, base, path, code, sentence) => {
      const before = await calls(system);
      const res = await lookUp(base, path);
      expectRefused(res, 400, code);
      expect(res.body.error.message).toContain(sentence);
      expect(await calls(system)).toEqual(before);
    });

    it.each([
      ['a social insurance participant', 'insurance' as const, INSURANCE, () => `/participants/${present('insurance', nextInsuranceCode)}`],
      ['a legacy card', 'insurance' as const, INSURANCE, () => `/cards/HC438${present('insurance', nextInsuranceCode)}`],
      ['a land parcel', 'land' as const, LAND, () => `/parcels/${present('land', nextParcelRef)}`],
    ])('refuses a look-up of %s without x-lgsp-issue with 400 ISSUE_REQUIRED', async (_what, system, base, path) => {
      const before = await calls(system);
      expectRefused(await lookUp(base, path(), null), 400, 'ISSUE_REQUIRED');
      expect(await calls(system)).toEqual(before);
    });
  });

  describe('when the national system misbehaves', () => {
    it('answers 502 REMOTE_BAD_ANSWER for a maintenance page instead of JSON, and caches nothing', async () => {
      const code = enterprise();
      await simulate('business', { garbage: true });
      expectRefused(await lookUpEnterprise(code), 502, 'REMOTE_BAD_ANSWER');
      await simulate('business', { garbage: false });
      await expectNotCached('business', () => lookUpEnterprise(code));
    });

    it('answers 502 REMOTE_ERROR for a 500, after retrying it, and caches nothing', async () => {
      const code = enterprise();
      await simulate('business', { errorRate: 1 });
      const before = await calls('business');
      expectRefused(await lookUpEnterprise(code), 502, 'REMOTE_ERROR');
      // Two attempts (NATIONAL_RETRY_ATTEMPTS): a 5xx on a read is worth one more try.
      expect((await calls('business')).injectedFailures).toBe(before.injectedFailures! + 2);
      await simulate('business', { errorRate: 0 });
      await expectNotCached('business', () => lookUpEnterprise(code));
    });

    it('answers 504 REMOTE_TIMEOUT when the system is slower than the time-out, and caches nothing', async () => {
      const id = citizen();
      await simulate('population', { latencyMs: REMOTE_TIMEOUT_MS * 10 });
      expectRefused(await lookUpCitizen(id), 504, 'REMOTE_TIMEOUT');
      await simulate('population', { latencyMs: 0 });
      await expectNotCached('population', () => lookUpCitizen(id));
    });

    it('opens the circuit while the system is down (503 REMOTE_UNAVAILABLE, no calls), and closes it by itself once it is back', async () => {
      const id = citizen();
      await fetch(`${databasesUrl}/sim/population/down`, { method: 'POST' });
      const seen: string[] = [];
      for (let i = 0; i < 15 && seen[seen.length - 1] !== 'REMOTE_UNAVAILABLE'; i++) {
        const res = await lookUpCitizen(id);
        seen.push(res.body.error.code);
        expect([502, 503]).toContain(res.status);
      }
      // The outage is first reported as it is, then the circuit opens.
      expect(seen[0]).toBe('REMOTE_ERROR');
      expect(seen[seen.length - 1]).toBe('REMOTE_UNAVAILABLE');

      const whileOpen = await calls('population');
      const refused = await lookUpCitizen(id);
      expectRefused(refused, 503, 'REMOTE_UNAVAILABLE');
      expect(await calls('population')).toEqual(whileOpen);

      await fetch(`${databasesUrl}/sim/population/up`, { method: 'POST' });
      let res = await lookUpCitizen(id);
      for (let i = 0; i < 50 && res.status === 503; i++) {
        await new Promise((resolve) => setTimeout(resolve, BREAKER_RESET_MS / 5));
        res = await lookUpCitizen(id);
      }
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ cached: false, data: { personalId: id } });
      // Closed again: a look-up of someone else reaches the system at once.
      await expectNotCached('population', () => lookUpCitizen(citizen()));
    });
  });

  describe('when the national system refuses the platform', () => {
    // Both refusals count as failures of the system: each test stays well inside the circuit's volume and share.
    const resetSimulator = () => fetch(`${databasesUrl}/sim/reset`, { method: 'POST' });

    it('answers 502 REMOTE_ACCESS_DENIED when the system does not accept the platform’s agency code, without retrying or caching', async () => {
      // An answered look-up first, so that the business circuit, which earlier tests have seen fail, stays closed.
      expect((await lookUpEnterprise(enterprise())).status).toBe(200);
      const code = enterprise();
      await simulate('business', { agencyIds: ['000.00.00.H99'] });
      const before = await calls('business');
      const res = await lookUpEnterprise(code);
      expectRefused(res, 502, 'REMOTE_ACCESS_DENIED');
      expect(res.body.error.message).toContain('AGENCY_ID_INCORRECT');
      // Asked once: asking again does not register the platform's agency.
      expect((await calls('business')).agencyRefused).toBe(before.agencyRefused! + 1);
      await resetSimulator();
      await expectNotCached('business', () => lookUpEnterprise(code));
    });

    it('answers 502 REMOTE_ACCESS_DENIED when the system does not accept the platform’s address, without retrying or caching', async () => {
      const code = present('budget-units', nextBudgetUnitCode);
      await simulate('budget-units', { allowedIps: ['10.9.9.9'] });
      const before = await calls('budget-units');
      const res = await lookUp(BUDGET_UNITS, `/units/${code}`, null);
      expectRefused(res, 502, 'REMOTE_ACCESS_DENIED');
      expect(res.body.error.message).toContain('IP_DISALLOWED');
      expect((await calls('budget-units')).ipRefused).toBe(before.ipRefused! + 1);
      await resetSimulator();
      await expectNotCached('budget-units', () => lookUp(BUDGET_UNITS, `/units/${code}`, null));
    });
  });
});

describe('national connectors without their services', () => {
  it('refuse to start, naming the service, the configuration file and what to add', () => {
    // Every connector's service but land's: a connector nobody could reach must not start silently.
    const services = NATIONAL_CONNECTORS.filter((c) => c.service !== 'national.land').map((c) => ({
      code: c.service,
      provider: PROVINCE,
      name: c.systemName,
      kind: 'request-reply' as const,
    }));
    const registry = new Registry(
      parsePlatformConfig({
        platform: { role: 'lgsp', code: PROVINCE, name: 'Thanh Hóa (test)', instance: INSTANCE },
        members: [{ code: PROVINCE, name: 'UBND tỉnh Thanh Hóa', kind: 'province' }],
        services,
      }),
    );
    const config = readNationalConnectorsConfig({ LGSP_CONFIG: '/etc/lgsp/platform.yaml', LOG_LEVEL: 'silent' });
    expect(() => NationalConnectorsModule.forRoot(config, { registry })).toThrow(
      'the platform configuration (/etc/lgsp/platform.yaml) declares no request-reply service "national.land" for the land connector: ' +
        'add it to its services and grant it to the systems that may call it (README, "Adding a connector")',
    );
  });
});
