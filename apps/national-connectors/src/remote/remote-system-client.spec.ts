import { ConnectorError } from '../connector';
import { RemoteSystemClient } from './remote-system-client';

const PLATFORM_AGENCY = '000.00.00.H56';

/** What the fake national system saw: each request's path and headers. */
interface SeenRequest {
  path: string;
  headers: Record<string, string>;
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fake business system: the token endpoint answers `tokenAnswer()`, every look-up a record. */
function fakeSystem(tokenAnswer: () => Response = () => json(200, { access_token: 'token-1', token_type: 'Bearer', expires_in: 3600 })) {
  const seen: SeenRequest[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
    seen.push({ path: url.pathname, headers });
    if (url.pathname.endsWith('/token')) return tokenAnswer();
    return json(200, { errorCode: 0, errorMessage: 'SUCCESS', data: { enterpriseCode: '3800100129' } });
  }) as typeof globalThis.fetch;
  return { seen, fetch };
}

const client = (fetch: typeof globalThis.fetch, agencyCode?: string) =>
  new RemoteSystemClient({
    baseUrl: 'http://national.test',
    system: 'business',
    systemName: 'The national business registry',
    clientId: 'lgsp-demo-business',
    clientSecret: 'lgsp-demo-business-secret',
    agencyCode,
    timeoutMs: 1_000,
    fetch,
  });

describe('RemoteSystemClient', () => {
  it('names the platform’s agency in x-agency-id on every look-up, and not on the token request', async () => {
    const system = fakeSystem();
    const business = client(system.fetch, PLATFORM_AGENCY);
    await business.get('/enterprises/3800100129');
    await business.get('/enterprises/3800100129-001');
    expect(system.seen.map((r) => [r.path, r.headers['x-agency-id']])).toEqual([
      ['/business/token', undefined],
      ['/business/enterprises/3800100129', PLATFORM_AGENCY],
      ['/business/enterprises/3800100129-001', PLATFORM_AGENCY],
    ]);
    expect(system.seen[1]!.headers.authorization).toBe('Bearer token-1');
  });

  it('sends no x-agency-id when it is given no agency code', async () => {
    const system = fakeSystem();
    await client(system.fetch).get('/enterprises/3800100129');
    expect(system.seen[1]!.headers).not.toHaveProperty('x-agency-id');
  });

  it('hands a 403 from the token endpoint back as the answer, for the connector to read in the system’s envelope', async () => {
    const refusal = { errorCode: 101, errorMessage: 'IP_DISALLOWED', description: 'not from this address' };
    const system = fakeSystem(() => json(403, refusal));
    const answer = await client(system.fetch, PLATFORM_AGENCY).get('/enterprises/3800100129');
    expect(answer).toMatchObject({ status: 403, contentType: expect.stringContaining('json') });
    expect(JSON.parse(answer.text)).toEqual(refusal);
    // The look-up itself was never sent without a token.
    expect(system.seen.map((r) => r.path)).toEqual(['/business/token']);
  });

  it('still reports refused credentials (401 from the token endpoint) as REMOTE_AUTH_FAILED', async () => {
    const system = fakeSystem(() => json(401, { errorCode: 100, errorMessage: 'AUTHEN_ERROR', description: 'wrong secret' }));
    const refused = client(system.fetch, PLATFORM_AGENCY).get('/enterprises/3800100129');
    await expect(refused).rejects.toBeInstanceOf(ConnectorError);
    await expect(refused).rejects.toMatchObject({ status: 502, code: 'REMOTE_AUTH_FAILED' });
  });
});
