import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { MessagingConnection } from '@lgsp/messaging';
import { LoggingModule } from '@lgsp/observability';
import { loadPlatformConfigFile, Registry } from '@lgsp/registry';
import { Connector } from './connector';
import { NATIONAL_CONNECTORS } from './connectors';
import { NationalConnectorsConfig } from './config/national-connectors-config';
import { Clock, CLOCK, CONNECTORS, NATIONAL_CONNECTORS_CONFIG, Sleep, SLEEP } from './config/tokens';
import { InMemoryLookupCache, LOOKUP_CACHE, LookupCache, RedisLookupCache } from './lookup/lookup-cache';
import { NationalLookupUseCase, REMOTE_FETCH } from './lookup/national-lookup.use-case';
import { ConnectorResponders } from './transport/connector.responders';

/** Closes the Kafka connection: its consumers first, then its producers (the connection orders that itself). */
@Injectable()
class ConnectionShutdown implements OnApplicationShutdown {
  constructor(@Inject(MessagingConnection) private readonly connection: MessagingConnection) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

export interface NationalConnectorsParts {
  registry?: Registry;
  connectors?: readonly Connector[];
  cache?: LookupCache;
  clock?: Clock;
  sleep?: Sleep;
  fetch?: typeof fetch;
}

/**
 * A connector whose service the registry does not declare as request/reply could never be reached (or would be
 * reached as events): better to refuse to start than to answer nobody.
 */
function checkServices(registry: Registry, connectors: readonly Connector[], configFile: string): void {
  for (const connector of connectors) {
    const service = registry.service(connector.service);
    if (!service || service.kind !== 'request-reply') {
      throw new Error(
        `the platform configuration (${configFile}) declares no request-reply service "${connector.service}" for the ${connector.system} connector: ` +
          `add it to its services and grant it to the systems that may call it (README, "Adding a connector")`,
      );
    }
  }
}

/** The Redis connection behind the lookup cache, or null when the cache is in-process. */
const CACHE_REDIS = Symbol('CACHE_REDIS');

/** REDIS_URL set: the cache in Redis, shared by the replicas; otherwise in this process. */
function lookupCache(config: NationalConnectorsConfig, registry: Registry, clock: Clock): { cache: LookupCache; redis: Redis | null } {
  if (!config.REDIS_URL) return { cache: new InMemoryLookupCache(config.NATIONAL_CACHE_MAX_ENTRIES, () => clock.now()), redis: null };
  const logger = new Logger('LookupCache');
  const redis = new Redis(config.REDIS_URL, { commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', (error: Error) => logger.warn(`Redis: ${error.message}`));
  const cache = new RedisLookupCache(redis, `${registry.platform.instance}:national-lookups:`, (operation, error) =>
    logger.warn(`cache ${operation} failed, the lookup goes on without it: ${error.message}`),
  );
  return { cache, redis };
}

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(CACHE_REDIS) private readonly redis: Redis | null) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}

@Module({})
export class NationalConnectorsModule {
  static forRoot(config: NationalConnectorsConfig, parts: NationalConnectorsParts = {}): DynamicModule {
    const registry = parts.registry ?? new Registry(loadPlatformConfigFile(config.LGSP_CONFIG));
    const connectors = parts.connectors ?? NATIONAL_CONNECTORS;
    checkServices(registry, connectors, config.LGSP_CONFIG);
    const clock: Clock = parts.clock ?? { now: () => Date.now() };
    const sleep: Sleep = parts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const cache = parts.cache ? { cache: parts.cache, redis: null } : lookupCache(config, registry, clock);
    const logger = new Logger('Kafka');
    const log = (level: 'log' | 'warn' | 'error' | 'debug') => (o: object, m: string) => logger[level](`${m} ${JSON.stringify(o)}`);
    return {
      module: NationalConnectorsModule,
      imports: [LoggingModule.forRoot({ service: 'national-connectors', level: config.LOG_LEVEL })],
      providers: [
        { provide: NATIONAL_CONNECTORS_CONFIG, useValue: config },
        { provide: Registry, useValue: registry },
        { provide: CONNECTORS, useValue: connectors },
        { provide: CLOCK, useValue: clock },
        { provide: SLEEP, useValue: sleep },
        { provide: REMOTE_FETCH, useValue: parts.fetch ?? globalThis.fetch },
        { provide: LOOKUP_CACHE, useValue: cache.cache },
        { provide: CACHE_REDIS, useValue: cache.redis },
        RedisShutdown,
        {
          provide: MessagingConnection,
          useFactory: () =>
            new MessagingConnection(
              { brokers: config.KAFKA_BROKERS, clientId: `${registry.platform.instance}-national-connectors` },
              { info: log('log'), warn: log('warn'), error: log('error'), debug: log('debug') },
            ),
        },
        ConnectionShutdown,
        NationalLookupUseCase,
        ConnectorResponders,
      ],
    };
  }
}
