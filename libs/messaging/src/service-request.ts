import { KafkaHeader } from '@lgsp/contracts';
import { IncomingMessage, OutgoingMessage } from './messages';
import { errorReply } from './provider-error';

/** Who is calling a service behind the gateway, as the gateway vouches for it (token → client → agency and roles). */
export interface ServiceCaller {
  clientId: string;
  /** The QCVN 102 code of the client's member agency. */
  member: string;
  /** agency-system, operator, admin. */
  roles: readonly string[];
}

/** The caller the gateway named in the request's headers, or null when it named none (not reached through it). */
export function readCaller(request: IncomingMessage): ServiceCaller | null {
  const clientId = request.headers[KafkaHeader.Client] ?? '';
  const member = request.headers[KafkaHeader.ClientMember] ?? '';
  if (!clientId || !member) return null;
  return { clientId, member, roles: (request.headers[KafkaHeader.ClientRoles] ?? '').split(',').filter(Boolean) };
}

/** The method and the path (without trailing slashes) and query the gateway forwarded. */
export function readRoute(request: IncomingMessage): { method: string; path: string; query: URLSearchParams } {
  const url = new URL(request.headers[KafkaHeader.Path] ?? '/', 'http://service.invalid');
  return {
    method: (request.headers[KafkaHeader.Method] ?? 'GET').toUpperCase(),
    path: url.pathname.replace(/\/+$/, '') || '/',
    query: url.searchParams,
  };
}

/** A JSON reply with its HTTP-style status, as the gateway passes it on. */
export function jsonReply(status: number, body: unknown): OutgoingMessage {
  return {
    value: JSON.stringify(body),
    headers: { [KafkaHeader.Status]: String(status), [KafkaHeader.ContentType]: 'application/json' },
  };
}

/**
 * Runs a service's router on one request. A refusal the service meant (`isRefusal`) is answered with its status,
 * code and sentence; anything else is a bug or an outage: it is logged with the request id and answered 500 with a
 * sentence that names the service and gives nothing of its internals away.
 */
export async function answerRequest(
  request: IncomingMessage,
  route: (request: IncomingMessage) => Promise<OutgoingMessage>,
  options: { service: string; isRefusal: (error: unknown) => boolean; log: (message: string) => void },
): Promise<OutgoingMessage> {
  try {
    return await route(request);
  } catch (error) {
    if (options.isRefusal(error)) return errorReply(error);
    options.log(`request ${request.headers[KafkaHeader.RequestId] ?? '?'} failed: ${(error as Error).stack ?? error}`);
    return errorReply(Object.assign(new Error(`${options.service} could not complete the request.`), { status: 500, code: 'INTERNAL_ERROR' }));
  }
}
