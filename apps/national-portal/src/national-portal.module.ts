import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { HealthModule, LoggingModule } from '@lgsp/observability';
import { NATIONAL_PORTAL_CONFIG, NationalPortalConfig, PORTAL_RANDOM, type Clock, type RandomSource } from './config/national-portal-config';
import { PortalCallsService } from './portal/portal-calls.service';
import { PortalController } from './portal/portal.controller';
import { PortalJournal } from './portal/portal-journal';
import { PortalStore } from './portal/portal-store';
import { SessionStore } from './portal/session-store';
import { PortalSimulation } from './simulation/portal-simulation';
import { SimulatedConditionsInterceptor } from './simulation/simulated-conditions.interceptor';
import { SimulationController } from './simulation/simulation.controller';

const JOURNAL = Symbol('PORTAL_JOURNAL');

/** Closes the data file last, after the HTTP server has stopped taking calls. */
@Injectable()
class JournalShutdown implements OnApplicationShutdown {
  constructor(@Inject(JOURNAL) private readonly journal: PortalJournal | null) {}
  onApplicationShutdown(): void {
    this.journal?.close();
  }
}

export interface NationalPortalPorts {
  clock?: Clock;
  random?: RandomSource;
}

/**
 * The simulated national public-service portal (DVCQG): the portal's calls under /api, the test and demo controls
 * under /sim, health under /health. Built from a validated configuration, so `main.ts` and the tests share it.
 */
@Module({})
export class NationalPortalModule {
  static forRoot(config: NationalPortalConfig, ports: NationalPortalPorts = {}): DynamicModule {
    const clock = ports.clock ?? Date.now;
    // Read before Nest starts, as the gateway reads its platform file: a damaged data file stops the start with its
    // own message instead of a stack from the dependency injector.
    const opened = config.NATIONAL_PORTAL_DATA_FILE ? PortalJournal.open(config.NATIONAL_PORTAL_DATA_FILE) : null;
    const journal = opened?.journal ?? null;
    // Released once replayed: the store holds the state, and a long file should not be kept twice.
    let replay = opened?.entries ?? [];
    const discardedBytes = opened?.discardedBytes ?? 0;
    return {
      module: NationalPortalModule,
      imports: [LoggingModule.forRoot({ service: 'national-portal', level: config.LOG_LEVEL }), HealthModule.forRoot({ checks: [] })],
      controllers: [PortalController, SimulationController],
      providers: [
        { provide: NATIONAL_PORTAL_CONFIG, useValue: config },
        { provide: PORTAL_RANDOM, useValue: ports.random ?? Math.random },
        { provide: JOURNAL, useValue: journal },
        {
          provide: PortalStore,
          useFactory: () => {
            const logger = new Logger('PortalStore');
            if (journal && discardedBytes > 0) {
              logger.warn(`${journal.path}: cut off an unfinished last line (${discardedBytes} bytes) left by an interrupted write`);
            }
            const store = new PortalStore(journal, clock, replay);
            replay = [];
            if (journal) logger.log(`${journal.path}: ${store.caseCount} cases and ${store.progressCount} progress entries restored`);
            return store;
          },
        },
        {
          provide: SessionStore,
          useFactory: () => new SessionStore(config.NATIONAL_PORTAL_SESSION_TTL_SECONDS * 1000, clock),
        },
        {
          provide: PortalSimulation,
          useFactory: () => new PortalSimulation({ latencyMs: config.NATIONAL_PORTAL_LATENCY_MS, errorRate: config.NATIONAL_PORTAL_ERROR_RATE }),
        },
        PortalCallsService,
        SimulatedConditionsInterceptor,
        JournalShutdown,
      ],
    };
  }
}
