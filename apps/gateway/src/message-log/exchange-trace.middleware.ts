import { Injectable, NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { HttpHeader } from '@lgsp/contracts';
import { GatewayError } from '../errors/gateway-error';
import { normalisePath, validateIssue, validateRequestId } from '../routing/exchange-request';
import { TracedRequest, traceOf } from './exchange-trace';

/** The pseudo-service under which calls to the registry admin API appear in the message log. */
export const ADMIN_SERVICE = 'gateway.admin';

/**
 * Runs first on the routing endpoint and the admin API: stamps the arrival time and establishes the request id, service and path,
 * so that even an exchange refused before routing (no token, a bad header, a body too large) is logged with them.
 */
@Injectable()
export class ExchangeTraceMiddleware implements NestMiddleware {
  use(req: Request & TracedRequest & { id?: unknown }, res: Response, next: NextFunction): void {
    const trace = traceOf(req);
    const admin = /^\/admin(\/[^?]*)?/.exec(req.originalUrl);
    const match = admin ? null : /^\/r1\/([^/?]+)(\/[^?]*)?/.exec(req.originalUrl);
    if (match) trace.serviceCode = safeDecode(match[1]) ?? match[1];
    // Operator API calls are exchanges too: they change who may do what, so they are logged like any other.
    if (admin) trace.serviceCode = ADMIN_SERVICE;
    const header = req.headers[HttpHeader.RequestId];
    try {
      trace.requestId = typeof header === 'string' ? validateRequestId(header) : randomUUID();
    } catch (err) {
      trace.requestId = randomUUID();
      req.id = trace.requestId;
      res.setHeader(HttpHeader.RequestId, trace.requestId);
      return next(err);
    }
    req.id = trace.requestId;
    res.setHeader(HttpHeader.RequestId, trace.requestId);
    const rawPath = safeDecode((admin ? admin[1] : match?.[2]) ?? '/');
    if (rawPath === null) return next(new GatewayError('VALIDATION_FAILED', 'The path is not valid URL encoding.'));
    try {
      trace.path = normalisePath(rawPath);
      const issue = req.headers[HttpHeader.Issue];
      trace.issue = validateIssue(typeof issue === 'string' ? issue : undefined);
    } catch (err) {
      return next(err);
    }
    next();
  }
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
