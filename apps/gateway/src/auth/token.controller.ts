import { Body, Controller, Get, Headers, HttpCode, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Registry } from '@lgsp/registry';
import { GatewayError } from '../errors/gateway-error';
import { ExchangeOutcome, ExchangeRecorder } from '../message-log/exchange-recorder';
import { TracedRequest, traceOf } from '../message-log/exchange-trace';
import { Public } from './bearer-auth.guard';
import { SIGNING_KEYS, SigningKeys } from './signing-keys';
import { TOKEN_SERVICE, basicCredentials, notePresentedClient } from './token-exchange-trace.middleware';
import { TokenService } from './token.service';

/** RFC 6749 error names for the token endpoint, which OAuth client libraries parse. */
const OAUTH_ERROR: Partial<Record<GatewayError['code'], string>> = {
  INVALID_CLIENT: 'invalid_client',
  UNSUPPORTED_GRANT_TYPE: 'unsupported_grant_type',
  INVALID_TOKEN_REQUEST: 'invalid_request',
};

@ApiTags('authentication')
@Controller()
@Public()
export class TokenController {
  private readonly logger = new Logger('TokenController');

  constructor(
    private readonly tokens: TokenService,
    @Inject(SIGNING_KEYS) private readonly keys: SigningKeys,
    private readonly recorder: ExchangeRecorder,
    private readonly registry: Registry,
  ) {}

  /**
   * OAuth2 client credentials (RFC 6749 §4.4): credentials by HTTP Basic (client_secret_basic) or in the body
   * (client_secret_post), form-encoded or JSON. Errors use the RFC's shape plus the platform's error code.
   *
   * Every token request is an exchange in the message log, under the pseudo-service gateway.token: who asked for a
   * token, when, and whether it was refused and why. The record holds sizes only — the request carries the secret
   * and the answer the token, and neither is handed to the recorder at all.
   */
  @Post('oauth/token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange client credentials for a short-lived access token (JWT, ES256)' })
  async token(
    @Body() body: Record<string, unknown> | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Req() req: Request & TracedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    // Set by TokenExchangeTraceMiddleware; made here only if the route is ever mounted without it.
    const trace = traceOf(req);
    trace.serviceCode ??= TOKEN_SERVICE;
    trace.path ??= '/';
    let issued;
    try {
      const params = body ?? {};
      const basic = basicCredentials(authorization);
      const id = basic?.id ?? params.client_id;
      const secret = basic?.secret ?? params.client_secret;
      if (!basic) notePresentedClient(trace, this.registry, id, secret);
      if (params.grant_type !== 'client_credentials') {
        throw new GatewayError(params.grant_type === undefined ? 'INVALID_TOKEN_REQUEST' : 'UNSUPPORTED_GRANT_TYPE');
      }
      if (typeof id !== 'string' || typeof secret !== 'string' || !id || !secret) throw new GatewayError('INVALID_TOKEN_REQUEST');
      issued = await this.tokens.issue(id, secret);
    } catch (err) {
      // Anything else (a bug) goes on to the exception filter, which logs it from the same trace.
      if (!(err instanceof GatewayError) || !OAUTH_ERROR[err.code]) throw err;
      if (err.code === 'INVALID_CLIENT') res.setHeader('WWW-Authenticate', 'Basic realm="lgsp"');
      res.status(err.status);
      const refusal = { error: OAUTH_ERROR[err.code], error_description: err.message, code: err.code };
      try {
        await this.recorder.record(trace, this.outcome(req, err.status, refusal, err));
      } catch (logErr) {
        // As for every refusal (see the exception filter): the refusal is still answered.
        this.logger.error(`could not log the refused token request ${trace.requestId}: ${(logErr as Error).message}`);
      }
      return refusal;
    }
    // Logged before the token is handed out, as every exchange the client sees: if the log cannot take the record,
    // this fails (500) and no token leaves the gateway unrecorded.
    await this.recorder.record(trace, this.outcome(req, 200, issued, null));
    return issued;
  }

  /** Sizes and content type only: the secret-carrying body and the token are not passed on. */
  private outcome(req: Request, status: number, answer: object, fault: GatewayError | null): ExchangeOutcome {
    const declared = Number(req.headers['content-length']);
    return {
      method: req.method,
      status,
      requestBody: null,
      responseBody: null,
      requestBytes: Number.isSafeInteger(declared) && declared >= 0 ? declared : 0,
      responseBytes: Buffer.byteLength(JSON.stringify(answer)),
      contentType: typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : null,
      faultCode: fault?.code ?? null,
      faultMessage: fault?.message ?? null,
    };
  }

  /** The public keys that verify this platform's tokens. */
  @Get('.well-known/jwks.json')
  @ApiOperation({ summary: 'Public keys (JWKS) for verifying access tokens issued by this platform' })
  jwks() {
    return { keys: [this.keys.publicJwk] };
  }
}
