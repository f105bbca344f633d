import { Inject, Injectable, Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import { PlatformTopics } from '@lgsp/contracts';
import { EventPublisher, MessagingConnection, RequestReplyClient } from '@lgsp/messaging';
import { Registry } from '@lgsp/registry';
import { GATEWAY_CONFIG, GatewayConfig, gatewayInstanceId } from '../config/gateway-config';
import { PLATFORM_TOPICS, STORES } from './platform.tokens';
import { Stores } from './store.providers';

/** The gateway's one Kafka connection; constructing it does not connect, so it can be made up front. */
export function createMessagingConnection(config: GatewayConfig, registry: Registry): MessagingConnection {
  const logger = new Logger('Kafka');
  const log = (level: 'log' | 'warn' | 'error' | 'debug') => (o: object, m: string) => logger[level](`${m} ${JSON.stringify(o)}`);
  return new MessagingConnection(
    { brokers: config.KAFKA_BROKERS, clientId: `${registry.platform.instance}-gateway` },
    { info: log('log'), warn: log('warn'), error: log('error'), debug: log('debug') },
  );
}

/** The gateway's Kafka parts, each started before the app accepts requests. */
export const messagingProviders: Provider[] = [
  {
    provide: EventPublisher,
    inject: [MessagingConnection],
    useFactory: async (connection: MessagingConnection) => {
      const publisher = new EventPublisher(connection);
      await publisher.start();
      return publisher;
    },
  },
  {
    provide: RequestReplyClient,
    inject: [MessagingConnection, PLATFORM_TOPICS, GATEWAY_CONFIG, EventPublisher],
    useFactory: async (connection: MessagingConnection, topics: PlatformTopics, config: GatewayConfig, publisher: EventPublisher) => {
      const client = new RequestReplyClient(connection, {
        replyTopic: topics.gatewayReplies,
        instanceId: gatewayInstanceId(config),
        // One producer for the requests and the message log: the records of one event-loop turn go in one produce request.
        publisher,
      });
      // Ready before the first request: a reply that arrives before the consumer joined would be missed.
      await client.start();
      return client;
    },
  },
];

/** Shutdown order (STYLE.md): stop consuming, flush producers, close the Kafka connection, then Redis. */
@Injectable()
export class MessagingShutdown implements OnApplicationShutdown {
  constructor(
    private readonly requests: RequestReplyClient,
    private readonly events: EventPublisher,
    @Inject(MessagingConnection) private readonly connection: MessagingConnection,
    @Inject(STORES) private readonly stores: Stores,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.requests.stop();
    await this.events.stop();
    await this.connection.close();
    await this.stores.close();
  }
}
