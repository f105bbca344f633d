import { readFileSync } from 'node:fs';
import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { platformTopics } from '@lgsp/contracts';
import { TrustStore } from '@lgsp/edxml';
import { MessagingConnection } from '@lgsp/messaging';
import { LoggingModule } from '@lgsp/observability';
import { loadPlatformConfigFile, Registry } from '@lgsp/registry';
import { DocumentExchangeConfig } from './config/document-exchange-config';
import { DOCUMENT_EXCHANGE_CONFIG, DOCUMENT_TOPICS } from './config/tokens';
import { InboxUseCase } from './exchange/inbox.use-case';
import { SendPackageUseCase } from './exchange/send-package.use-case';
import { SentDocumentsUseCase } from './exchange/sent-documents.use-case';
import { DocumentLedger } from './ledger/document-ledger';
import { PushDispatcher } from './push/push-dispatcher';
import { PushSubscriptionsUseCase } from './push/push-subscriptions.use-case';
import { DocumentServiceResponder } from './transport/document-service.responder';

/** Closes the Kafka connection: its consumers first, then its producers (the connection orders that itself). */
@Injectable()
class ConnectionShutdown implements OnApplicationShutdown {
  constructor(@Inject(MessagingConnection) private readonly connection: MessagingConnection) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

@Module({})
export class DocumentExchangeModule {
  static forRoot(config: DocumentExchangeConfig, registry: Registry = new Registry(loadPlatformConfigFile(config.LGSP_CONFIG))): DynamicModule {
    const trustStore = new TrustStore(config.EDXML_TRUST_STORE.map((path) => readFileSync(path, 'utf8')));
    const logger = new Logger('Kafka');
    const log = (level: 'log' | 'warn' | 'error' | 'debug') => (o: object, m: string) => logger[level](`${m} ${JSON.stringify(o)}`);
    return {
      module: DocumentExchangeModule,
      imports: [LoggingModule.forRoot({ service: 'document-exchange', level: config.LOG_LEVEL })],
      providers: [
        { provide: DOCUMENT_EXCHANGE_CONFIG, useValue: config },
        { provide: Registry, useValue: registry },
        { provide: TrustStore, useValue: trustStore },
        { provide: DOCUMENT_TOPICS, useValue: platformTopics(registry.platform.instance) },
        {
          provide: MessagingConnection,
          useFactory: () =>
            new MessagingConnection(
              { brokers: config.KAFKA_BROKERS, clientId: `${registry.platform.instance}-document-exchange` },
              { info: log('log'), warn: log('warn'), error: log('error'), debug: log('debug') },
            ),
        },
        ConnectionShutdown,
        DocumentLedger,
        PushDispatcher,
        PushSubscriptionsUseCase,
        SendPackageUseCase,
        InboxUseCase,
        SentDocumentsUseCase,
        DocumentServiceResponder,
      ],
    };
  }
}
