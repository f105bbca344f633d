import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AuthenticatedRequest } from '../auth/principal';
import { GatewayError } from '../errors/gateway-error';
import { RateLimitDecision, TierRateLimiter } from './tier-rate-limiter';

/** Header names of the IETF draft "RateLimit header fields for HTTP" (draft-ietf-httpapi-ratelimit-headers). */
export const RateLimitHeader = {
  Limit: 'RateLimit-Limit',
  Remaining: 'RateLimit-Remaining',
  Reset: 'RateLimit-Reset',
} as const;

/**
 * One request counted against the caller's tier on every authenticated route. Registered as an APP_GUARD after
 * BearerAuthGuard, because the tier is known only once the token is verified: public routes (token endpoint,
 * JWKS, health, metrics) carry no principal and are not counted.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: TierRateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const principal = http.getRequest<AuthenticatedRequest>().principal;
    if (!principal) return true;
    const decision = await this.limiter.consume(principal.clientId, principal.tier);
    if (decision.limit === 0) return true;
    // Set on the response itself, so they go out with the answer and with the 429 the exception filter writes.
    const res = http.getResponse<Response>();
    res.setHeader(RateLimitHeader.Limit, String(decision.limit));
    res.setHeader(RateLimitHeader.Remaining, String(decision.remaining));
    res.setHeader(RateLimitHeader.Reset, String(decision.resetSeconds));
    if (!decision.allowed) {
      throw new GatewayError('RATE_LIMITED', refusal(principal.clientId, principal.tier, decision), {
        'Retry-After': String(decision.retryAfterSeconds),
      });
    }
    return true;
  }
}

function refusal(clientId: string, tier: string, decision: RateLimitDecision): string {
  const applied =
    decision.appliedTier === tier
      ? `its tier, ${tier}`
      : `the ${decision.appliedTier} tier (its own tier, ${tier}, is not configured, so the strictest applies)`;
  const seconds = decision.retryAfterSeconds === 1 ? '1 second' : `${decision.retryAfterSeconds} seconds`;
  return `Client system ${clientId} has used the ${decision.limit} requests per minute allowed by ${applied}; retry after ${seconds}.`;
}
