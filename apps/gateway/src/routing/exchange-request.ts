import { createHash } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error';

/** What arrives on the routing endpoint, once authenticated. */
export interface ExchangeRequest {
  readonly clientId: string;
  readonly serviceCode: string;
  readonly method: string;
  /** The path below the service, always starting with '/', e.g. '/documents/123'. */
  readonly path: string;
  /** The raw query string without '?', or ''. */
  readonly query: string;
  readonly requestId: string;
  readonly issue: string | null;
  readonly contentType: string | null;
  readonly body: Buffer;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_ISSUE_LENGTH = 256;

export function validateRequestId(value: string): string {
  if (!REQUEST_ID.test(value)) throw new GatewayError('INVALID_REQUEST_ID');
  return value;
}

/** The issue header travels into Kafka headers and logs: printable text only, bounded. */
export function validateIssue(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (value.length > MAX_ISSUE_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new GatewayError('INVALID_HEADER', `The x-lgsp-issue header must be at most ${MAX_ISSUE_LENGTH} printable characters.`);
  }
  return value;
}

/**
 * Normalises the path below the service. '..' and '.' segments are refused rather than resolved: a path that
 * tries to climb out of what was granted is an attack, not a typo.
 */
export function normalisePath(raw: string): string {
  const segments = raw.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || /%2e%2e|%2f/i.test(s))) {
    throw new GatewayError('ACCESS_DENIED', 'Paths with "." or ".." segments (or encoded slashes) are not accepted.');
  }
  return `/${segments.join('/')}`;
}

export function isJsonContentType(contentType: string | null): boolean {
  return contentType !== null && /^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType);
}

/**
 * SHA-256 over the request as the gateway received it — method, path, query, request id, issue, content type and
 * body, each length-prefixed so no two different requests serialise alike. Returned to the client with the answer
 * (as X-Road does) so that the answer is bound to exactly what was asked, and used to recognise a replayed id.
 */
export function requestHash(req: ExchangeRequest): string {
  const parts = [req.method, req.serviceCode, req.path, req.query, req.requestId, req.issue ?? '', req.contentType ?? ''];
  let size = 0;
  for (const part of parts) size += 4 + Buffer.byteLength(part, 'utf8');
  // One buffer for the whole header part (a 4-byte big-endian length before each field), then the body.
  const head = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) {
    const length = head.write(part, at + 4, 'utf8');
    head.writeUInt32BE(length, at);
    at += 4 + length;
  }
  return createHash('sha256').update(head).update(req.body).digest('base64');
}

export function queryOf(originalUrl: string): string {
  const at = originalUrl.indexOf('?');
  return at >= 0 ? originalUrl.slice(at + 1) : '';
}
