import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NATIONAL_SYSTEMS, type NationalSystem } from '../config/national-databases-config';
import { errorBody, GarbageAnswer, RemoteError } from './remote-error';

/** The first path segment, when it names a system: a refusal under `/business/…` takes the business system's shape. */
function systemOfPath(path: string): NationalSystem | null {
  const first = path.split('/')[1] ?? '';
  return (NATIONAL_SYSTEMS as readonly string[]).includes(first) ? (first as NationalSystem) : null;
}

/** What a proxy with a broken upstream sends: 200 and an HTML page, which a connector must not take for data. */
const GARBAGE = '<html><head><title>Maintenance</title></head><body><h1>He thong dang bao tri</h1><p>Vui long thu lai sau.</p></body></html>';

/**
 * Every refusal leaves in the shape of the system it came from (see ENVELOPES), with its HTTP status; the /sim
 * controls and unknown paths use the plain `{code, name, message}`.
 */
@Catch()
export class RemoteExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('RemoteExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof GarbageAnswer) {
      res.status(200).type('text/html').send(GARBAGE);
      return;
    }
    const error = this.toRemoteError(exception, systemOfPath(req.path));
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res.status(error.status).json(errorBody(error));
  }

  private toRemoteError(exception: unknown, system: NationalSystem | null): RemoteError {
    if (exception instanceof RemoteError) return exception;
    const parserType = (exception as { type?: unknown } | null)?.type;
    if (parserType === 'entity.parse.failed') return new RemoteError(system, 'INVALID_REQUEST', 'The request body is not valid JSON.');
    if (parserType === 'entity.too.large') return new RemoteError(system, 'INVALID_REQUEST', 'The request body is too large.');
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === HttpStatus.NOT_FOUND) return new RemoteError(system, 'NOT_FOUND');
      if (status < 500) return new RemoteError(system, 'INVALID_REQUEST');
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return new RemoteError(system, 'SYSTEM_ERROR');
  }
}
