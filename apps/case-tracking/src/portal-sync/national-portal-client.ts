import {
  PORTAL_OK,
  PORTAL_PATHS,
  PORTAL_SESSION_ERROR_CODES,
  PortalService,
  type PortalCaseRecord,
  type PortalCasePushRequest,
  type PortalErrorCode,
  type PortalLoginAnswer,
  type PortalLookupAnswer,
  type PortalLookupRequest,
  type PortalProgressPushRequest,
  type PortalProgressRecord,
  type PortalRecordProblem,
} from '@lgsp/contracts';

export interface NationalPortalClientOptions {
  /** e.g. `http://127.0.0.1:8095`; the paths of PORTAL_PATHS are added to it. */
  baseUrl: string;
  username: string;
  password: string;
  /** Limit for each HTTP request (a login, or one call), covering the wait for the whole answer. */
  timeoutMs: number;
  /** The sending agency's QCVN 102 code, sent as `madonvi` when set. */
  agencyCode?: string;
  fetch?: typeof fetch;
  /** Epoch milliseconds now; the session's known expiry is compared with it. */
  clock?: () => number;
}

/**
 * The portal could not be reached or did not handle the call: network failure, time-out, a 5xx (an outage answers
 * 503), 408 or 429. Retry later with backoff; the call may or may not have taken effect (a time-out can fall after
 * the portal stored the batch), which is safe because the portal upserts cases and keeps identical progress once.
 */
export class PortalUnavailableError extends Error {
  override readonly name = 'PortalUnavailableError';
  readonly retryable = true;

  constructor(
    message: string,
    /** The HTTP status, when the portal answered at all. */
    readonly status?: number,
    /** The portal's code, when its answer carried one. */
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The portal refused the call on its merits (a 4xx, or an answer whose error_code is not "00"): invalid records, an
 * unknown case, wrong credentials. Sending the same thing again gets the same answer, so do not retry it: fix the
 * data (or the configuration) first. `problems` names each refused record and field.
 */
export class PortalRejectedError extends Error {
  override readonly name = 'PortalRejectedError';
  readonly retryable = false;

  constructor(
    message: string,
    readonly status: number,
    /** A PortalErrorCode from the simulated portal, or `HTTP_<status>` when the answer had no code. */
    readonly code: PortalErrorCode | string,
    readonly problems: PortalRecordProblem[] = [],
  ) {
    super(message);
  }
}

interface Session {
  token: string;
  /** Epoch ms after which the session is not offered any more (its lifetime less a margin for clock skew and transit). */
  renewAfter: number;
}

interface Answer {
  status: number;
  body: Record<string, unknown> | null;
}

/** Statuses after which the same call may succeed later. */
const TRANSIENT_STATUSES = new Set([408, 429]);

/**
 * The case-tracking sync worker's client for the national public-service portal (DVCQG). It logs in on first use,
 * reuses the session, and when the portal says the session expired or is unknown it logs in again and repeats the
 * call once. Every failure is one of two types: PortalUnavailableError (retry) or PortalRejectedError (do not).
 */
export class NationalPortalClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly clock: () => number;
  private session: Session | null = null;
  /** One login at a time: calls that find no session all wait for the same one. */
  private loggingIn: Promise<Session> | null = null;

  constructor(private readonly options: NationalPortalClientOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be a positive number of milliseconds (got ${options.timeoutMs})`);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? Date.now;
  }

  /** DongBoHoSoMC: creates or replaces each case by MaHoSo. All or nothing: a rejection stores none of the batch. */
  async pushCases(records: PortalCaseRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.call(PORTAL_PATHS.integration, (session): PortalCasePushRequest => ({
      ...this.envelope(session),
      service: PortalService.PushCases,
      data: records,
    }));
  }

  /** CapNhatTienDoHoSoMC: adds progress entries; entries the portal already holds are accepted and not added again. */
  async pushProgress(records: PortalProgressRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.call(PORTAL_PATHS.integration, (session): PortalProgressPushRequest => ({
      ...this.envelope(session),
      service: PortalService.PushProgress,
      data: records,
    }));
  }

  /** TraCuuHoSo: the case and its progress as the portal holds them, or null when it has no such case. */
  async lookup(caseCode: string): Promise<PortalLookupAnswer | null> {
    const body = await this.call(PORTAL_PATHS.share, (session): PortalLookupRequest => ({
      ...this.envelope(session),
      service: PortalService.LookupCase,
      mahoso: caseCode,
    }));
    const result = body.result;
    if (!Array.isArray(result)) throw new PortalUnavailableError(`The portal's ${PortalService.LookupCase} answer has no result list`, 200);
    return (result[0] as PortalLookupAnswer | undefined) ?? null;
  }

  private envelope(session: string): { session: string; madonvi?: string } {
    return this.options.agencyCode ? { session, madonvi: this.options.agencyCode } : { session };
  }

  private async call(path: string, build: (session: string) => object): Promise<Record<string, unknown>> {
    const session = await this.currentSession();
    const first = await this.post(path, build(session.token));
    if (!isSessionRefusal(first)) return this.accepted(first);
    this.forget(session);
    const renewed = await this.currentSession();
    const second = await this.post(path, build(renewed.token));
    if (isSessionRefusal(second)) {
      // A session refused right after a successful login is the portal's fault, and may pass.
      this.forget(renewed);
      throw new PortalUnavailableError(`The portal refused a session it had just issued (${codeOf(second)})`, second.status, codeOf(second));
    }
    return this.accepted(second);
  }

  private currentSession(): Promise<Session> {
    if (this.session && this.clock() < this.session.renewAfter) return Promise.resolve(this.session);
    this.loggingIn ??= this.login().finally(() => {
      this.loggingIn = null;
    });
    return this.loggingIn;
  }

  private async login(): Promise<Session> {
    const answer = this.accepted(await this.post(PORTAL_PATHS.login, { username: this.options.username, password: this.options.password }));
    const { session, expires_in: expiresIn } = answer as Partial<PortalLoginAnswer>;
    if (typeof session !== 'string' || session.length === 0) throw new PortalUnavailableError('The portal answered the login without a session', 200);
    const lifetimeMs = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : Number.POSITIVE_INFINITY;
    // Renew a little early, so a session is not sent in its last moments and refused on arrival.
    const margin = Math.min(30_000, lifetimeMs / 10);
    this.session = { token: session, renewAfter: this.clock() + lifetimeMs - margin };
    return this.session;
  }

  /** Only the session that failed is dropped: a newer one from a concurrent re-login stays. */
  private forget(session: Session): void {
    if (this.session === session) this.session = null;
  }

  private accepted(answer: Answer): Record<string, unknown> {
    const { status, body } = answer;
    const code = codeOf(answer);
    const message = typeof body?.message === 'string' ? body.message : `HTTP ${status}`;
    if (status >= 500 || TRANSIENT_STATUSES.has(status)) {
      throw new PortalUnavailableError(`The portal is unavailable: ${message}`, status, code);
    }
    if (status >= 400) throw new PortalRejectedError(message, status, code ?? `HTTP_${status}`, problemsOf(body));
    if (status < 200 || status >= 300 || body === null) {
      throw new PortalUnavailableError(`The portal answered HTTP ${status} without a JSON object`, status, code);
    }
    // Real portals can answer 200 with a failure code in the body; anything but 0/"00" is one.
    if (!isSuccessCode(body.error_code)) {
      throw new PortalRejectedError(message, status, code ?? `ERROR_${String(body.error_code)}`, problemsOf(body));
    }
    return body;
  }

  private async post(path: string, payload: object): Promise<Answer> {
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw unreachable(err, path, this.options.timeoutMs);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      throw unreachable(err, path, this.options.timeoutMs);
    }
    return { status: response.status, body: parseObject(text) };
  }
}

function unreachable(err: unknown, path: string, timeoutMs: number): PortalUnavailableError {
  const name = (err as Error | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new PortalUnavailableError(`The portal did not answer ${path} within ${timeoutMs} ms`, undefined, undefined, { cause: err });
  }
  // fetch reports every network failure as "fetch failed"; the cause says which (ECONNREFUSED, ECONNRESET, …).
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : (err as Error)?.message;
  return new PortalUnavailableError(`The portal could not be reached at ${path}: ${detail ?? String(err)}`, undefined, undefined, { cause: err });
}

function isSessionRefusal(answer: Answer): boolean {
  const code = codeOf(answer);
  return code !== undefined && (PORTAL_SESSION_ERROR_CODES as readonly string[]).includes(code);
}

function isSuccessCode(value: unknown): boolean {
  return value === PORTAL_OK || value === 0 || value === '0';
}

function codeOf(answer: Answer): string | undefined {
  const code = answer.body?.code;
  return typeof code === 'string' && code ? code : undefined;
}

function problemsOf(body: Record<string, unknown> | null): PortalRecordProblem[] {
  return Array.isArray(body?.problems) ? (body.problems as PortalRecordProblem[]) : [];
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
