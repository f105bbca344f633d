import { ConnectorError, remoteRefusals, RemoteAnswer } from '../connector';

export interface RemoteSystemClientOptions {
  /** The national databases' base URL; the system's prefix and paths are added to it. */
  baseUrl: string;
  /** The path prefix, also the system's name: `population`, `business`… */
  system: string;
  /** The system's name in sentences. */
  systemName: string;
  clientId: string;
  clientSecret: string;
  /**
   * The platform's own agency code (QCVN 102), sent as `x-agency-id` with every look-up: the national systems answer
   * only look-ups that name a registered agency (106 AGENCY_ID_INCORRECT otherwise). Left out, no header is sent.
   */
  agencyCode?: string;
  /** Limit for each HTTP exchange (a token request, or one look-up), covering the whole answer. */
  timeoutMs: number;
  clock?: () => number;
  fetch?: typeof fetch;
}

interface Token {
  value: string;
  /** Epoch ms after which the token is not offered any more. */
  renewAfter: number;
}

/** A token is renewed this long before its stated expiry, for clock skew and the time a call spends in transit. */
const RENEW_MARGIN_MS = 30_000;

/** The header a look-up names the calling agency in. */
export const AGENCY_ID_HEADER = 'x-agency-id';

/**
 * The token endpoint refused for a reason other than the credentials (a 403: the platform's address is not allowed,
 * say). It answers in the system's own envelope, so the refusal goes back as the look-up's answer for the connector
 * to read, rather than being guessed at here.
 */
class TokenEndpointRefusal extends Error {
  override readonly name = 'TokenEndpointRefusal';
  constructor(readonly answer: RemoteAnswer) {
    super(`the token endpoint refused with HTTP ${answer.status}`);
  }
}

/**
 * One national system over HTTP: its own client credentials and token (a token from one system is refused by the
 * others), fetched on first use, renewed before it expires, and fetched again once when the system says it is no
 * longer valid. Every look-up names the platform's agency. Network failures and time-outs become ConnectorErrors; any
 * answer, even an error, is returned as is — a token endpoint's 403 included.
 */
export class RemoteSystemClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly clock: () => number;
  private token: Token | null = null;
  /** One token request at a time: look-ups that find no token all wait for the same one. */
  private renewing: Promise<Token> | null = null;

  constructor(private readonly options: RemoteSystemClientOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be a positive number of milliseconds (got ${options.timeoutMs})`);
    this.baseUrl = `${options.baseUrl.replace(/\/+$/, '')}/${options.system}`;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? Date.now;
  }

  async get(path: string): Promise<RemoteAnswer> {
    try {
      const token = await this.currentToken();
      const answer = await this.lookUp(path, token);
      if (answer.status !== 401) return answer;
      // Tokens can end early (the system restarted, or revoked them): one fresh token, one more try.
      if (this.token === token) this.token = null;
      return await this.lookUp(path, await this.currentToken());
    } catch (error) {
      if (error instanceof TokenEndpointRefusal) return error.answer;
      throw error;
    }
  }

  private lookUp(path: string, token: Token): Promise<RemoteAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${token.value}`, accept: 'application/json' };
    if (this.options.agencyCode !== undefined) headers[AGENCY_ID_HEADER] = this.options.agencyCode;
    return this.exchange(path, { method: 'GET', headers });
  }

  private currentToken(): Promise<Token> {
    if (this.token && this.clock() < this.token.renewAfter) return Promise.resolve(this.token);
    this.renewing ??= this.requestToken().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async requestToken(): Promise<Token> {
    const { systemName, clientId, clientSecret } = this.options;
    const answer = await this.exchange('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ client_id: clientId, client_secret: clientSecret }),
    });
    if (answer.status >= 500) throw remoteRefusals.error(systemName, `HTTP ${answer.status} from its token endpoint`);
    if (answer.status === 401) throw remoteRefusals.authFailed(systemName);
    if (answer.status === 403) throw new TokenEndpointRefusal(answer);
    const body = readTokenAnswer(answer.text);
    if (answer.status !== 200 || !body || typeof body.access_token !== 'string' || body.access_token === '') {
      throw remoteRefusals.badAnswer(systemName, `its token endpoint answered HTTP ${answer.status} without a token`);
    }
    const lifetimeMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 60_000;
    const token = { value: body.access_token, renewAfter: this.clock() + Math.max(lifetimeMs - RENEW_MARGIN_MS, lifetimeMs / 2) };
    this.token = token;
    return token;
  }

  private async exchange(path: string, init: RequestInit): Promise<RemoteAnswer> {
    const { systemName, timeoutMs } = this.options;
    try {
      // The signal also covers reading the body: a system that sends headers and then stalls times out too.
      const res = await this.fetch(`${this.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', text };
    } catch (error) {
      if (error instanceof ConnectorError) throw error;
      // By name, not instanceof: fetch's DOMException may come from another realm than this module's Error.
      const name = (error as { name?: unknown } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') throw remoteRefusals.timeout(systemName, timeoutMs);
      throw remoteRefusals.error(systemName, `unreachable: ${(error as { message?: unknown } | null)?.message ?? error}`);
    }
  }
}

function readTokenAnswer(text: string): { access_token?: unknown; expires_in?: unknown } | null {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null ? (body as { access_token?: unknown; expires_in?: unknown }) : null;
  } catch {
    return null;
  }
}
