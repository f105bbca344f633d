import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HttpHeader } from '@lgsp/contracts';
import { ExchangeRecorder } from '../message-log/exchange-recorder';
import { RedisStoreError } from '../platform/store.providers';
import { TracedRequest } from '../message-log/exchange-trace';
import { GatewayErrorCode } from './error-codes';
import { ErrorBody, GatewayError } from './gateway-error';

/** Nest's own HTTP exceptions, mapped onto the platform's error codes. */
function fromHttpException(err: HttpException): GatewayError {
  const status = err.getStatus();
  const response = err.getResponse();
  const detail = typeof response === 'object' && response && 'message' in response ? (response as { message: unknown }).message : undefined;
  const sentence = Array.isArray(detail) ? detail.join('; ') : typeof detail === 'string' ? detail : undefined;
  const byStatus: Partial<Record<number, GatewayErrorCode>> = {
    [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
    [HttpStatus.PAYLOAD_TOO_LARGE]: 'BODY_TOO_LARGE',
    [HttpStatus.BAD_REQUEST]: 'VALIDATION_FAILED',
    [HttpStatus.FORBIDDEN]: 'FORBIDDEN_ROLE',
    [HttpStatus.UNAUTHORIZED]: 'TOKEN_INVALID',
  };
  const code = byStatus[status];
  if (!code) return new GatewayError('INTERNAL_ERROR');
  return new GatewayError(code, code === 'NOT_FOUND' ? undefined : sentence);
}

/**
 * Every failure leaves the gateway as `{ error: { code, message }, requestId }` with its status: a code for
 * programs, a sentence for people, and the id that finds the exchange in the logs.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('GatewayExceptionFilter');

  /** With a recorder, a refused exchange is written to the message log before the refusal is sent. */
  constructor(private readonly recorder?: ExchangeRecorder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & TracedRequest & { id?: unknown }>();
    const res = ctx.getResponse<Response>();
    let error: GatewayError;
    if (exception instanceof GatewayError) error = exception;
    else if (exception instanceof HttpException) error = fromHttpException(exception);
    else if (exception instanceof RedisStoreError) {
      // An outage of a dependency, not a bug: the client is told to retry, the operator gets the store and operation.
      this.logger.error(exception.message);
      error = new GatewayError('STATE_STORE_UNAVAILABLE', undefined, { 'Retry-After': '1' });
    } else {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
      error = new GatewayError('INTERNAL_ERROR');
    }
    const requestId = typeof req.id === 'string' ? req.id : undefined;
    const body: ErrorBody = { error: { code: error.code, message: error.message }, ...(requestId ? { requestId } : {}) };
    if (res.headersSent) return;
    const send = (): void => {
      if (res.headersSent) return;
      if (requestId) res.setHeader(HttpHeader.RequestId, requestId);
      res.setHeader(HttpHeader.ErrorCode, error.code);
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      res.status(error.status).json(body);
    };
    const trace = req.exchangeTrace;
    if (!this.recorder || !trace) return send();
    this.recorder
      .record(trace, {
        method: req.method,
        status: error.status,
        requestBody: Buffer.isBuffer(req.body) ? req.body : null,
        responseBody: Buffer.from(JSON.stringify(body)),
        contentType: typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : null,
        faultCode: error.code,
        faultMessage: error.message,
      })
      .then(send, (err: Error) => {
        this.logger.error(`could not log the refused exchange ${requestId}: ${err.message}`);
        send();
      });
  }
}
