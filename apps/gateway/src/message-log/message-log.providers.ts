import { Provider } from '@nestjs/common';
import { PlatformTopics } from '@lgsp/contracts';
import { MessageLogRecord } from '@lgsp/message-log';
import { EventPublisher, MessagingConnection, readTopicToEnd } from '@lgsp/messaging';
import { GATEWAY_CONFIG, GatewayConfig, gatewayInstanceId } from '../config/gateway-config';
import { PLATFORM_TOPICS } from '../platform/platform.tokens';
import { MESSAGE_LOG_WRITER } from './exchange-recorder';
import { MESSAGE_LOG_INDEX, MessageLogIndex } from './message-log-index';
import { MessageLogWriter } from './message-log-writer';

export const messageLogProviders: Provider[] = [
  {
    provide: MESSAGE_LOG_WRITER,
    inject: [MessagingConnection, EventPublisher, PLATFORM_TOPICS, MESSAGE_LOG_INDEX, GATEWAY_CONFIG],
    useFactory: async (connection: MessagingConnection, publisher: EventPublisher, topics: PlatformTopics, index: MessageLogIndex, config: GatewayConfig) => {
      // One partition: the log is read back in one order, and each replica's chain stays in its own order.
      await connection.ensureTopics([{ topic: topics.messageLog, partitions: 1 }]);
      const writer = new MessageLogWriter(publisher, topics.messageLog, index, gatewayInstanceId(config));
      // The topic is the record: the index and this replica's chain position are rebuilt from it at start-up.
      const existing = await readTopicToEnd(connection, topics.messageLog);
      await writer.resume(existing.map((m) => JSON.parse(m.value.toString('utf8')) as MessageLogRecord));
      return writer;
    },
  },
];
