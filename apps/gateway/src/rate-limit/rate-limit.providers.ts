import { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import { Registry } from '@lgsp/registry';
import { TierRateLimiter } from './tier-rate-limiter';

export interface RateLimitProviderOptions {
  /** The stores' connection (createStores().redis): counts shared by all replicas; null keeps them in-process. */
  readonly redis: Redis | null;
  /** Platform instance (e.g. lgsp-h56): namespaces the keys, like every other gateway key in Redis. */
  readonly instance: string;
}

/** `<instance>:gateway:rate-limit`, next to the stores' `<instance>:gateway:idempotency:` and `…:message-log:`. */
export function rateLimitKeyPrefix(instance: string): string {
  return `${instance}:gateway:rate-limit`;
}

/**
 * The TierRateLimiter, built from the registry's tiers. Tiers are fixed for the life of the process (only clients
 * and grants change at run time), so reading them once at start-up is enough. RateLimitGuard is not included:
 * it must be registered as an APP_GUARD after BearerAuthGuard, and that order is best kept visible in the module.
 */
export function rateLimitProviders(options: RateLimitProviderOptions): Provider[] {
  return [
    {
      provide: TierRateLimiter,
      inject: [Registry],
      useFactory: (registry: Registry) =>
        new TierRateLimiter({ tiers: registry.snapshot().tiers, redis: options.redis, keyPrefix: rateLimitKeyPrefix(options.instance) }),
    },
  ];
}
