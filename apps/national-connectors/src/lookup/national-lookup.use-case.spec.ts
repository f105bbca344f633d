import { Logger } from '@nestjs/common';
import { parsePlatformConfig, Registry } from '@lgsp/registry';
import { ConnectorError } from '../connector';
import { populationConnector } from '../connectors/population.connector';
import { readNationalConnectorsConfig } from '../config/national-connectors-config';
import { InMemoryLookupCache } from './lookup-cache';
import { LookupCommand, NationalLookupUseCase } from './national-lookup.use-case';

const ID = '038185000101';

type Reply = { status: number; body: unknown; contentType?: string } | 'timeout';

/**
 * The use case against a scripted national system: each look-up call takes the next reply of `replies` (an empty
 * queue answers the record), token requests are counted, and the clock and the sleeps are the test's.
 */
function setUp(settings: Record<string, string> = {}) {
  let now = Date.parse('2026-12-07T02:00:00Z');
  const replies: Reply[] = [];
  const seen = { lookups: 0, tokens: 0, sleeps: [] as number[], authorizations: [] as string[] };
  const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (url.endsWith('/population/token')) {
      seen.tokens++;
      return new Response(JSON.stringify({ access_token: `token-${seen.tokens}`, token_type: 'Bearer', expires_in: 3600 }), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    seen.lookups++;
    seen.authorizations.push(String((init?.headers as Record<string, string>).authorization));
    const reply = replies.shift() ?? { status: 200, body: { status: 'OK', data: { personalId: ID } } };
    if (reply === 'timeout') throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(text, { status: reply.status, headers: { 'content-type': reply.contentType ?? 'application/json' } });
  }) as typeof fetch;
  const config = readNationalConnectorsConfig({
    LGSP_CONFIG: 'unused',
    NATIONAL_DATABASES_URL: 'http://national.invalid',
    NATIONAL_RETRY_ATTEMPTS: '3',
    NATIONAL_BREAKER_VOLUME: '4',
    NATIONAL_BREAKER_RESET_MS: '50',
    ...settings,
  });
  const cache = new InMemoryLookupCache(100, () => now);
  const registry = new Registry(
    parsePlatformConfig({
      platform: { role: 'lgsp', code: '000.00.00.H56', name: 'Thanh Hóa (test)', instance: 'lgsp-spec' },
      members: [{ code: '000.00.00.H56', name: 'UBND tỉnh Thanh Hóa', kind: 'province' }],
    }),
  );
  const useCase = new NationalLookupUseCase(config, [populationConnector], cache, { now: () => now }, async (ms) => void seen.sleeps.push(ms), fakeFetch, registry);
  const operation = populationConnector.operations[0]!;
  const lookup = (id = ID, issue: string | null = 'H56-CASE-1') =>
    useCase.lookup({ connector: populationConnector, operation, match: operation.pattern.exec(`/citizens/${id}`)!, issue, clientId: 'one-stop' } satisfies LookupCommand);
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'OK',
      (error: unknown) => (error instanceof ConnectorError ? error.code : `unexpected ${String(error)}`),
    );
  return { useCase, lookup, codeOf, replies, seen, cache, advance: (ms: number) => (now += ms) };
}

describe('NationalLookupUseCase', () => {
  let logs: string[];
  beforeEach(() => {
    logs = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logs.push(String(message)));
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('caches a found record and logs each look-up with its issue and the identifier masked', async () => {
    const t = setUp();
    expect(await t.lookup()).toMatchObject({ cached: false, data: { personalId: ID } });
    expect(await t.lookup()).toMatchObject({ cached: true, data: { personalId: ID } });
    expect(t.seen.lookups).toBe(1);
    const lines = logs.filter((l) => l.startsWith('lookup '));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('issue=H56-CASE-1');
    expect(lines[0]).toContain('outcome=found');
    expect(lines[1]).toContain('outcome=cache');
    expect(lines.join('\n')).not.toContain(ID);
    t.useCase.onApplicationShutdown();
  });

  it('refuses a personal-data look-up without an issue, before cache and remote', async () => {
    const t = setUp();
    await t.lookup();
    expect(await t.codeOf(t.lookup(ID, null))).toBe('ISSUE_REQUIRED');
    expect(t.seen.lookups).toBe(1);
    t.useCase.onApplicationShutdown();
  });

  it('turns an invalid identifier into a 400 with the library code, without calling the remote', async () => {
    const t = setUp();
    await expect(t.lookup('03818500010')).rejects.toMatchObject({ status: 400, code: 'IDENTIFIER_LENGTH' });
    expect(t.seen.lookups + t.seen.tokens).toBe(0);
    t.useCase.onApplicationShutdown();
  });

  it('retries time-outs and 5xx with backoff up to the attempt limit, and caches no failure', async () => {
    const t = setUp();
    t.replies.push('timeout', { status: 500, body: { status: 'ERROR', error: { code: 500 } } }, 'timeout');
    expect(await t.codeOf(t.lookup())).toBe('REMOTE_TIMEOUT');
    expect(t.seen.lookups).toBe(3);
    expect(t.seen.sleeps).toHaveLength(2);
    expect(await t.lookup()).toMatchObject({ cached: false });
    t.useCase.onApplicationShutdown();
  });

  it('does not retry an answer that will not change: garbage, not found', async () => {
    const t = setUp();
    t.replies.push({ status: 200, body: '<html>maintenance</html>', contentType: 'text/html' });
    expect(await t.codeOf(t.lookup())).toBe('REMOTE_BAD_ANSWER');
    t.replies.push({ status: 404, body: { status: 'ERROR', error: { code: 201 } } });
    expect(await t.codeOf(t.lookup())).toBe('RECORD_NOT_FOUND');
    expect(t.seen.lookups).toBe(2);
    expect(t.seen.sleeps).toEqual([]);
    t.useCase.onApplicationShutdown();
  });

  it('takes a new token once when the remote refuses the current one, and reports a second refusal', async () => {
    const t = setUp();
    await t.lookup('038185000102');
    t.replies.push({ status: 401, body: { status: 'ERROR', error: { code: 100 } } });
    expect(await t.lookup('038185000103')).toMatchObject({ cached: false });
    expect(t.seen.tokens).toBe(2);
    expect(t.seen.authorizations.slice(-2)).toEqual(['Bearer token-1', 'Bearer token-2']);
    t.replies.push({ status: 401, body: { status: 'ERROR', error: { code: 100 } } }, { status: 401, body: { status: 'ERROR', error: { code: 100 } } });
    expect(await t.codeOf(t.lookup('038185000104'))).toBe('REMOTE_AUTH_FAILED');
    t.useCase.onApplicationShutdown();
  });

  it('renews the token before it expires', async () => {
    const t = setUp();
    await t.lookup('038185000102');
    t.advance(3_590_000);
    await t.lookup('038185000103');
    expect(t.seen.tokens).toBe(2);
    t.useCase.onApplicationShutdown();
  });

  it('opens the circuit after repeated failures, fails fast while open, and closes after a successful trial', async () => {
    const t = setUp({ NATIONAL_RETRY_ATTEMPTS: '1' });
    const down = { status: 503, body: { status: 'ERROR', error: { code: 503 } } };
    t.replies.push(down, down, down, down);
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push(await t.codeOf(t.lookup()));
    expect(codes).toEqual(['REMOTE_ERROR', 'REMOTE_ERROR', 'REMOTE_ERROR', 'REMOTE_ERROR']);
    expect(await t.codeOf(t.lookup())).toBe('REMOTE_UNAVAILABLE');
    expect(t.seen.lookups).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await t.lookup()).toMatchObject({ cached: false });
    expect(await t.lookup('038185000102')).toMatchObject({ cached: false });
    expect(t.seen.lookups).toBe(6);
    t.useCase.onApplicationShutdown();
  });
});
