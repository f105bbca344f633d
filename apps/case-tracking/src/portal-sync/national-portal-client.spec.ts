import { PORTAL_PATHS, type PortalCaseRecord, type PortalLookupAnswer, type PortalProgressRecord } from '@lgsp/contracts';
import { NationalPortalClient, PortalRejectedError, PortalUnavailableError } from './national-portal-client';

/** Only what the client sends is looked at; the records' content is the portal's business. */
const CASE = { MaHoSo: '000.00.02.H56-240315-0001' } as PortalCaseRecord;
const PROGRESS = { MaHoSo: '000.00.02.H56-240315-0001' } as PortalProgressRecord;

interface Sent {
  path: string;
  body: Record<string, unknown>;
}

type Reply = (sent: Sent, init: RequestInit) => Response | Promise<Response>;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const ok = (extra: Record<string, unknown> = {}) => json(200, { error_code: '00', message: 'ok', result: [], ...extra });
const loginOk = (session: string, expiresIn = 1800) => json(200, { error_code: '00', message: 'Logged in.', session, expires_in: expiresIn });
const refusal = (status: number, code: string, extra: Record<string, unknown> = {}) => json(status, { error_code: '10', code, message: `refused: ${code}`, ...extra });

/** A scripted portal: the login answers come from `logins`, every other call from `calls`, in order. */
function scriptedPortal(script: { logins?: Reply[]; calls?: Reply[] }) {
  const sent: Sent[] = [];
  const logins = [...(script.logins ?? [])];
  const calls = [...(script.calls ?? [])];
  const fetch = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const path = new URL(String(url)).pathname;
    const entry = { path, body: JSON.parse(String(init?.body)) as Record<string, unknown> };
    sent.push(entry);
    const reply = path === PORTAL_PATHS.login ? logins.shift() : calls.shift();
    if (!reply) throw new Error(`unscripted ${path}`);
    return reply(entry, init ?? {});
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, sent, logins: () => sent.filter((s) => s.path === PORTAL_PATHS.login).length };
}

function client(fetch: typeof globalThis.fetch, extra: Partial<ConstructorParameters<typeof NationalPortalClient>[0]> = {}) {
  return new NationalPortalClient({ baseUrl: 'http://portal.test/', username: 'lgsp', password: 'secret', timeoutMs: 1000, fetch, ...extra });
}

describe('NationalPortalClient', () => {
  it('logs in on first use with the credentials, then sends the session, the service and the records', async () => {
    const portal = scriptedPortal({ logins: [() => loginOk('s1')], calls: [() => ok(), () => ok()] });
    const c = client(portal.fetch, { agencyCode: '000.00.02.H56' });
    await c.pushCases([CASE]);
    await c.pushProgress([PROGRESS]);
    expect(portal.sent).toEqual([
      { path: PORTAL_PATHS.login, body: { username: 'lgsp', password: 'secret' } },
      { path: PORTAL_PATHS.integration, body: { session: 's1', madonvi: '000.00.02.H56', service: 'DongBoHoSoMC', data: [CASE] } },
      { path: PORTAL_PATHS.integration, body: { session: 's1', madonvi: '000.00.02.H56', service: 'CapNhatTienDoHoSoMC', data: [PROGRESS] } },
    ]);
  });

  it('sends no madonvi when no agency code is configured', async () => {
    const portal = scriptedPortal({ logins: [() => loginOk('s1')], calls: [() => ok()] });
    await client(portal.fetch).pushCases([CASE]);
    expect(portal.sent[1]!.body).not.toHaveProperty('madonvi');
  });

  it('calls nothing for an empty batch', async () => {
    const portal = scriptedPortal({});
    await client(portal.fetch).pushCases([]);
    await client(portal.fetch).pushProgress([]);
    expect(portal.sent).toEqual([]);
  });

  it('lets concurrent first calls share one login', async () => {
    const portal = scriptedPortal({ logins: [() => loginOk('s1')], calls: [() => ok(), () => ok(), () => ok()] });
    const c = client(portal.fetch);
    await Promise.all([c.pushCases([CASE]), c.pushProgress([PROGRESS]), c.lookup(CASE.MaHoSo)]);
    expect(portal.logins()).toBe(1);
  });

  it.each(['SESSION_EXPIRED', 'SESSION_UNKNOWN'])('logs in again once after %s and repeats the call with the new session', async (code) => {
    const portal = scriptedPortal({
      logins: [() => loginOk('s1'), () => loginOk('s2')],
      calls: [() => ok(), () => refusal(401, code), () => ok(), () => ok()],
    });
    const c = client(portal.fetch);
    await c.pushCases([CASE]);
    await c.pushProgress([PROGRESS]);
    await c.pushProgress([PROGRESS]);
    expect(portal.sent.map((s) => [s.path, s.body.session])).toEqual([
      [PORTAL_PATHS.login, undefined],
      [PORTAL_PATHS.integration, 's1'],
      [PORTAL_PATHS.integration, 's1'],
      [PORTAL_PATHS.login, undefined],
      [PORTAL_PATHS.integration, 's2'],
      [PORTAL_PATHS.integration, 's2'],
    ]);
  });

  it('does not loop when a fresh session is refused too: the call is unavailable, to be retried later', async () => {
    const portal = scriptedPortal({
      logins: [() => loginOk('s1'), () => loginOk('s2')],
      calls: [() => refusal(401, 'SESSION_EXPIRED'), () => refusal(401, 'SESSION_UNKNOWN')],
    });
    const error = await client(portal.fetch).pushCases([CASE]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalUnavailableError);
    expect(error).toMatchObject({ retryable: true, status: 401, code: 'SESSION_UNKNOWN' });
    expect(portal.logins()).toBe(2);
  });

  it('renews a session before the lifetime the portal gave it runs out', async () => {
    let now = 1_000_000;
    const portal = scriptedPortal({ logins: [() => loginOk('s1', 60), () => loginOk('s2', 60)], calls: [() => ok(), () => ok(), () => ok()] });
    const c = client(portal.fetch, { clock: () => now });
    await c.pushCases([CASE]);
    now += 50_000;
    await c.pushCases([CASE]);
    now += 5_000;
    await c.pushCases([CASE]);
    expect(portal.sent.filter((s) => s.path !== PORTAL_PATHS.login).map((s) => s.body.session)).toEqual(['s1', 's1', 's2']);
  });

  it('rejects wrong credentials as not retryable', async () => {
    const portal = scriptedPortal({ logins: [() => refusal(401, 'INVALID_CREDENTIALS')] });
    const error = await client(portal.fetch).pushCases([CASE]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalRejectedError);
    expect(error).toMatchObject({ retryable: false, status: 401, code: 'INVALID_CREDENTIALS' });
  });

  it('carries the per-record problems of a refused batch', async () => {
    const problems = [{ index: 0, MaHoSo: CASE.MaHoSo, field: 'NgayTiepNhan', message: 'is not a portal date-time' }];
    const portal = scriptedPortal({ logins: [() => loginOk('s1')], calls: [() => refusal(400, 'VALIDATION_FAILED', { problems })] });
    const error = await client(portal.fetch).pushCases([CASE]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalRejectedError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', problems, message: 'refused: VALIDATION_FAILED' });
  });

  it('names a 4xx without the portal shape by its status', async () => {
    const portal = scriptedPortal({ logins: [() => loginOk('s1')], calls: [() => new Response('<html>Not Found</html>', { status: 404 })] });
    await expect(client(portal.fetch).pushCases([CASE])).rejects.toMatchObject({ name: 'PortalRejectedError', code: 'HTTP_404', problems: [] });
  });

  it('rejects a 200 answer whose error_code is not success, as real portals answer failures', async () => {
    const portal = scriptedPortal({ logins: [() => loginOk('s1')], calls: [() => json(200, { error_code: '-1', message: 'Dữ liệu không hợp lệ' })] });
    await expect(client(portal.fetch).pushCases([CASE])).rejects.toMatchObject({ name: 'PortalRejectedError', code: 'ERROR_-1', message: 'Dữ liệu không hợp lệ' });
  });

  it('takes error_code 0 as success, as real portals also write it', async () => {
    const portal = scriptedPortal({ logins: [() => json(200, { error_code: 0, session: 's1' })], calls: [() => json(200, { error_code: 0 })] });
    await expect(client(portal.fetch).pushCases([CASE])).resolves.toBeUndefined();
  });

  it.each([
    ['an outage (503)', () => refusal(503, 'PORTAL_DOWN'), 503],
    ['a failure (500)', () => refusal(500, 'INTERNAL_ERROR'), 500],
    ['a proxy error without a body (502)', () => new Response(null, { status: 502 }), 502],
    ['rate limiting (429)', () => new Response('slow down', { status: 429 }), 429],
  ])('reports %s as unavailable', async (_what, reply, status) => {
    const portal = scriptedPortal({ logins: [() => loginOk('s1')], calls: [reply] });
    const error = await client(portal.fetch).pushProgress([PROGRESS]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalUnavailableError);
    expect(error).toMatchObject({ retryable: true, status });
  });

  it('reports an outage during login as unavailable', async () => {
    const portal = scriptedPortal({ logins: [() => refusal(503, 'PORTAL_DOWN')] });
    await expect(client(portal.fetch).lookup(CASE.MaHoSo)).rejects.toMatchObject({ name: 'PortalUnavailableError', code: 'PORTAL_DOWN' });
  });

  it('reports a 200 answer that is not JSON as unavailable', async () => {
    const portal = scriptedPortal({ logins: [() => loginOk('s1')], calls: [() => new Response('<html>maintenance</html>', { status: 200 })] });
    await expect(client(portal.fetch).pushCases([CASE])).rejects.toBeInstanceOf(PortalUnavailableError);
  });

  it('reports a refused connection as unavailable, naming the cause', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const fetch = jest.fn().mockRejectedValue(refused) as unknown as typeof globalThis.fetch;
    const error = await client(fetch).pushCases([CASE]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalUnavailableError);
    expect((error as Error).message).toMatch(/could not be reached at \/api\/login: ECONNREFUSED/);
    expect((error as Error).cause).toBe(refused);
  });

  it('gives up on an answer that takes longer than the time-out', async () => {
    const neverAnswers: Reply = (_sent, init) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason), { once: true }));
    const portal = scriptedPortal({ logins: [() => loginOk('s1')], calls: [neverAnswers] });
    const error = await client(portal.fetch, { timeoutMs: 50 }).pushCases([CASE]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalUnavailableError);
    expect((error as Error).message).toBe('The portal did not answer /api/integration within 50 ms');
  });

  it('looks a case up: the held case, or null when the portal has none', async () => {
    const held = { HoSo: CASE, TienDo: [PROGRESS], NgayCapNhat: '20240316090000' } as PortalLookupAnswer;
    const portal = scriptedPortal({ logins: [() => loginOk('s1')], calls: [() => ok({ result: [held] }), () => ok({ result: [] })] });
    const c = client(portal.fetch);
    await expect(c.lookup(CASE.MaHoSo)).resolves.toEqual(held);
    await expect(c.lookup('000.00.02.H56-240315-0009')).resolves.toBeNull();
    expect(portal.sent[1]).toEqual({ path: PORTAL_PATHS.share, body: { session: 's1', service: 'TraCuuHoSo', mahoso: CASE.MaHoSo } });
  });

  it('refuses a time-out that is not a positive number', () => {
    expect(() => client(jest.fn() as unknown as typeof globalThis.fetch, { timeoutMs: 0 })).toThrow(RangeError);
  });
});
