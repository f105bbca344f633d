import { randomUUID } from 'node:crypto';

/**
 * A caller's id is only trusted when it cannot forge a log line or a header (no CR/LF, no quotes, no spaces) and
 * stays short enough to index.
 */
export const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's id when it is a safe token, a fresh UUID otherwise (absent, repeated header, unsafe, too long). */
export function resolveRequestId(header: unknown): string {
  return typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** The request id LoggingModule put on `req.id`, for controllers, filters and whoever builds Kafka headers. */
export function requestIdFrom(req: unknown): string | undefined {
  if (typeof req !== 'object' || req === null) return undefined;
  const id = (req as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
