import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, from, mergeMap } from 'rxjs';
import { ExchangeRecorder } from '../message-log/exchange-recorder';
import { TracedRequest } from '../message-log/exchange-trace';

/**
 * Logs a successful admin call before it is answered (refusals are logged by the exception filter), so that
 * every change to the registry is also an exchange in the message log, with its caller and request id.
 */
@Injectable()
export class AdminExchangeInterceptor implements NestInterceptor {
  constructor(private readonly recorder: ExchangeRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request & TracedRequest>();
    const res = http.getResponse<Response>();
    return next.handle().pipe(
      mergeMap((body: unknown) =>
        from(
          (async () => {
            if (req.exchangeTrace) {
              await this.recorder.record(req.exchangeTrace, {
                method: req.method,
                status: res.statusCode,
                requestBody: req.body && Object.keys(req.body).length ? Buffer.from(JSON.stringify(req.body)) : null,
                responseBody: Buffer.from(JSON.stringify(body ?? null)),
                contentType: 'application/json',
                faultCode: null,
                faultMessage: null,
              });
            }
            return body;
          })(),
        ),
      ),
    );
  }
}
