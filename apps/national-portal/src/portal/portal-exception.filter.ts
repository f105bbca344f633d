import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { PortalError } from './portal-error';

/** body-parser's failures carry a `type`; Nest passes them on as they are or wrapped in an HttpException. */
interface ParserFailure {
  type?: unknown;
}

function fromHttpException(err: HttpException): PortalError {
  const status = err.getStatus();
  if (status === HttpStatus.NOT_FOUND) return new PortalError('NOT_FOUND');
  if (status === HttpStatus.PAYLOAD_TOO_LARGE) return new PortalError('BODY_TOO_LARGE');
  if (status === HttpStatus.BAD_REQUEST) return new PortalError('INVALID_JSON');
  return new PortalError('INTERNAL_ERROR');
}

/**
 * Every refusal leaves the portal in one shape, `{ error_code, code, message, problems? }`, with its HTTP status:
 * `error_code` for clients written against the real portal (anything but "00" is a failure), `code` for programs,
 * `message` for people.
 */
@Catch()
export class PortalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('PortalExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let error: PortalError;
    const parserType = (exception as ParserFailure | null)?.type;
    if (exception instanceof PortalError) error = exception;
    else if (parserType === 'entity.parse.failed') error = new PortalError('INVALID_JSON');
    else if (parserType === 'entity.too.large') error = new PortalError('BODY_TOO_LARGE');
    else if (exception instanceof HttpException) error = fromHttpException(exception);
    else {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      error = new PortalError('INTERNAL_ERROR');
    }
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res.status(error.status).json(error.answer());
  }
}
