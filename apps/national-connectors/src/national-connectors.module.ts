import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { MessagingConnection } from '@lgsp/messaging';
import { LoggingModule } from '@lgsp/observability';
import { loadPlatformConfigFile, Registry } from '@lgsp/registry';
import { Connector } from './connector';
import { NATIONAL_CONNECTORS } from './connectors';
import { NationalConnectorsConfig } from './config/national-connectors-config';
import { Clock, CLOCK, CONNECTORS, NATIONAL_CONNECTORS_CONFIG, Sleep, SLEEP } from './config/tokens';
import { InMemoryLookupCache, LOOKUP_CACHE, LookupCache } from './lookup/lookup-cache';
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
function checkServices(registry: Registry, connectors: readonly Connector[]): void {
  for (const connector of connectors) {
    const service = registry.service(connector.service);
    if (!service || service.kind !== 'request-reply') {
      throw new Error(`the platform configuration declares no request-reply service "${connector.service}" for the ${connector.system} connector`);
    }
  }
}

@Module({})
export class NationalConnectorsModule {
  static forRoot(config: NationalConnectorsConfig, parts: NationalConnectorsParts = {}): DynamicModule {
    const registry = parts.registry ?? new Registry(loadPlatformConfigFile(config.LGSP_CONFIG));
    const connectors = parts.connectors ?? NATIONAL_CONNECTORS;
    checkServices(registry, connectors);
    const clock: Clock = parts.clock ?? { now: () => Date.now() };
    const sleep: Sleep = parts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
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
        { provide: LOOKUP_CACHE, useValue: parts.cache ?? new InMemoryLookupCache(config.NATIONAL_CACHE_MAX_ENTRIES, () => clock.now()) },
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
