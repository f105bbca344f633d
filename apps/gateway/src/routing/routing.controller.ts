import { All, Controller, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { HttpHeader } from '@lgsp/contracts';
import { queryOf } from './exchange-request';
import { AuthenticatedRequest } from '../auth/principal';
import { ExchangeRecorder } from '../message-log/exchange-recorder';
import { TracedRequest, traceOf } from '../message-log/exchange-trace';
import { validateIssue } from './exchange-request';
import { RouteExchangeUseCase } from './route-exchange.use-case';

/**
 * The platform's one routing endpoint, after X-Road's REST protocol: `/r1/{service}/{path…}` with any method.
 * The caller is whoever the Bearer token says; the request id is the caller's (an idempotency key) or generated,
 * and is echoed together with a hash that binds the answer to the request.
 */
@ApiTags('routing')
@ApiBearerAuth()
@Controller('r1')
export class RoutingController {
  constructor(
    private readonly exchange: RouteExchangeUseCase,
    private readonly recorder: ExchangeRecorder,
  ) {}

  @All([':service', ':service/*path'])
  @ApiOperation({ summary: 'Call a service of the catalog (request/reply answers with the service\'s reply; events answer 202)' })
  @ApiHeader({ name: HttpHeader.RequestId, required: false, description: 'Idempotency key, 1–128 of [A-Za-z0-9._:-]; generated when absent' })
  @ApiHeader({ name: HttpHeader.Issue, required: false, description: 'Case number or purpose of the call, e.g. 000.00.53.H48-220921-0099' })
  async route(
    @Param('service') service: string,
    @Req() req: Request & AuthenticatedRequest & TracedRequest & { id?: unknown },
    @Res() res: Response,
    @Headers(HttpHeader.Issue) issueHeader: string | undefined,
    @Headers('content-type') contentType: string | undefined,
  ): Promise<void> {
    const trace = traceOf(req);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const answer = await this.exchange.execute(
      {
        clientId: req.principal!.clientId,
        serviceCode: service,
        method: req.method,
        path: trace.path!,
        query: queryOf(req.originalUrl),
        requestId: trace.requestId!,
        issue: validateIssue(issueHeader),
        contentType: contentType ?? null,
        body,
      },
      trace,
    );
    // Logged before it is answered: an exchange the client saw is always in the message log.
    await this.recorder.record(trace, {
      method: req.method,
      status: answer.status,
      requestBody: body,
      responseBody: answer.body,
      contentType: contentType ?? null,
      faultCode: answer.status >= 400 ? (answer.headers[HttpHeader.ErrorCode] ?? null) : null,
      faultMessage: answer.status >= 400 ? providerMessage(answer.body) : null,
    });
    res.status(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.setHeader(HttpHeader.RequestHash, answer.requestHash);
    if (answer.replayed) res.setHeader('x-lgsp-replayed', 'true');
    res.end(answer.body);
  }
}

/** The sentence of a service's refusal ({error: {code, message}}), for the message log; null when the body is not one. */
function providerMessage(body: Buffer): string | null {
  if (body.length === 0 || body.length > 64 * 1024 || body[0] !== 0x7b) return null;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === 'string' ? parsed.error.message.slice(0, 500) : null;
  } catch {
    return null;
  }
}
