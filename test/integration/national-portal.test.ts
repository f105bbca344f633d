import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { PORTAL_PATHS, type PortalSimulationStats } from '@lgsp/contracts';
import { freePorts } from '@lgsp/test-support/spawned';
import {
  NationalPortalClient,
  NationalPortalClientOptions,
  PortalRejectedError,
  PortalUnavailableError,
} from '../../apps/case-tracking/src/portal-sync/national-portal-client';
import { readNationalPortalConfig } from '../../apps/national-portal/src/config/national-portal-config';
import { createNationalPortalApp, listenNationalPortal } from '../../apps/national-portal/src/main';
import { PortalJournalError } from '../../apps/national-portal/src/portal/portal-journal';
import { sampleCase, sampleProgress } from '../../apps/national-portal/src/testing/sample-records';

jest.setTimeout(60_000);

const USERNAME = 'h56-case-sync';
const PASSWORD = 'h56-case-sync-password';

/** Each test works on its own cases, so the portal's cumulative counters can be compared before and after. */
const caseCode = (n: number) => `000.00.02.H56-240315-${String(n).padStart(4, '0')}`;

/**
 * The simulated national public-service portal, booted in-process on a free port and driven through the client the
 * case-tracking sync worker uses: sessions, pushes, look-ups, refusals that store nothing, safe retries, outages,
 * time-outs, and what survives a restart.
 */
describe('national portal (DVCQG simulation) through NationalPortalClient', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-portal-'));
  const dataFile = join(dir, 'national-portal.jsonl');
  let port: number;
  let app: NestExpressApplication | null = null;
  let baseUrl: string;
  const connections = new Set<Socket>();

  const start = async (env: Record<string, string> = {}) => {
    const config = readNationalPortalConfig({
      NATIONAL_PORTAL_PORT: String(port),
      NATIONAL_PORTAL_USERNAME: USERNAME,
      NATIONAL_PORTAL_PASSWORD: PASSWORD,
      NATIONAL_PORTAL_DATA_FILE: dataFile,
      LOG_LEVEL: 'silent',
      ...env,
    });
    app = await createNationalPortalApp(config);
    app.getHttpServer().on('connection', (socket: Socket) => {
      connections.add(socket);
      socket.once('close', () => connections.delete(socket));
    });
    baseUrl = await listenNationalPortal(app, config);
  };

  /**
   * Stopped as a process would stop: every connection closed before the next start. The server's close callback comes
   * before its idle keep-alive sockets are gone, and fetch would otherwise reuse one of them after the restart and
   * fail with "other side closed" (a pooled connection the sender cannot know is dead).
   */
  const stop = async () => {
    const closed = [...connections].map((socket) => once(socket, 'close'));
    await app?.close();
    app = null;
    await Promise.all(closed);
    // One turn of the event loop's I/O phase, in which fetch's pool sees its ends of those connections close.
    await new Promise((resolve) => setImmediate(resolve));
  };

  const client = (options: Partial<NationalPortalClientOptions> = {}) =>
    new NationalPortalClient({ baseUrl, username: USERNAME, password: PASSWORD, timeoutMs: 5_000, ...options });

  const http = async (method: string, path: string, body?: unknown, raw?: string) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  };

  const stats = async () => (await http('GET', '/sim/stats')).body as PortalSimulationStats;

  const caught = (promise: Promise<unknown>) => promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );

  beforeAll(async () => {
    [port] = await freePorts(1);
    await start();
  });

  afterEach(async () => {
    // A test that changed the conditions must not leave them to the next one.
    if (app) await http('PUT', '/sim/conditions', { down: false, latencyMs: 0, errorRate: 0 });
  });

  afterAll(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in once, pushes a case and its progress, and looks the case up', async () => {
    const before = await stats();
    const c = client({ agencyCode: '000.00.02.H56' });
    const record = sampleCase({ MaHoSo: caseCode(1) });
    const progress = [
      sampleProgress({ MaHoSo: caseCode(1) }),
      sampleProgress({ MaHoSo: caseCode(1), ThoiDiemXuLy: '20240318100000', NoiDungXuLy: 'Trình ký', TrangThai: 4 }),
    ];
    await c.pushCases([record]);
    await c.pushProgress(progress);
    await c.pushCases([{ ...record, TrangThaiHoSo: 9, NgayKetThucXuLy: '20240320160000' }]);

    const found = await c.lookup(caseCode(1));
    expect(found).toEqual({ HoSo: { ...record, TrangThaiHoSo: 9, NgayKetThucXuLy: '20240320160000' }, TienDo: progress, NgayCapNhat: expect.stringMatching(/^\d{14}$/) });
    await expect(c.lookup(caseCode(999))).resolves.toBeNull();

    const after = await stats();
    expect(after.logins - before.logins).toBe(1);
    expect(after.cases - before.cases).toBe(1);
    expect(after.progressEntries - before.progressEntries).toBe(2);
  });

  it('answers a call with an expired session with its own code, and the client logs in again and carries on', async () => {
    const c = client();
    await c.pushCases([sampleCase({ MaHoSo: caseCode(10) })]);
    const login = await http('POST', PORTAL_PATHS.login, { username: USERNAME, password: PASSWORD });
    const before = await stats();

    expect((await http('POST', '/sim/sessions/expire')).body.expired).toBeGreaterThanOrEqual(2);
    const stale = await http('POST', PORTAL_PATHS.share, { session: login.body.session, service: 'TraCuuHoSo', mahoso: caseCode(10) });
    expect(stale).toMatchObject({ status: 401, body: { code: 'SESSION_EXPIRED', error_code: '02' } });
    const unknown = await http('POST', PORTAL_PATHS.share, { session: 'never-issued', service: 'TraCuuHoSo', mahoso: caseCode(10) });
    expect(unknown).toMatchObject({ status: 401, body: { code: 'SESSION_UNKNOWN', error_code: '03' } });

    await c.pushProgress([sampleProgress({ MaHoSo: caseCode(10) })]);
    expect((await stats()).logins - before.logins).toBe(1);
    expect((await c.lookup(caseCode(10)))?.TienDo).toHaveLength(1);
  });

  it('refuses wrong credentials as a rejection, not an outage', async () => {
    const error = await caught(client({ password: 'wrong' }).pushCases([sampleCase({ MaHoSo: caseCode(20) })]));
    expect(error).toBeInstanceOf(PortalRejectedError);
    expect(error).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
  });

  it('refuses a batch with one bad record, naming the record and field, and stores none of it', async () => {
    const before = await stats();
    const c = client();
    const error = await caught(
      c.pushCases([sampleCase({ MaHoSo: caseCode(30) }), sampleCase({ MaHoSo: caseCode(31), NgayHenTra: '2024-03-25' }), sampleCase({ MaHoSo: '28.22.H17-240315-0001' })]),
    );
    expect(error).toBeInstanceOf(PortalRejectedError);
    const rejected = error as PortalRejectedError;
    expect(rejected.status).toBe(400);
    expect(rejected.code).toBe('VALIDATION_FAILED');
    expect(rejected.problems).toEqual([
      { index: 1, MaHoSo: caseCode(31), field: 'NgayHenTra', message: expect.stringContaining('is not a portal date-time') },
      { index: 2, MaHoSo: '28.22.H17-240315-0001', field: 'MaHoSo', message: expect.stringContaining('does not start with a valid agency code') },
    ]);
    expect(rejected.message).toMatch(/nothing from this batch was stored: data\[1\] \(000\.00\.02\.H56-240315-0031\)\.NgayHenTra/);

    await expect(c.lookup(caseCode(30))).resolves.toBeNull();
    const after = await stats();
    expect(after.cases).toBe(before.cases);
    expect(after.batchesRejected - before.batchesRejected).toBe(1);
  });

  it('refuses progress for a case it does not have, and stores none of that batch', async () => {
    const c = client();
    await c.pushCases([sampleCase({ MaHoSo: caseCode(40) })]);
    const error = await caught(c.pushProgress([sampleProgress({ MaHoSo: caseCode(40) }), sampleProgress({ MaHoSo: caseCode(41) })]));
    expect(error).toBeInstanceOf(PortalRejectedError);
    expect(error).toMatchObject({ code: 'UNKNOWN_CASE', problems: [{ index: 1, MaHoSo: caseCode(41), field: 'MaHoSo' }] });
    expect((await c.lookup(caseCode(40)))?.TienDo).toEqual([]);
  });

  it('accepts a repeated progress record without storing it twice', async () => {
    const c = client();
    await c.pushCases([sampleCase({ MaHoSo: caseCode(50) })]);
    const before = await stats();
    const entry = sampleProgress({ MaHoSo: caseCode(50) });
    await c.pushProgress([entry]);
    await c.pushProgress([entry]);
    const after = await stats();
    expect(after.progressEntries - before.progressEntries).toBe(1);
    expect(after.duplicatesReceived - before.duplicatesReceived).toBe(1);
    expect((await c.lookup(caseCode(50)))?.TienDo).toEqual([entry]);
  });

  it('is unavailable while down (503, nothing done), and takes the same push once it is back', async () => {
    const c = client();
    await c.pushCases([sampleCase({ MaHoSo: caseCode(60) })]);
    const before = await stats();
    await http('POST', '/sim/down');

    const error = await caught(c.pushCases([sampleCase({ MaHoSo: caseCode(61) })]));
    expect(error).toBeInstanceOf(PortalUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'PORTAL_DOWN', retryable: true });
    const down = await http('POST', PORTAL_PATHS.login, { username: USERNAME, password: PASSWORD });
    expect(down).toMatchObject({ status: 503, body: { code: 'PORTAL_DOWN', error_code: '50' } });
    expect(down.headers.get('retry-after')).toBe('1');
    const during = await stats();
    expect(during.refusedWhileDown - before.refusedWhileDown).toBe(2);
    expect(during.cases).toBe(before.cases);

    await http('POST', '/sim/up');
    await c.pushCases([sampleCase({ MaHoSo: caseCode(61) })]);
    expect((await c.lookup(caseCode(61)))?.HoSo.MaHoSo).toBe(caseCode(61));
  });

  it('fails the share of calls the error rate asks for with a 500 that changes nothing', async () => {
    const c = client();
    await c.pushCases([sampleCase({ MaHoSo: caseCode(70) })]);
    const before = await stats();
    await http('PUT', '/sim/conditions', { errorRate: 1 });
    const error = await caught(c.pushCases([sampleCase({ MaHoSo: caseCode(71) })]));
    expect(error).toBeInstanceOf(PortalUnavailableError);
    expect(error).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    const after = await stats();
    expect(after.injectedFailures - before.injectedFailures).toBe(1);
    expect(after.cases).toBe(before.cases);
  });

  it('times the client out when the answer is slower than its limit; the retry is then taken as a duplicate', async () => {
    const c = client({ timeoutMs: 200 });
    await c.pushCases([sampleCase({ MaHoSo: caseCode(80) })]);
    const before = await stats();
    await http('PUT', '/sim/conditions', { latencyMs: 1_500 });

    const entry = sampleProgress({ MaHoSo: caseCode(80) });
    const error = await caught(c.pushProgress([entry]));
    expect(error).toBeInstanceOf(PortalUnavailableError);
    expect((error as Error).message).toBe('The portal did not answer /api/integration within 200 ms');

    // The portal stored the batch; only its answer was late. The sender cannot know, so it retries.
    await http('PUT', '/sim/conditions', { latencyMs: 0 });
    await c.pushProgress([entry]);
    const after = await stats();
    expect(after.progressEntries - before.progressEntries).toBe(1);
    expect(after.duplicatesReceived - before.duplicatesReceived).toBe(1);
    expect(after.progressRecordsReceived - before.progressRecordsReceived).toBe(2);
  });

  it('answers malformed calls in its error shape', async () => {
    const session = (await http('POST', PORTAL_PATHS.login, { username: USERNAME, password: PASSWORD })).body.session as string;
    expect(await http('POST', PORTAL_PATHS.integration, undefined, '{"session":')).toMatchObject({ status: 400, body: { code: 'INVALID_JSON', error_code: '13' } });
    expect(await http('POST', PORTAL_PATHS.integration, { session, service: 'LayDanhSachTTHC', data: [] })).toMatchObject({
      status: 400,
      body: { code: 'UNKNOWN_SERVICE', message: expect.stringContaining('DongBoHoSoMC and CapNhatTienDoHoSoMC') },
    });
    expect(await http('POST', PORTAL_PATHS.share, { session, service: 'DongBoHoSoMC', data: [] })).toMatchObject({
      status: 400,
      body: { code: 'UNKNOWN_SERVICE', message: expect.stringContaining(PORTAL_PATHS.integration) },
    });
    expect(await http('POST', PORTAL_PATHS.integration, { session, service: 'DongBoHoSoMC', data: [] })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', problems: [{ field: 'data', message: 'must list at least 1 record' }] },
    });
    expect(await http('POST', PORTAL_PATHS.integration, { session, madonvi: 'H56', service: 'DongBoHoSoMC', data: [] })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', problems: [{ field: 'madonvi' }] },
    });
    expect(await http('POST', PORTAL_PATHS.login, { username: USERNAME })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', problems: [{ field: 'password', message: 'is required' }] },
    });
    expect(await http('GET', '/api/nothing-here')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', error_code: '15' } });
  });

  it('checks the values given to the simulation controls', async () => {
    expect(await http('PUT', '/sim/conditions', { errorRate: 2, speed: 'fast' })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', problems: expect.arrayContaining([expect.objectContaining({ field: 'errorRate' }), expect.objectContaining({ field: 'speed' })]) },
    });
    expect((await http('GET', '/sim/conditions')).body).toEqual({ down: false, latencyMs: 0, errorRate: 0 });
  });

  it('keeps what it was sent across a restart with its data file', async () => {
    const c = client();
    await c.pushCases([sampleCase({ MaHoSo: caseCode(90) })]);
    const entry = sampleProgress({ MaHoSo: caseCode(90) });
    await c.pushProgress([entry]);
    const held = await stats();

    await stop();
    await start();

    const restored = await stats();
    expect(restored).toMatchObject({ cases: held.cases, progressEntries: held.progressEntries, batchesReceived: 0, logins: 0 });
    // The client still holds a session from before the restart: it is unknown now, so the client logs in again.
    expect((await c.lookup(caseCode(90)))?.TienDo).toEqual([entry]);
    await c.pushProgress([entry]);
    const after = await stats();
    expect(after).toMatchObject({ progressEntries: held.progressEntries, duplicatesReceived: 1, logins: 1 });
  });

  it('refuses to start from a damaged data file', async () => {
    const damaged = join(dir, 'damaged.jsonl');
    writeFileSync(damaged, 'this is not a portal entry\n{"v":1,"kind":"cases","at":0,"records":[]}\n');
    const config = readNationalPortalConfig({ NATIONAL_PORTAL_PORT: '0', NATIONAL_PORTAL_DATA_FILE: damaged, LOG_LEVEL: 'silent' });
    await expect(createNationalPortalApp(config)).rejects.toThrow(PortalJournalError);
  });
});
