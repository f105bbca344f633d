import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { KafkaHeader, platformTopics } from '@lgsp/contracts';
import { answerRequest, IncomingMessage, jsonReply, MessagingConnection, OutgoingMessage, readCaller, readRoute, RequestResponder } from '@lgsp/messaging';
import { Registry } from '@lgsp/registry';
import { Connector, ConnectorError } from '../connector';
import { CONNECTORS } from '../config/tokens';
import { NationalLookupUseCase } from '../lookup/national-lookup.use-case';

/**
 * Every connector's gateway service, `/r1/{connector.service}/…`: one RequestResponder on the service's request
 * topic each, so that a slow national system holds up only its own topic. The gateway has authenticated the caller,
 * checked its grant and passed the issue along.
 */
@Injectable()
export class ConnectorResponders implements OnApplicationShutdown {
  private readonly logger = new Logger('NationalConnectors');
  private readonly responders: RequestResponder[] = [];

  constructor(
    private readonly connection: MessagingConnection,
    private readonly registry: Registry,
    @Inject(CONNECTORS) private readonly connectors: readonly Connector[],
    private readonly lookups: NationalLookupUseCase,
  ) {}

  async start(): Promise<void> {
    const topics = platformTopics(this.registry.platform.instance);
    for (const connector of this.connectors) {
      const responder = new RequestResponder(this.connection, {
        topic: topics.serviceRequests(connector.service),
        groupId: `${this.registry.platform.instance}.service.${connector.service}`,
        handler: (request) => this.handle(connector, request),
      });
      this.responders.push(responder);
      await responder.start();
    }
  }

  handle(connector: Connector, request: IncomingMessage): Promise<OutgoingMessage> {
    return answerRequest(request, (r) => this.route(connector, r), {
      service: connector.systemName,
      isRefusal: (error) => error instanceof ConnectorError,
      log: (message) => this.logger.error(message),
    });
  }

  private async route(connector: Connector, request: IncomingMessage): Promise<OutgoingMessage> {
    const caller = readCaller(request);
    if (!caller) throw new ConnectorError(400, 'NO_CALLER', 'The request carries no client identity; national databases are reached through the gateway.');
    const { method, path } = readRoute(request);
    for (const operation of connector.operations) {
      const match = operation.pattern.exec(path);
      if (!match) continue;
      if (method !== operation.method) throw new ConnectorError(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${path}; ${connector.systemName} is read only.`);
      const deadline = Number(request.headers[KafkaHeader.Deadline]);
      const result = await this.lookups.lookup({
        connector,
        operation,
        match,
        issue: request.headers[KafkaHeader.Issue] || null,
        clientId: caller.clientId,
        deadline: Number.isFinite(deadline) && deadline > 0 ? deadline : undefined,
      });
      return jsonReply(200, result);
    }
    throw new ConnectorError(404, 'NOT_FOUND', `There is no ${path} in ${connector.service} (it offers ${connector.operations.map((o) => o.route).join(', ')}).`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.responders.map((r) => r.stop()));
  }
}
