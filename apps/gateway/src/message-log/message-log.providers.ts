import { join } from 'node:path';
import { Provider } from '@nestjs/common';
import { PlatformTopics } from '@lgsp/contracts';
import { EventPublisher, MessagingConnection, readTopicToEnd } from '@lgsp/messaging';
import { SIGNING_KEYS, SigningKeys } from '../auth/signing-keys';
import { GATEWAY_CONFIG, GatewayConfig, gatewayInstanceId } from '../config/gateway-config';
import { PLATFORM_TOPICS } from '../platform/platform.tokens';
import { MESSAGE_LOG_WRITER } from './exchange-recorder';
import { MESSAGE_LOG_INDEX, MessageLogIndex } from './message-log-index';
import { MessageLogWriter } from './message-log-writer';

export const messageLogProviders: Provider[] = [
  {
    provide: MESSAGE_LOG_WRITER,
    inject: [MessagingConnection, EventPublisher, PLATFORM_TOPICS, MESSAGE_LOG_INDEX, GATEWAY_CONFIG, SIGNING_KEYS],
    useFactory: async (connection: MessagingConnection, publisher: EventPublisher, topics: PlatformTopics, index: MessageLogIndex, config: GatewayConfig, keys: SigningKeys) => {
      // One partition: the log is read back in one order, and each replica's chain stays in its own order.
      await connection.ensureTopics([{ topic: topics.messageLog, partitions: 1 }]);
      // Checkpoints are signed with the platform's token key, so that anyone holding its published JWKS can check
      // them; the latest is also saved beside that key, outside the topic it vouches for.
      const writer = new MessageLogWriter(publisher, topics.messageLog, index, gatewayInstanceId(config), {
        signingKey: keys,
        headDir: join(config.LGSP_DATA_DIR, 'gateway'),
      });
      // The topic is the record: the index and this replica's chain position are rebuilt from it at start-up.
      const existing = await readTopicToEnd(connection, topics.messageLog);
      await writer.resume(existing.map((m) => JSON.parse(m.value.toString('utf8')) as unknown));
      return writer;
    },
  },
];
