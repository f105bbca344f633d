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

/**
 * One national system over HTTP: its own client credentials and token (a token from one system is refused by the
 * others), fetched on first use, renewed before it expires, and fetched again once when the system says it is no
 * longer valid. Network failures and time-outs become ConnectorErrors; any answer, even an error, is returned as is.
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
    const token = await this.currentToken();
    const answer = await this.exchange(path, { method: 'GET', headers: { authorization: `Bearer ${token.value}`, accept: 'application/json' } });
    if (answer.status !== 401) return answer;
    // Tokens can end early (the system restarted, or revoked them): one fresh token, one more try.
    if (this.token === token) this.token = null;
    const renewed = await this.currentToken();
    return this.exchange(path, { method: 'GET', headers: { authorization: `Bearer ${renewed.value}`, accept: 'application/json' } });
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
    if (answer.status === 401 || answer.status === 403) throw remoteRefusals.authFailed(systemName);
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
