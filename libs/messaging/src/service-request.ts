import { KafkaHeader } from '@lgsp/contracts';
import { IncomingMessage, OutgoingMessage } from './messages';

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
