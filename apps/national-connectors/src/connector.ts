import { InvalidIdentifierError } from '@lgsp/identifiers';

/**
 * A refusal or failure the calling system receives as {code, message} with an HTTP status (through the gateway).
 * `remoteFailure` says the national system misbehaved (it counts towards opening the circuit); `retryable` says the
 * same read may succeed if asked again soon (timeouts and 5xx only: a garbage answer or a refused token will not).
 */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly flags: { remoteFailure?: boolean; retryable?: boolean } = {},
  ) {
    super(message);
  }

  get remoteFailure(): boolean {
    return this.flags.remoteFailure === true;
  }

  get retryable(): boolean {
    return this.flags.retryable === true;
  }
}

/** The platform's refusals for what a national system answers; every connector maps its envelope onto these. */
export const remoteRefusals = {
  notFound: (systemName: string, what: string) =>
    new ConnectorError(404, 'RECORD_NOT_FOUND', `${systemName} holds no record for ${what}.`),
  authFailed: (systemName: string) =>
    new ConnectorError(502, 'REMOTE_AUTH_FAILED', `${systemName} refused the platform's credentials; the platform's operators must renew them.`, { remoteFailure: true }),
  // The two access refusals are settled between operators, not by asking again: not retryable.
  ipDisallowed: (systemName: string) =>
    new ConnectorError(
      502,
      'REMOTE_ACCESS_DENIED',
      `${systemName} refuses calls from the platform's network address (IP_DISALLOWED); the platform's operators must have it allowed.`,
      { remoteFailure: true },
    ),
  agencyRefused: (systemName: string) =>
    new ConnectorError(
      502,
      'REMOTE_ACCESS_DENIED',
      `${systemName} does not accept the platform's agency code (AGENCY_ID_INCORRECT); the platform's operators must have it registered.`,
      { remoteFailure: true },
    ),
  badAnswer: (systemName: string, why: string) =>
    new ConnectorError(502, 'REMOTE_BAD_ANSWER', `${systemName} sent an answer the platform cannot read (${why}).`, { remoteFailure: true }),
  timeout: (systemName: string, timeoutMs: number) =>
    new ConnectorError(504, 'REMOTE_TIMEOUT', `${systemName} did not answer within ${timeoutMs} ms.`, { remoteFailure: true, retryable: true }),
  error: (systemName: string, detail: string) =>
    new ConnectorError(502, 'REMOTE_ERROR', `${systemName} failed to answer (${detail}); try again later.`, { remoteFailure: true, retryable: true }),
  unavailable: (systemName: string, retryAfterMs: number) =>
    new ConnectorError(
      503,
      'REMOTE_UNAVAILABLE',
      `${systemName} has been failing, so the platform stops calling it for a while; try again in about ${Math.ceil(retryAfterMs / 1000)} s.`,
    ),
  /** The remote refused an identifier the platform's own rules accepted: the caller still has to change it. */
  invalidIdentifier: (systemName: string, remoteMessage: string) =>
    new ConnectorError(400, 'INVALID_IDENTIFIER', `${systemName} refused the identifier: ${remoteMessage}`),
};

/** What a national system sent back, before its envelope is read. */
export interface RemoteAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** One look-up a connector offers, e.g. `GET /citizens/{id}`. */
export interface ConnectorOperation {
  /** How the operation is written in refusals and documentation. */
  readonly route: string;
  readonly method: 'GET';
  /** Matched against the path the gateway forwards (after `/r1/{service}`). */
  readonly pattern: RegExp;
  /**
   * Checks the identifier(s) in the match with `@lgsp/identifiers` and returns the path to ask the remote system
   * (under its prefix) and the identifier for logs. Throws InvalidIdentifierError for a bad identifier.
   */
  resolve(match: RegExpExecArray): { remotePath: string; identifier: string };
}

/** One national database as the platform's gateway service `service` exposes it. */
export interface Connector {
  /** The gateway service code, e.g. `national.population`. */
  readonly service: string;
  /** The simulator's (and the credentials') system name, which is also its path prefix: `population`, `business`… */
  readonly system: string;
  /** The system's name in sentences. */
  readonly systemName: string;
  readonly operations: readonly ConnectorOperation[];
  /** Personal data may only be looked up for a stated case or purpose (the gateway's `x-lgsp-issue`). */
  readonly personalData: boolean;
  /** How long a successful answer is served from the cache. */
  readonly cacheTtlMs: number;
  /** The record in a successful answer, or a ConnectorError for anything else. */
  readAnswer(answer: RemoteAnswer, identifier: string): unknown;
}

/** The identifier library's refusal as the platform's 400, keeping the library's code and sentence. */
export function identifierRefusal(error: InvalidIdentifierError): ConnectorError {
  return new ConnectorError(400, error.identifierCode, error.message);
}

/** Parses a JSON answer, or null when the body is not JSON (an HTML maintenance page, a truncated body). */
export function parseJsonAnswer(answer: RemoteAnswer): Record<string, unknown> | null {
  if (!/\bjson\b/i.test(answer.contentType)) return null;
  try {
    const body: unknown = JSON.parse(answer.text);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The mapping every connector shares once it has read its envelope's error code (as a number, NaN when absent):
 * 5xx statuses are outages whatever the body says, then the codes the national systems document
 * (100 AUTHEN_ERROR, 101 IP_DISALLOWED, 106 AGENCY_ID_INCORRECT, 201 RECORD_NOT_FOUND, 202 INVALID_IDENTIFIER), then
 * anything else — a bare 403 included — is an answer the platform does not understand.
 */
export function mapRemoteError(systemName: string, answer: RemoteAnswer, remoteCode: number, remoteMessage: string, identifier: string): ConnectorError {
  if (answer.status >= 500) return remoteRefusals.error(systemName, `HTTP ${answer.status}`);
  if (answer.status === 401 || remoteCode === 100) return remoteRefusals.authFailed(systemName);
  if (remoteCode === 101) return remoteRefusals.ipDisallowed(systemName);
  if (remoteCode === 106) return remoteRefusals.agencyRefused(systemName);
  if (remoteCode === 201) return remoteRefusals.notFound(systemName, identifier);
  if (remoteCode === 202) return remoteRefusals.invalidIdentifier(systemName, remoteMessage);
  return remoteRefusals.badAnswer(systemName, `HTTP ${answer.status}, code ${Number.isNaN(remoteCode) ? 'none' : remoteCode}`);
}

/**
 * What a connector reads out of its system's envelope: the record of a success, the code and message of a refusal,
 * or null when the body is not that envelope at all.
 */
export type EnvelopeReading = { record: unknown } | { refusal: { code: number; message: string } } | null;

/**
 * The steps every JSON national system's answer goes through, around the one part that differs between systems,
 * `readEnvelope`. An answer that is not JSON or not the envelope is an outage when its status is 5xx and a bad answer
 * otherwise; a success must come with HTTP 200 and a record (an object); a refusal is mapped by mapRemoteError.
 */
export function readJsonAnswer(systemName: string, answer: RemoteAnswer, identifier: string, readEnvelope: (body: Record<string, unknown>) => EnvelopeReading): unknown {
  const body = parseJsonAnswer(answer);
  const reading = body ? readEnvelope(body) : null;
  if (reading && 'refusal' in reading) throw mapRemoteError(systemName, answer, reading.refusal.code, reading.refusal.message, identifier);
  if (answer.status >= 500) throw remoteRefusals.error(systemName, `HTTP ${answer.status}`);
  if (!reading) throw remoteRefusals.badAnswer(systemName, body ? 'not in its envelope' : 'not JSON');
  if (answer.status !== 200) throw remoteRefusals.badAnswer(systemName, `success with HTTP ${answer.status}`);
  if (typeof reading.record !== 'object' || reading.record === null || Array.isArray(reading.record)) throw remoteRefusals.badAnswer(systemName, 'success without a record');
  return reading.record;
}

/** A code as the systems write it: a number, or digits in a string ("0", "201"); NaN for anything else. */
export function remoteCode(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return NaN;
}

/** A path segment as the caller meant it; a malformed escape is kept as sent, and the identifier rules refuse it. */
export function pathSegment(match: RegExpExecArray, group: number): string {
  const raw = match[group] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
