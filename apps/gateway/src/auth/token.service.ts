import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Registry } from '@lgsp/registry';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { GatewayError } from '../errors/gateway-error';
import { Principal } from './principal';
import { SIGNING_KEYS, SigningKeys, TOKEN_ALGORITHM } from './signing-keys';

/** Live tokens remembered as verified: a few per client system, even for a province's thousands of them. */
const MAX_REMEMBERED_TOKENS = 10_000;

export interface IssuedToken {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
}

/**
 * Issues and verifies the platform's access tokens (OAuth2 client credentials → short-lived JWT).
 * Verification pins the algorithm, issuer and audience, so `alg: none`, HMAC tokens signed with the public key,
 * and tokens of another platform are all refused — and checks the client is still enabled, so a revoked client
 * is locked out at once rather than when its token expires.
 */
@Injectable()
export class TokenService {
  /**
   * Tokens whose signature and claims were verified, by their exact text, until they expire. An ES256 verification
   * was about a tenth of the gateway's CPU per exchange, and a client sends the same token for its whole lifetime.
   * Only the cryptographic and claim checks are remembered: the client's state is looked up on every call.
   */
  private readonly verified = new Map<string, { subject: string; expiresAtMs: number }>();

  constructor(
    private readonly registry: Registry,
    @Inject(SIGNING_KEYS) private readonly keys: SigningKeys,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The platform instance is both issuer and audience: tokens are only for this platform's gateway. */
  private get audience(): string {
    return this.registry.platform.instance;
  }

  async issue(clientId: string, secret: string): Promise<IssuedToken> {
    const client = await this.registry.authenticate(clientId, secret);
    if (!client) throw new GatewayError('INVALID_CLIENT');
    const ttl = this.config.TOKEN_TTL_SECONDS;
    const token = await new SignJWT({ member: client.member, roles: client.roles, tier: client.tier })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: this.keys.kid, typ: 'JWT' })
      .setIssuer(this.audience)
      .setAudience(this.audience)
      .setSubject(client.id)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .setJti(randomUUID())
      .sign(this.keys.privateKey);
    return { access_token: token, token_type: 'Bearer', expires_in: ttl };
  }

  async verify(token: string): Promise<Principal> {
    const remembered = this.verified.get(token);
    if (remembered && remembered.expiresAtMs > Date.now()) return this.principal(remembered.subject);
    if (remembered) {
      this.verified.delete(token);
      throw new GatewayError('TOKEN_EXPIRED');
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keys.publicKey, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: this.audience,
        audience: this.audience,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new GatewayError('TOKEN_EXPIRED');
      if (err instanceof joseErrors.JWTClaimValidationFailed && (err.claim === 'aud' || err.claim === 'iss')) {
        throw new GatewayError('TOKEN_WRONG_AUDIENCE');
      }
      throw new GatewayError('TOKEN_INVALID');
    }
    this.remember(token, payload.sub!, payload.exp! * 1000);
    return this.principal(payload.sub!);
  }

  private remember(token: string, subject: string, expiresAtMs: number): void {
    if (this.verified.size >= MAX_REMEMBERED_TOKENS) {
      // Expired ones go first; if every one is still live, the oldest (first inserted) makes room.
      const now = Date.now();
      for (const [t, v] of this.verified) if (v.expiresAtMs <= now) this.verified.delete(t);
      if (this.verified.size >= MAX_REMEMBERED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    }
    this.verified.set(token, { subject, expiresAtMs });
  }

  private principal(subject: string): Principal {
    const client = this.registry.client(subject);
    if (!client || !client.enabled) throw new GatewayError('CLIENT_DISABLED');
    // Roles and tier come from the registry, not the token: a change applies at once.
    return { clientId: client.id, member: client.member, roles: client.roles, tier: client.tier };
  }
}
