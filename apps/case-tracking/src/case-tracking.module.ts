import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { platformTopics } from '@lgsp/contracts';
import { MessagingConnection } from '@lgsp/messaging';
import { LoggingModule } from '@lgsp/observability';
import { loadPlatformConfigFile, Registry } from '@lgsp/registry';
import { defaultHolidayTablePath, loadHolidayTable, WorkingCalendar } from '@lgsp/working-days';
import { DeadlineScheduler } from './alerts/deadline-scheduler';
import { generateDemoCatalog, loadCatalogFile, ProcedureCatalog } from './catalog';
import { ProceduresUseCase } from './catalog-api/procedures.use-case';
import { CaseLedger, CaseTopics } from './cases/case-ledger';
import { CaseMovesUseCase } from './cases/case-moves.use-case';
import { CaseQueriesUseCase } from './cases/case-queries.use-case';
import { Deadlines } from './cases/deadlines';
import { IntakeUseCase } from './cases/intake.use-case';
import { CaseTrackingConfig } from './config/case-tracking-config';
import { CASE_TOPICS, CASE_TRACKING_CONFIG, Clock, CLOCK } from './config/tokens';
import { PortalSyncWorker } from './portal-sync/portal-sync-worker';
import { CaseStatistics } from './statistics/case-statistics';
import { StatisticsUseCase } from './statistics/statistics.use-case';
import { CASE_SERVICE, CaseServiceResponder } from './transport/case-service.responder';

/** Closes the Kafka connection: its consumers first, then its producers (the connection orders that itself). */
@Injectable()
class ConnectionShutdown implements OnApplicationShutdown {
  constructor(@Inject(MessagingConnection) private readonly connection: MessagingConnection) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

export interface CaseTrackingParts {
  registry?: Registry;
  catalog?: ProcedureCatalog;
  calendar?: WorkingCalendar;
  clock?: Clock;
}

@Module({})
export class CaseTrackingModule {
  static forRoot(config: CaseTrackingConfig, parts: CaseTrackingParts = {}): DynamicModule {
    const registry = parts.registry ?? new Registry(loadPlatformConfigFile(config.LGSP_CONFIG));
    const catalog = parts.catalog ?? new ProcedureCatalog(config.CASE_CATALOG ? loadCatalogFile(config.CASE_CATALOG) : generateDemoCatalog(registry), registry);
    const calendar = parts.calendar ?? new WorkingCalendar(loadHolidayTable(config.CASE_HOLIDAYS ?? defaultHolidayTablePath()));
    const clock: Clock = parts.clock ?? { now: () => Date.now() };
    const topics = platformTopics(registry.platform.instance);
    const logger = new Logger('Kafka');
    const log = (level: 'log' | 'warn' | 'error' | 'debug') => (o: object, m: string) => logger[level](`${m} ${JSON.stringify(o)}`);
    return {
      module: CaseTrackingModule,
      imports: [LoggingModule.forRoot({ service: 'case-tracking', level: config.LOG_LEVEL })],
      providers: [
        { provide: CASE_TRACKING_CONFIG, useValue: config },
        { provide: Registry, useValue: registry },
        { provide: ProcedureCatalog, useValue: catalog },
        { provide: WorkingCalendar, useValue: calendar },
        { provide: CLOCK, useValue: clock },
        { provide: CASE_TOPICS, useValue: { events: topics.caseEvents, requests: topics.serviceRequests(CASE_SERVICE) } satisfies CaseTopics },
        {
          provide: MessagingConnection,
          useFactory: () =>
            new MessagingConnection(
              { brokers: config.KAFKA_BROKERS, clientId: `${registry.platform.instance}-case-tracking` },
              { info: log('log'), warn: log('warn'), error: log('error'), debug: log('debug') },
            ),
        },
        ConnectionShutdown,
        CaseLedger,
        {
          // Observes the book from the first event of the rebuild on, so the counters match the topic.
          provide: CaseStatistics,
          useFactory: (ledger: CaseLedger) => {
            const statistics = new CaseStatistics(registry);
            ledger.book.observe(statistics.observe);
            return statistics;
          },
          inject: [CaseLedger],
        },
        Deadlines,
        IntakeUseCase,
        CaseMovesUseCase,
        CaseQueriesUseCase,
        ProceduresUseCase,
        StatisticsUseCase,
        DeadlineScheduler,
        PortalSyncWorker,
        CaseServiceResponder,
      ],
    };
  }
}
