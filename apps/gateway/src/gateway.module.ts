import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { join } from 'node:path';
import { platformTopics } from '@lgsp/contracts';
import { MessagingConnection } from '@lgsp/messaging';
import { HealthModule, LoggingModule, MetricsModule } from '@lgsp/observability';
import { Registry, loadPlatformConfigFile } from '@lgsp/registry';
import { RegistryAdminController } from './admin/registry-admin.controller';
import { RegistryChangesService } from './admin/registry-changes.service';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { SIGNING_KEYS, loadOrCreateSigningKeys } from './auth/signing-keys';
import { TokenController } from './auth/token.controller';
import { TokenService } from './auth/token.service';
import { GATEWAY_CONFIG, GatewayConfig, logIndexMaxRecords } from './config/gateway-config';
import { formBody, jsonBody, rawBody } from './http/body-parsers';
import { MessagingShutdown, createMessagingConnection, messagingProviders } from './platform/messaging.providers';
import { PLATFORM_TOPICS, STORES } from './platform/platform.tokens';
import { ExchangeRecorder } from './message-log/exchange-recorder';
import { ExchangeTraceMiddleware } from './message-log/exchange-trace.middleware';
import { MessageLogIndexTrimmer } from './message-log/message-log-index-trimmer';
import { TokenExchangeTraceMiddleware } from './auth/token-exchange-trace.middleware';
import { MessageLogController } from './message-log/message-log.controller';
import { messageLogProviders } from './message-log/message-log.providers';
import { PingProvider } from './providers/ping.provider';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { rateLimitKeyPrefix } from './rate-limit/rate-limit.providers';
import { TierRateLimiter } from './rate-limit/tier-rate-limiter';
import { IDEMPOTENCY_STORE } from './routing/idempotency-store';
import { MESSAGE_LOG_INDEX } from './message-log/message-log-index';
import { Stores, createStores } from './platform/store.providers';
import { RouteExchangeUseCase } from './routing/route-exchange.use-case';
import { RoutingController } from './routing/routing.controller';

/** Small JSON/form bodies for the token endpoint and the operator API. */
const SMALL_BODY = '64kb';

/**
 * The gateway: the platform's only door. Built from a validated configuration (environment + platform file),
 * so the same module serves `lgsp up`, a standalone deployment and the tests.
 */
@Module({})
export class GatewayModule implements NestModule {
  private static maxBodyBytes = 10 * 1024 * 1024;

  static forRoot(config: GatewayConfig, registry: Registry = new Registry(loadPlatformConfigFile(config.LGSP_CONFIG))): DynamicModule {
    GatewayModule.maxBodyBytes = config.GATEWAY_MAX_BODY_BYTES;
    const topics = platformTopics(registry.platform.instance);
    const connection = createMessagingConnection(config, registry);
    // Filled when the stores connect (an async provider); read by the Redis readiness check.
    const storesRef: { current: Stores | null } = { current: null };
    const checks = [{ name: 'kafka', check: () => connection.ping(1500) }];
    if (config.REDIS_URL) {
      checks.push({
        name: 'redis',
        check: async () => {
          if (!storesRef.current?.redis) throw new Error('Redis is not connected');
          await storesRef.current.redis.ping();
        },
      });
    }
    return {
      module: GatewayModule,
      imports: [
        LoggingModule.forRoot({ service: 'gateway', level: config.LOG_LEVEL }),
        MetricsModule.forRoot({ prefix: 'lgsp_gateway_' }),
        HealthModule.forRoot({ checks }),
      ],
      controllers: [TokenController, RoutingController, MessageLogController, RegistryAdminController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: Registry, useValue: registry },
        { provide: PLATFORM_TOPICS, useValue: topics },
        { provide: SIGNING_KEYS, useFactory: () => loadOrCreateSigningKeys(join(config.LGSP_DATA_DIR, 'gateway', 'token-signing-key.jwk.json')) },
        {
          provide: STORES,
          useFactory: async () =>
            (storesRef.current = await createStores({
              redisUrl: config.REDIS_URL,
              instance: registry.platform.instance,
              commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
              maxIndexRecords: logIndexMaxRecords(config),
            })),
        },
        { provide: IDEMPOTENCY_STORE, inject: [STORES], useFactory: (stores: Stores) => stores.idempotency },
        { provide: MESSAGE_LOG_INDEX, inject: [STORES], useFactory: (stores: Stores) => stores.messageLogIndex },
        { provide: MessagingConnection, useValue: connection },
        ...messagingProviders,
        MessagingShutdown,
        ...messageLogProviders,
        ExchangeRecorder,
        MessageLogIndexTrimmer,
        RegistryChangesService,
        TokenService,
        RouteExchangeUseCase,
        PingProvider,
        {
          provide: TierRateLimiter,
          inject: [STORES],
          // Counts shared through Redis when the stores use it, in-process otherwise.
          useFactory: (stores: Stores) =>
            new TierRateLimiter({ tiers: registry.snapshot().tiers, redis: stores.redis, keyPrefix: rateLimitKeyPrefix(registry.platform.instance) }),
        },
        // Order matters: the caller is authenticated first, then counted against its tier.
        { provide: APP_GUARD, useClass: BearerAuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // The routing endpoint takes any body as bytes, refused with 413 before parsing once over the limit.
    // The trace comes first, so that a request refused by the body parser or the guard is still logged.
    consumer
      .apply(ExchangeTraceMiddleware, rawBody(GatewayModule.maxBodyBytes))
      .forRoutes({ path: 'r1/*path', method: RequestMethod.ALL }, { path: 'r1/:service', method: RequestMethod.ALL });
    // The token request's trace comes before its body is parsed too: every token request is in the message log.
    consumer.apply(TokenExchangeTraceMiddleware, formBody(SMALL_BODY), jsonBody(SMALL_BODY)).forRoutes({ path: 'oauth/token', method: RequestMethod.POST });
    consumer.apply(ExchangeTraceMiddleware, jsonBody(SMALL_BODY)).forRoutes({ path: 'admin/*path', method: RequestMethod.ALL });
  }
}
