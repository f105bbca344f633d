import { NestExpressApplication } from '@nestjs/platform-express';
import { completeEnterpriseCode, formatPersonalId, parsePersonalId } from '@lgsp/identifiers';
import { freePorts } from '@lgsp/test-support/spawned';
import { readNationalDatabasesConfig, type NationalSystem } from '../../apps/national-databases/src/config/national-databases-config';
import { createNationalDatabasesApp, listenNationalDatabases } from '../../apps/national-databases/src/main';
import type { SystemStats } from '../../apps/national-databases/src/simulation/simulation-state';
import { NationalRecordsService } from '../../apps/national-databases/src/systems/national-records.service';

jest.setTimeout(30_000);

const POPULATION_ID = 'h56-population-client';
const POPULATION_SECRET = 'h56-population-secret';
const DEMO = (system: NationalSystem) => ({ id: `lgsp-demo-${system}`, secret: `lgsp-demo-${system}-secret` });
/** The agency every look-up names unless a test says otherwise: Thanh Hóa's provincial People's Committee. */
const AGENCY = '000.00.00.H56';

/**
 * The six simulated national systems, booted in-process on a free port with a clock and a random source the test
 * moves, and driven over HTTP as a connector would: tokens, look-ups, refusals in each system's own shape, and the
 * simulation controls.
 */
describe('national databases simulation over HTTP', () => {
  let app: NestExpressApplication;
  let baseUrl: string;
  let records: NationalRecordsService;
  let now = Date.parse('2026-03-15T03:00:00Z');
  // The error rate draws from this queue; empty, every draw is 0.99 (no failure at any rate below 1).
  const draws: number[] = [];

  beforeAll(async () => {
    const [port] = await freePorts(1);
    const config = readNationalDatabasesConfig({
      NATIONAL_DATABASES_PORT: String(port),
      NATIONAL_DATABASES_POPULATION_CLIENT_ID: POPULATION_ID,
      NATIONAL_DATABASES_POPULATION_CLIENT_SECRET: POPULATION_SECRET,
      NATIONAL_DATABASES_TOKEN_TTL_SECONDS: '600',
      LOG_LEVEL: 'silent',
    });
    app = await createNationalDatabasesApp(config, { clock: () => now, random: () => draws.shift() ?? 0.99 });
    baseUrl = await listenNationalDatabases(app, config);
    records = app.get(NationalRecordsService);
  });

  afterEach(async () => {
    // A test that changed the conditions must not leave them to the next one.
    await fetch(`${baseUrl}/sim/reset`, { method: 'POST' });
    draws.length = 0;
  });

  afterAll(async () => {
    await app.close();
  });

  /** A call as a connector makes it; a look-up (a GET of a system) names `agency` in x-agency-id, AGENCY unless told. */
  const call = async (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal; agency?: string | null; base?: string } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    const lookUp = method === 'GET' && !path.startsWith('/sim/');
    const agency = options.agency === undefined ? AGENCY : options.agency;
    if (lookUp && agency !== null) headers['x-agency-id'] = agency;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${options.base ?? baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal: options.signal });
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, text, body };
  };

  const tokenFor = async (system: NationalSystem): Promise<string> => {
    const credentials = system === 'population' ? { client_id: POPULATION_ID, client_secret: POPULATION_SECRET } : { client_id: DEMO(system).id, client_secret: DEMO(system).secret };
    const answer = await call('POST', `/${system}/token`, { body: credentials });
    expect(answer).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 600 } });
    return answer.body.access_token as string;
  };

  const stats = async () => (await call('GET', '/sim/stats')).body as Record<NationalSystem, SystemStats>;

  describe('credentials', () => {
    it('refuses wrong credentials, a missing token, and another system’s token with 100 AUTHEN_ERROR', async () => {
      // The demo credentials are replaced for population: only the configured pair works there.
      const wrong = await call('POST', '/population/token', { body: { client_id: DEMO('population').id, client_secret: DEMO('population').secret } });
      expect(wrong).toMatchObject({ status: 401, body: { status: 'ERROR', error: { code: 100, name: 'AUTHEN_ERROR' } } });

      const missing = await call('GET', '/business/enterprises/3800100129');
      expect(missing).toMatchObject({ status: 401, body: { errorCode: 100, errorMessage: 'AUTHEN_ERROR' } });
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="business"');

      const populationToken = await tokenFor('population');
      const foreign = await call('GET', '/insurance/participants/3812345678', { token: populationToken });
      expect(foreign).toMatchObject({ status: 401, body: { maLoi: '100', moTaLoi: 'AUTHEN_ERROR' } });
      const forged = await call('GET', '/land/parcels/14755/12/345', { token: 'never-issued' });
      expect(forged).toMatchObject({ status: 401, body: { success: false, code: 100 } });
    });

    it('issues tokens for a form body or HTTP Basic, and stops accepting them when they expire', async () => {
      const form = await fetch(`${baseUrl}/budget-units/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO('budget-units').id, client_secret: DEMO('budget-units').secret }),
      });
      expect(form.status).toBe(200);
      const basic = await call('POST', '/land/token', { headers: { authorization: `Basic ${Buffer.from(`${DEMO('land').id}:${DEMO('land').secret}`).toString('base64')}` } });
      expect(basic.status).toBe(200);

      const token = basic.body.access_token as string;
      expect((await call('GET', '/land/parcels/14755/12/345', { token })).status).not.toBe(401);
      now += 600_000;
      expect(await call('GET', '/land/parcels/14755/12/345', { token })).toMatchObject({ status: 401, body: { code: 100, name: 'AUTHEN_ERROR' } });
    });
    it('refuses a token request that is not JSON, and ends every token on /sim/tokens/expire', async () => {
      const broken = await fetch(`${baseUrl}/population/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client_id":' });
      expect(broken.status).toBe(400);
      expect(await broken.json()).toMatchObject({ status: 'ERROR', error: { code: 203, name: 'INVALID_REQUEST' } });

      const token = await tokenFor('budget-units');
      expect((await call('GET', '/budget-units/units/1012345', { token })).status).not.toBe(401);
      expect((await call('POST', '/sim/tokens/expire')).body.expired).toBeGreaterThanOrEqual(1);
      expect(await call('GET', '/budget-units/units/1012345', { token })).toMatchObject({ status: 401, body: { ResultCode: 100, ResultName: 'AUTHEN_ERROR' } });
    });
  });

  describe('records', () => {
    it('gives the same record for the same identifier every time', async () => {
      const token = await tokenFor('population');
      const id = formatPersonalId({ provinceGso: '38', birthYear: 1987, sex: 'female', serial: '204681' });
      const first = await call('GET', `/population/citizens/${id}`, { token });
      const second = await call('GET', `/population/citizens/${id}`, { token });
      expect(first.status).toBe(200);
      expect(second.body).toEqual(first.body);
      const other = await call('GET', `/population/citizens/${formatPersonalId({ provinceGso: '38', birthYear: 1987, sex: 'female', serial: '204682' })}`, { token });
      // Another identifier gives another person (names alone could collide; the whole record should not).
      expect(other.body).not.toEqual(first.body);
    });

    it('agrees with what the identifier says', async () => {
      const population = await tokenFor('population');
      const present = (system: NationalSystem, key: string) => !records.isAbsent(system, key);
      for (const [gso, year, sex] of [['38', 1995, 'male'], ['51', 2001, 'female'], ['52', 1962, 'female'], ['01', 2026, 'male']] as const) {
        let serial = 100000;
        let id = formatPersonalId({ provinceGso: gso, birthYear: year, sex, serial: String(serial) });
        while (!present('population', id)) id = formatPersonalId({ provinceGso: gso, birthYear: year, sex, serial: String(++serial) });
        const { status, body } = await call('GET', `/population/citizens/${id}`, { token: population });
        expect(status).toBe(200);
        const parsed = parsePersonalId(id, { now: new Date(now) });
        expect(body.data).toMatchObject({ personalId: id, sex, birthRegistration: { provinceCode: `0${gso}`, province: parsed.province.name } });
        expect(body.data.birthDate.slice(0, 4)).toBe(String(year));
        // Someone born this year is not born after today.
        expect(Date.parse(body.data.birthDate)).toBeLessThanOrEqual(now);
      }

      const business = await tokenFor('business');
      let nine = 380010012;
      while (!present('business', completeEnterpriseCode(String(nine)))) nine++;
      const code = completeEnterpriseCode(String(nine));
      const enterprise = await call('GET', `/business/enterprises/${code}`, { token: business });
      expect(enterprise.body).toMatchObject({ errorCode: 0, data: { enterpriseCode: code, parentEnterpriseCode: null } });
      let suffix = 1;
      while (!present('business', `${code}-${String(suffix).padStart(3, '0')}`)) suffix++;
      const branchCode = `${code}-${String(suffix).padStart(3, '0')}`;
      const branch = await call('GET', `/business/enterprises/${branchCode}`, { token: business });
      expect(branch.body.data).toMatchObject({ enterpriseCode: branchCode, parentEnterpriseCode: code, type: 'Chi nhánh' });
      expect(branch.body.data.name).toContain(enterprise.body.data.name);

      const insurance = await tokenFor('insurance');
      let social = 3812345678;
      while (!present('insurance', String(social))) social++;
      const participant = await call('GET', `/insurance/participants/${social}`, { token: insurance });
      expect(participant.body).toMatchObject({ maLoi: '0', duLieu: { socialInsuranceCode: String(social) } });
      const card = await call('GET', `/insurance/cards/HC438${social}`, { token: insurance });
      // The card's holder is the participant of its last ten digits; the issuing province is the card's own.
      expect(card.body.duLieu).toMatchObject({ ...participant.body.duLieu, card: { group: 'HC', benefitLevel: 4, issuingProvince: 'Thanh Hóa' } });

      const land = await tokenFor('land');
      let parcel = 345;
      while (!present('land', `14755/12/${parcel}`)) parcel++;
      const found = await call('GET', `/land/parcels/14755/12/${parcel}`, { token: land });
      expect(found.body).toMatchObject({ success: true, result: { parcelRef: `14755/12/${parcel}`, communeCode: '14755', mapSheet: 12, parcelNumber: parcel } });
      for (const holder of found.body.result.holders) expect(() => parsePersonalId(holder.personalId, { now: new Date(now) })).not.toThrow();

      const budget = await tokenFor('budget-units');
      let unit = 1012345;
      while (!present('budget-units', String(unit))) unit++;
      expect(await call('GET', `/budget-units/units/${unit}`, { token: budget })).toMatchObject({ status: 200, body: { ResultCode: 0, Data: { unitCode: String(unit) } } });
    });

    it('refuses malformed identifiers with each system’s own error and the reason', async () => {
      const cases: [NationalSystem, string, (body: any) => void][] = [
        ['population', '/population/citizens/003095001234', (b) => expect(b).toMatchObject({ status: 'ERROR', error: { code: 202, name: 'INVALID_IDENTIFIER', message: expect.stringContaining('003 are not the code of any of the 63 provinces') } })],
        ['population', '/population/citizens/038299001234', (b) => expect(b.error.message).toContain('birth year 2099')],
        ['business', '/business/enterprises/3800100128', (b) => expect(b).toMatchObject({ errorCode: 202, errorMessage: 'INVALID_IDENTIFIER', description: expect.stringContaining('check digit 9') })],
        ['insurance', '/insurance/participants/38123', (b) => expect(b).toMatchObject({ maLoi: '202', thongBao: expect.stringContaining('expected 10') })],
        ['insurance', '/insurance/cards/HC4033812345678', (b) => expect(b).toMatchObject({ maLoi: '202', thongBao: expect.stringContaining('provinces') })],
        ['land', '/land/parcels/14755/012/345', (b) => expect(b).toMatchObject({ success: false, code: 202, message: expect.stringContaining('leading zeros') })],
        ['budget-units', '/budget-units/units/12345678', (b) => expect(b).toMatchObject({ ResultCode: 202, Message: expect.stringContaining('expected 7') })],
      ];
      for (const [system, path, check] of cases) {
        const answer = await call('GET', path, { token: await tokenFor(system) });
        expect(answer.status).toBe(400);
        check(answer.body);
      }
    });

    it('answers 201 RECORD_NOT_FOUND for the same valid identifiers every time, about one in twenty', async () => {
      const ids = Array.from({ length: 2000 }, (_, i) => completeEnterpriseCode(String(100000000 + i * 7919)));
      const absent = ids.filter((id) => records.isAbsent('business', id));
      expect(absent.length / ids.length).toBeGreaterThan(0.03);
      expect(absent.length / ids.length).toBeLessThan(0.07);

      const token = await tokenFor('business');
      for (let i = 0; i < 2; i++) {
        expect(await call('GET', `/business/enterprises/${absent[0]}`, { token })).toMatchObject({
          status: 404,
          body: { errorCode: 201, errorMessage: 'RECORD_NOT_FOUND', description: 'No record has this identifier.' },
        });
      }
      const population = await tokenFor('population');
      let serial = 0;
      let id = formatPersonalId({ provinceGso: '52', birthYear: 1970, sex: 'male', serial: '000000' });
      while (!records.isAbsent('population', id)) id = formatPersonalId({ provinceGso: '52', birthYear: 1970, sex: 'male', serial: String(++serial).padStart(6, '0') });
      expect(await call('GET', `/population/citizens/${id}`, { token: population })).toMatchObject({ status: 404, body: { status: 'ERROR', error: { code: 201, name: 'RECORD_NOT_FOUND' } } });
    });
  });

  describe('civil status', () => {
    /** The first number from `serial` up that civil-status has (`absent` false) or lacks, and population has. */
    const personalIdWhere = (absent: boolean, gso: string, birthYear: number, sex: 'male' | 'female', serial = 100000): string => {
      const fits = (id: string) => records.isAbsent('civil-status', id) === absent && !records.isAbsent('population', id);
      let id = formatPersonalId({ provinceGso: gso, birthYear, sex, serial: String(serial).padStart(6, '0') });
      while (!fits(id)) id = formatPersonalId({ provinceGso: gso, birthYear, sex, serial: String(++serial).padStart(6, '0') });
      return id;
    };

    it('answers a birth extract in its own envelope, for the same person as the population system', async () => {
      const token = await tokenFor('civil-status');
      const id = personalIdWhere(false, '38', 1995, 'female');
      const answer = await call('GET', `/civil-status/births/${id}`, { token });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        ketQua: 'THANH_CONG',
        trichLuc: {
          soDinhDanh: id,
          gioiTinh: 'Nữ',
          ngaySinh: expect.stringMatching(/^\d{2}\/\d{2}\/1995$/),
          soDangKy: expect.stringMatching(/^\d+$/),
          quyenSo: expect.stringMatching(/^\d{2}\/199[56]$/),
          ngayDangKy: expect.stringMatching(/^\d{2}\/\d{2}\/199[56]$/),
          noiDangKy: expect.stringMatching(/^UBND .*, tỉnh Thanh Hóa$/),
          me: { hoTen: expect.any(String), namSinh: expect.any(Number) },
        },
      });
      expect(Object.keys(answer.body)).toEqual(['ketQua', 'trichLuc']);

      // The population system's record of the number names the same person.
      const citizen = (await call('GET', `/population/citizens/${id}`, { token: await tokenFor('population') })).body.data;
      expect(answer.body.trichLuc).toMatchObject({ hoTen: citizen.fullName, ngaySinh: citizen.birthDate.split('-').reverse().join('/'), gioiTinh: 'Nữ' });
      expect(citizen.sex).toBe('female');
      expect((await call('GET', `/civil-status/births/${id}`, { token })).body).toEqual(answer.body);
    });

    it('refuses another system’s token and a missing one with 100 in its envelope', async () => {
      const id = personalIdWhere(false, '01', 1980, 'male');
      const foreign = await call('GET', `/civil-status/births/${id}`, { token: await tokenFor('population') });
      expect(foreign).toMatchObject({ status: 401, body: { ketQua: 'LOI', maLoi: 100, moTa: expect.stringContaining('POST /civil-status/token') } });
      expect(foreign.headers.get('www-authenticate')).toBe('Bearer realm="civil-status"');
      expect(await call('GET', `/civil-status/births/${id}`)).toMatchObject({ status: 401, body: { ketQua: 'LOI', maLoi: 100 } });
      // The population pair is not civil-status's.
      const wrong = await call('POST', '/civil-status/token', { body: { client_id: POPULATION_ID, client_secret: POPULATION_SECRET } });
      expect(wrong).toMatchObject({ status: 401, body: { ketQua: 'LOI', maLoi: 100 } });
      // A civil-status token is no good elsewhere either.
      const civil = await tokenFor('civil-status');
      expect((await call('GET', `/population/citizens/${id}`, { token: civil })).status).toBe(401);
    });

    it('answers 201 RECORD_NOT_FOUND for an absent number, 202 for an invalid one, 204 for an unknown path', async () => {
      const token = await tokenFor('civil-status');
      const before = (await stats())['civil-status'];
      // In the population database but not in the civil-status one: each system has its own absent share.
      const absent = personalIdWhere(true, '52', 1970, 'male', 0);
      expect(await call('GET', `/civil-status/births/${absent}`, { token })).toMatchObject({
        status: 404,
        body: { ketQua: 'LOI', maLoi: 201, moTa: 'No record has this identifier.' },
      });
      const invalid = await call('GET', '/civil-status/births/003095001234', { token });
      expect(invalid).toMatchObject({ status: 400, body: { ketQua: 'LOI', maLoi: 202, moTa: expect.stringContaining('003 are not the code of any of the 63 provinces') } });
      expect(await call('GET', '/civil-status/births/03809500123', { token })).toMatchObject({ status: 400, body: { maLoi: 202 } });
      expect(await call('GET', '/civil-status/deaths/038095001234', { token })).toMatchObject({ status: 404, body: { ketQua: 'LOI', maLoi: 204 } });
      const after = (await stats())['civil-status'];
      expect(after.notFound - before.notFound).toBe(1);
      expect(after.invalidIdentifiers - before.invalidIdentifiers).toBe(2);
    });

    it('obeys the simulation controls', async () => {
      const token = await tokenFor('civil-status');
      const id = personalIdWhere(false, '79', 2001, 'male');
      expect((await call('GET', '/sim/conditions')).body['civil-status']).toEqual({
        down: false,
        downUntil: null,
        latencyMs: 0,
        errorRate: 0,
        garbage: false,
        allowedIps: null,
        agencyIds: null,
      });

      expect((await call('POST', '/sim/civil-status/down')).body).toMatchObject({ down: true });
      const down = await call('GET', `/civil-status/births/${id}`, { token });
      expect(down).toMatchObject({ status: 503, body: { ketQua: 'LOI', maLoi: 503 } });
      expect(down.headers.get('retry-after')).toBe('1');
      expect((await call('POST', '/civil-status/token', { body: { client_id: DEMO('civil-status').id, client_secret: DEMO('civil-status').secret } })).status).toBe(503);
      await call('POST', '/sim/civil-status/up');
      expect((await call('GET', `/civil-status/births/${id}`, { token })).status).toBe(200);

      await call('PUT', '/sim/civil-status/conditions', { body: { errorRate: 0.5 } });
      draws.push(0.1);
      expect(await call('GET', `/civil-status/births/${id}`, { token })).toMatchObject({ status: 500, body: { ketQua: 'LOI', maLoi: 500 } });

      await call('PUT', '/sim/civil-status/conditions', { body: { errorRate: 0, garbage: true } });
      const garbage = await call('GET', `/civil-status/births/${id}`, { token });
      expect(garbage.status).toBe(200);
      expect(garbage.headers.get('content-type')).toMatch(/^text\/html/);

      const counted = (await stats())['civil-status'];
      expect(counted).toMatchObject({ refusedWhileDown: expect.any(Number), injectedFailures: expect.any(Number), garbageAnswers: expect.any(Number) });
      expect(counted.refusedWhileDown).toBeGreaterThanOrEqual(2);
      expect(counted.injectedFailures).toBeGreaterThanOrEqual(1);
      expect(counted.garbageAnswers).toBeGreaterThanOrEqual(1);
      // The other systems are untouched.
      expect((await call('GET', '/sim/conditions')).body.population).toMatchObject({ down: false, errorRate: 0, garbage: false });
    });
  });

  describe('simulation controls', () => {
    it('delays answers of one system by its latency, and lets an impatient caller give up', async () => {
      const token = await tokenFor('budget-units');
      expect(await call('PUT', '/sim/budget-units/conditions', { body: { latencyMs: 400 } })).toMatchObject({ status: 200, body: { latencyMs: 400 } });
      const started = Date.now();
      const slow = await call('GET', '/budget-units/units/1012345', { token });
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      expect(slow.body).toBeDefined();
      await expect(call('GET', '/budget-units/units/1012345', { token, signal: AbortSignal.timeout(100) })).rejects.toThrow();
      // Other systems keep their own conditions.
      expect((await call('GET', '/sim/conditions')).body.business.latencyMs).toBe(0);
    });

    it('fails that share of calls with 500 SYSTEM_ERROR', async () => {
      const token = await tokenFor('insurance');
      await call('PUT', '/sim/insurance/conditions', { body: { errorRate: 0.5 } });
      const before = (await stats()).insurance;
      draws.push(0.2, 0.8);
      expect(await call('GET', '/insurance/participants/3812345678', { token })).toMatchObject({ status: 500, body: { maLoi: '500', moTaLoi: 'SYSTEM_ERROR' } });
      expect((await call('GET', '/insurance/participants/3812345678', { token })).status).not.toBe(500);
      const after = (await stats()).insurance;
      expect(after.injectedFailures - before.injectedFailures).toBe(1);
      expect(after.calls - before.calls).toBe(2);
    });

    it('takes one system down until it is brought up, or for a time', async () => {
      const token = await tokenFor('business');
      const population = await tokenFor('population');
      expect((await call('POST', '/sim/business/down')).body).toMatchObject({ down: true, downUntil: null });
      const refused = await call('GET', '/business/enterprises/3800100129', { token });
      expect(refused).toMatchObject({ status: 503, body: { errorCode: 503, errorMessage: 'SERVICE_UNAVAILABLE' } });
      expect(refused.headers.get('retry-after')).toBe('1');
      // Even the token endpoint: a dead system hands out nothing.
      expect((await call('POST', '/business/token', { body: { client_id: DEMO('business').id, client_secret: DEMO('business').secret } })).status).toBe(503);
      expect((await call('GET', '/population/citizens/038095001234', { token: population })).status).not.toBe(503);
      await call('POST', '/sim/business/up');
      expect((await call('GET', '/business/enterprises/3800100129', { token })).status).not.toBe(503);

      expect((await call('POST', '/sim/business/down', { body: { forMs: 5000 } })).body).toMatchObject({ down: true, downUntil: now + 5000 });
      now += 4999;
      expect((await call('GET', '/business/enterprises/3800100129', { token })).status).toBe(503);
      now += 1;
      expect((await call('GET', '/business/enterprises/3800100129', { token })).status).not.toBe(503);
      expect((await call('GET', '/sim/business/conditions')).body).toMatchObject({ down: false, downUntil: null });
    });

    it('answers non-JSON in garbage mode', async () => {
      const token = await tokenFor('land');
      await call('PUT', '/sim/land/conditions', { body: { garbage: true } });
      const answer = await call('GET', '/land/parcels/14755/12/345', { token });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(answer.body).toBeUndefined();
      expect(answer.text).toMatch(/^<html>/);
      expect((await stats()).land.garbageAnswers).toBeGreaterThanOrEqual(1);
    });

    it('refuses an unknown system or a bad condition with a sentence', async () => {
      expect(await call('PUT', '/sim/taxes/conditions', { body: { latencyMs: 1 } })).toMatchObject({ status: 404, body: { name: 'NOT_FOUND', message: expect.stringContaining('"taxes"') } });
      expect(await call('PUT', '/sim/land/conditions', { body: { errorRate: 2 } })).toMatchObject({ status: 400, body: { name: 'INVALID_REQUEST', message: expect.stringContaining('errorRate') } });
      expect(await call('PUT', '/sim/land/conditions', { body: { speed: 1 } })).toMatchObject({ status: 400, body: { name: 'INVALID_REQUEST' } });
    });

    it('counts calls per system', async () => {
      const before = await stats();
      const token = await tokenFor('land');
      await call('GET', '/land/parcels/14755/12/345', { token });
      await call('GET', '/land/parcels/bad/12/345', { token });
      const after = await stats();
      expect(after.land.calls - before.land.calls).toBe(3);
      expect(after.land.tokensIssued - before.land.tokensIssued).toBe(1);
      expect(after.land.invalidIdentifiers - before.land.invalidIdentifiers).toBe(1);
      expect(after.population.calls).toBe(before.population.calls);
    });
  });

  describe('who may call', () => {
    /** An enterprise code the business system holds, so that an accepted look-up answers 200. */
    const heldEnterpriseCode = () => {
      let nine = 380010100;
      while (records.isAbsent('business', completeEnterpriseCode(String(nine)))) nine++;
      return completeEnterpriseCode(String(nine));
    };

    it('refuses a caller whose address is not allowed with 101 IP_DISALLOWED, on the token endpoint too', async () => {
      const token = await tokenFor('land');
      const population = await tokenFor('population');
      const before = await stats();
      expect(await call('PUT', '/sim/land/conditions', { body: { allowedIps: ['10.9.9.9'] } })).toMatchObject({ status: 200, body: { allowedIps: ['10.9.9.9'], agencyIds: null } });

      const refused = await call('GET', '/land/parcels/14755/12/345', { token });
      expect(refused).toMatchObject({ status: 403, body: { success: false, code: 101, name: 'IP_DISALLOWED', message: expect.stringContaining('does not accept calls from 127.0.0.1') } });
      const tokenRefused = await call('POST', '/land/token', { body: { client_id: DEMO('land').id, client_secret: DEMO('land').secret } });
      expect(tokenRefused).toMatchObject({ status: 403, body: { success: false, code: 101, name: 'IP_DISALLOWED' } });
      // The address is checked before the credentials: a caller from outside learns nothing about them.
      expect(await call('GET', '/land/parcels/14755/12/345')).toMatchObject({ status: 403, body: { code: 101 } });
      // Other systems keep their own list.
      expect((await call('GET', '/population/citizens/038095001234', { token: population })).status).not.toBe(403);

      // Written as a dual-stack server would see it, the caller's address is the one it already is.
      expect((await call('PUT', '/sim/land/conditions', { body: { allowedIps: ['::ffff:127.0.0.1'] } })).body.allowedIps).toEqual(['127.0.0.1']);
      expect((await call('GET', '/land/parcels/14755/12/345', { token })).status).not.toBe(403);
      // An empty list lets nobody in; null everybody.
      await call('PUT', '/sim/land/conditions', { body: { allowedIps: [] } });
      expect((await call('GET', '/land/parcels/14755/12/345', { token })).status).toBe(403);
      await call('PUT', '/sim/land/conditions', { body: { allowedIps: null } });
      expect((await call('GET', '/land/parcels/14755/12/345', { token })).status).not.toBe(403);

      const after = await stats();
      expect(after.land.ipRefused - before.land.ipRefused).toBe(4);
      expect(after.land.authRefused).toBe(before.land.authRefused);
      expect(after.population.ipRefused).toBe(before.population.ipRefused);
    });

    it('refuses a look-up without, with a malformed or with an unregistered x-agency-id with 106 AGENCY_ID_INCORRECT, saying which', async () => {
      const token = await tokenFor('business');
      const code = heldEnterpriseCode();
      const before = await stats();

      const missing = await call('GET', `/business/enterprises/${code}`, { token, agency: null });
      expect(missing).toMatchObject({ status: 403, body: { errorCode: 106, errorMessage: 'AGENCY_ID_INCORRECT', description: expect.stringContaining('in the x-agency-id header') } });
      const malformed = await call('GET', `/business/enterprises/${code}`, { token, agency: '000.00.00.h56' });
      expect(malformed).toMatchObject({ status: 403, body: { errorCode: 106, description: expect.stringContaining('is malformed: "000.00.00.h56" is not a valid QCVN 102 agency code') } });
      expect((await call('GET', `/business/enterprises/${code}`, { token, agency: 'H56' })).body.description).toContain('is malformed');
      // The token comes first: without one, the agency is not looked at.
      expect(await call('GET', `/business/enterprises/${code}`, { agency: null })).toMatchObject({ status: 401, body: { errorCode: 100 } });

      expect(await call('PUT', '/sim/business/conditions', { body: { agencyIds: ['000.00.00.H99'] } })).toMatchObject({ status: 200, body: { agencyIds: ['000.00.00.H99'] } });
      const unregistered = await call('GET', `/business/enterprises/${code}`, { token });
      expect(unregistered).toMatchObject({ status: 403, body: { errorCode: 106, description: expect.stringContaining(`Agency ${AGENCY} is not registered with the business system`) } });
      // The registered agency is answered, and the token endpoint asks for no agency at all.
      expect(await call('GET', `/business/enterprises/${code}`, { token, agency: '000.00.00.H99' })).toMatchObject({ status: 200, body: { errorCode: 0, data: { enterpriseCode: code } } });
      expect((await call('POST', '/business/token', { body: { client_id: DEMO('business').id, client_secret: DEMO('business').secret } })).status).toBe(200);
      // Each system has its own list; the civil-status envelope carries the code alone.
      const civil = await call('GET', '/civil-status/births/038095001234', { token: await tokenFor('civil-status'), agency: null });
      expect(civil).toMatchObject({ status: 403, body: { ketQua: 'LOI', maLoi: 106 } });

      const after = await stats();
      expect(after.business.agencyRefused - before.business.agencyRefused).toBe(4);
      expect(after['civil-status'].agencyRefused - before['civil-status'].agencyRefused).toBe(1);
      expect(after.business.found - before.business.found).toBe(1);
    });

    it('shows the lists in /sim/conditions, refuses a bad entry, and resets to no lists', async () => {
      expect(await call('PUT', '/sim/insurance/conditions', { body: { allowedIps: ['localhost'] } })).toMatchObject({
        status: 400,
        body: { name: 'INVALID_REQUEST', message: expect.stringContaining('"localhost" is not an IPv4 or IPv6 address') },
      });
      expect(await call('PUT', '/sim/insurance/conditions', { body: { agencyIds: ['H56'] } })).toMatchObject({
        status: 400,
        body: { name: 'INVALID_REQUEST', message: expect.stringContaining('agencyIds') },
      });
      await call('PUT', '/sim/insurance/conditions', { body: { allowedIps: ['127.0.0.1'], agencyIds: [AGENCY] } });
      const shown = (await call('GET', '/sim/conditions')).body;
      expect(shown.insurance).toMatchObject({ allowedIps: ['127.0.0.1'], agencyIds: [AGENCY] });
      expect(shown.land).toMatchObject({ allowedIps: null, agencyIds: null });
      expect((await call('POST', '/sim/reset')).body.insurance).toMatchObject({ allowedIps: null, agencyIds: null });
      expect((await call('GET', '/sim/insurance/conditions')).body).toMatchObject({ allowedIps: null, agencyIds: null });
    });

    it('takes its lists from the environment, compares a dual-stack caller’s address as IPv4, and resets to them', async () => {
      expect(() => readNationalDatabasesConfig({ NATIONAL_DATABASES_ALLOWED_IPS: '127.0.0.1,localhost' })).toThrow(
        /NATIONAL_DATABASES_ALLOWED_IPS: "localhost" is not an IPv4 or IPv6 address/,
      );
      expect(() => readNationalDatabasesConfig({ NATIONAL_DATABASES_AGENCY_IDS: 'H56' })).toThrow(/NATIONAL_DATABASES_AGENCY_IDS: "H56" is not a valid QCVN 102 agency code/);
      expect(readNationalDatabasesConfig({ NATIONAL_DATABASES_ALLOWED_IPS: '', NATIONAL_DATABASES_AGENCY_IDS: ' ' })).toMatchObject({
        NATIONAL_DATABASES_ALLOWED_IPS: null,
        NATIONAL_DATABASES_AGENCY_IDS: null,
      });

      const [port] = await freePorts(1);
      const config = readNationalDatabasesConfig({
        // Every address family on one socket: an IPv4 caller arrives as ::ffff:127.0.0.1.
        NATIONAL_DATABASES_HOST: '::',
        NATIONAL_DATABASES_PORT: String(port),
        NATIONAL_DATABASES_ALLOWED_IPS: '127.0.0.1, ::1',
        NATIONAL_DATABASES_AGENCY_IDS: `${AGENCY},000.00.00.H57`,
        LOG_LEVEL: 'silent',
      });
      const listed = await createNationalDatabasesApp(config, { clock: () => now });
      try {
        await listenNationalDatabases(listed, config);
        const base = `http://127.0.0.1:${port}`;
        const lists = { allowedIps: ['127.0.0.1', '::1'], agencyIds: [AGENCY, '000.00.00.H57'] };
        expect((await call('GET', '/sim/conditions', { base })).body.population).toMatchObject(lists);
        const issued = await call('POST', '/business/token', { base, body: { client_id: DEMO('business').id, client_secret: DEMO('business').secret } });
        expect(issued.status).toBe(200);
        const token = issued.body.access_token as string;
        const code = heldEnterpriseCode();
        expect((await call('GET', `/business/enterprises/${code}`, { base, token })).status).toBe(200);
        expect((await call('GET', `/business/enterprises/${code}`, { base, token, agency: '000.00.00.H58' })).body).toMatchObject({ errorCode: 106 });

        await call('PUT', '/sim/business/conditions', { base, body: { allowedIps: ['10.9.9.9'], agencyIds: null } });
        expect((await call('GET', `/business/enterprises/${code}`, { base, token, agency: '000.00.00.H58' })).body).toMatchObject({ errorCode: 101 });
        expect((await call('POST', '/sim/reset', { base })).body.business).toMatchObject(lists);
        expect((await call('GET', `/business/enterprises/${code}`, { base, token })).status).toBe(200);
        expect((await call('GET', `/business/enterprises/${code}`, { base, token, agency: '000.00.00.H58' })).body).toMatchObject({ errorCode: 106 });
      } finally {
        await listed.close();
      }
    });
  });
});
