import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GatewayError } from '../errors/gateway-error';
import { Public } from './bearer-auth.guard';
import { SIGNING_KEYS, SigningKeys } from './signing-keys';
import { TokenService } from './token.service';

/** RFC 6749 error names for the token endpoint, which OAuth client libraries parse. */
const OAUTH_ERROR: Partial<Record<GatewayError['code'], string>> = {
  INVALID_CLIENT: 'invalid_client',
  UNSUPPORTED_GRANT_TYPE: 'unsupported_grant_type',
  INVALID_TOKEN_REQUEST: 'invalid_request',
};

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const match = header ? /^Basic ([A-Za-z0-9+/=]+)$/.exec(header) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

@ApiTags('authentication')
@Controller()
@Public()
export class TokenController {
  constructor(
    private readonly tokens: TokenService,
    @Inject(SIGNING_KEYS) private readonly keys: SigningKeys,
  ) {}

  /**
   * OAuth2 client credentials (RFC 6749 §4.4): credentials by HTTP Basic (client_secret_basic) or in the body
   * (client_secret_post), form-encoded or JSON. Errors use the RFC's shape plus the platform's error code.
   */
  @Post('oauth/token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange client credentials for a short-lived access token (JWT, ES256)' })
  async token(@Body() body: Record<string, unknown> | undefined, @Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    try {
      const params = body ?? {};
      if (params.grant_type !== 'client_credentials') {
        throw new GatewayError(params.grant_type === undefined ? 'INVALID_TOKEN_REQUEST' : 'UNSUPPORTED_GRANT_TYPE');
      }
      const basic = basicCredentials(authorization);
      const id = basic?.id ?? params.client_id;
      const secret = basic?.secret ?? params.client_secret;
      if (typeof id !== 'string' || typeof secret !== 'string' || !id || !secret) throw new GatewayError('INVALID_TOKEN_REQUEST');
      return await this.tokens.issue(id, secret);
    } catch (err) {
      if (err instanceof GatewayError && OAUTH_ERROR[err.code]) {
        if (err.code === 'INVALID_CLIENT') res.setHeader('WWW-Authenticate', 'Basic realm="lgsp"');
        res.status(err.status);
        return { error: OAUTH_ERROR[err.code], error_description: err.message, code: err.code };
      }
      throw err;
    }
  }

  /** The public keys that verify this platform's tokens. */
  @Get('.well-known/jwks.json')
  @ApiOperation({ summary: 'Public keys (JWKS) for verifying access tokens issued by this platform' })
  jwks() {
    return { keys: [this.keys.publicJwk] };
  }
}
