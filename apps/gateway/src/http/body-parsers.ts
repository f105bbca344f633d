import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json, raw, urlencoded } from 'express';
import { GatewayError } from '../errors/gateway-error';

interface BodyParserError {
  type?: string;
  limit?: number;
}

/**
 * body-parser's failures, turned into the platform's errors where they happen. Left alone, Nest maps a JSON
 * syntax error to a generic 400 and a size overflow to a bare 413, and the code that tells them apart is lost.
 */
function platformError(err: BodyParserError): GatewayError {
  if (err.type === 'entity.too.large') {
    return new GatewayError('BODY_TOO_LARGE', `The request body is larger than the ${err.limit ?? 'configured'} bytes this platform accepts.`);
  }
  if (err.type === 'entity.parse.failed') return new GatewayError('INVALID_JSON');
  return new GatewayError('VALIDATION_FAILED', 'The request body could not be read (unsupported encoding or charset).');
}

function withPlatformErrors(parser: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => parser(req, res, (err?: unknown) => next(err ? platformError(err as BodyParserError) : undefined));
}

/** Any body, as bytes (the routing endpoint forwards what it receives). */
export const rawBody = (limit: number): RequestHandler => withPlatformErrors(raw({ type: () => true, limit }));
export const jsonBody = (limit: string): RequestHandler => withPlatformErrors(json({ limit }));
export const formBody = (limit: string): RequestHandler => withPlatformErrors(urlencoded({ extended: false, limit }));
