import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { KafkaHeader, PlatformTopics } from '@lgsp/contracts';
import { IncomingMessage, MessagingConnection, OutgoingMessage, RequestResponder } from '@lgsp/messaging';
import { Registry } from '@lgsp/registry';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { PLATFORM_TOPICS } from '../platform/platform.tokens';

export const PING_SERVICE = 'ping';

/**
 * The built-in `ping` service. It answers over Kafka like any provider would, so that a client can prove the
 * whole path — token, access rights, routing, the bus and back — before any other service exists.
 */
@Injectable()
export class PingProvider implements OnApplicationBootstrap, OnApplicationShutdown {
  private responder: RequestResponder | null = null;

  constructor(
    private readonly connection: MessagingConnection,
    @Inject(PLATFORM_TOPICS) private readonly topics: PlatformTopics,
    private readonly registry: Registry,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.registry.service(PING_SERVICE) || this.config.GATEWAY_PING_PROVIDER === 'off') return;
    this.responder = new RequestResponder(this.connection, {
      topic: this.topics.serviceRequests(PING_SERVICE),
      groupId: `${this.registry.platform.instance}.service.${PING_SERVICE}`,
      handler: (request) => this.answer(request),
    });
    await this.responder.start();
  }

  private async answer(request: IncomingMessage): Promise<OutgoingMessage> {
    const body = {
      pong: true,
      platform: { instance: this.registry.platform.instance, code: this.registry.platform.code, role: this.registry.platform.role },
      client: request.headers[KafkaHeader.Client] ?? null,
      requestId: request.headers[KafkaHeader.RequestId] ?? null,
      issue: request.headers[KafkaHeader.Issue] ?? null,
      receivedBytes: request.value.length,
      at: new Date().toISOString(),
    };
    return { value: JSON.stringify(body), headers: { [KafkaHeader.ContentType]: 'application/json', [KafkaHeader.Status]: '200' } };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.responder?.stop();
  }
}
