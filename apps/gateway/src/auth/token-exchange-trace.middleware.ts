import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { HttpHeader } from '@lgsp/contracts';
import { requestIdFrom, resolveRequestId } from '@lgsp/observability';
import { CLIENT_ID_PATTERN, Registry } from '@lgsp/registry';
import { ExchangeTrace, TracedRequest, traceOf } from '../message-log/exchange-trace';

/** The pseudo-service under which token requests (issued or refused) appear in the message log. */
export const TOKEN_SERVICE = 'gateway.token';

/** Client credentials from an HTTP Basic header (client_secret_basic); null when absent or not decodable. */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const match = header ? /^Basic ([A-Za-z0-9+/=]+)$/.exec(header) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    // Malformed percent-encoding is a malformed header, answered like a missing one rather than as a 500.
    return null;
  }
}

/**
 * Names the client a token request presented, for its message-log record. Only a string shaped like a client id
 * is kept, and never what may be a secret: the record's client is indexed and shown to operators. Unknown ids of
 * that shape are kept on purpose — a run of refusals for ids nobody owns is what guessing looks like — except when
 * the secret field holds a registered id, i.e. the caller swapped the two fields and the "id" is its secret. (The
 * platform's own secrets are 43 base64url characters and, with upper-case letters, never look like a client id.)
 */
export function notePresentedClient(trace: ExchangeTrace, registry: Registry, id: unknown, secret: unknown): void {
  if (typeof id !== 'string' || !CLIENT_ID_PATTERN.test(id) || id === secret) return;
  if (!registry.client(id) && typeof secret === 'string' && registry.client(secret)) return;
  trace.clientId = id;
  trace.clientMember = registry.client(id)?.member;
}

/**
 * Runs first on POST /oauth/token, before its body is parsed: stamps the arrival time and the request id and names
 * the service, so that a token request refused anywhere — by the body parser, or the controller — is one record in
 * the message log like every other exchange. The client is known here only from a Basic header; the controller
 * adds one presented in the body.
 */
@Injectable()
export class TokenExchangeTraceMiddleware implements NestMiddleware {
  constructor(private readonly registry: Registry) {}

  use(req: Request & TracedRequest & { id?: unknown }, res: Response, next: NextFunction): void {
    const trace = traceOf(req);
    trace.serviceCode = TOKEN_SERVICE;
    trace.path = '/';
    trace.issue = null;
    // The logging middleware has usually set it already (from a safe x-lgsp-request-id, or a fresh UUID).
    trace.requestId = requestIdFrom(req) ?? resolveRequestId(req.headers[HttpHeader.RequestId]);
    req.id = trace.requestId;
    res.setHeader(HttpHeader.RequestId, trace.requestId);
    const basic = basicCredentials(req.headers.authorization);
    if (basic) notePresentedClient(trace, this.registry, basic.id, basic.secret);
    next();
  }
}
