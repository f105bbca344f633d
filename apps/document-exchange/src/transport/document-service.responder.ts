import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { KafkaHeader, PlatformTopics } from '@lgsp/contracts';
import { answerRequest, IncomingMessage, jsonReply as json, MessagingConnection, OutgoingMessage, readCaller, readRoute, RequestResponder } from '@lgsp/messaging';
import { Registry } from '@lgsp/registry';
import { DOCUMENT_TOPICS } from '../config/tokens';
import { Caller } from '../exchange/caller';
import { DocumentExchangeError } from '../exchange/document-exchange-error';
import { InboxUseCase } from '../exchange/inbox.use-case';
import { SendPackageUseCase } from '../exchange/send-package.use-case';
import { SentDocumentsUseCase } from '../exchange/sent-documents.use-case';
import { PushSubscriptionsUseCase } from '../push/push-subscriptions.use-case';

/** The gateway service the exchange answers (its catalog code). */
export const DOCUMENT_SERVICE = 'document-exchange.documents';

function unknownRoute(method: string, path: string, known: string[]): DocumentExchangeError {
  return known.includes(path)
    ? new DocumentExchangeError(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${path}.`)
    : new DocumentExchangeError(404, 'NOT_FOUND', `There is no ${path} in the document exchange (see ${known.join(', ')}).`);
}

const DELIVERY = /^\/inbox\/([0-9a-f-]{36})(\/ack)?$/;

/**
 * The exchange's API, reached through the gateway as `/r1/document-exchange.documents/…`. The gateway has already
 * authenticated the caller and checked its grant; it passes the client and its member agency in headers.
 *
 * | method and path | does |
 * |---|---|
 * | POST /packages | send a document or status package (edXML, or the JSON form) |
 * | GET /inbox?state=&limit=&after= | what waits for my agency |
 * | GET /inbox/{deliveryId} | one package, as edXML |
 * | POST /inbox/{deliveryId}/ack | transport acknowledgement {"status": "done" or "fail", "reason"?} |
 * | GET /sent?limit= | my agency's documents and where each recipient stands |
 * | GET /sent/timeline?documentId= | one document's timeline |
 * | PUT /push {"url"} | register (or replace) my agency's push callback; answers the signing secret |
 * | GET /push | my callback, and the pushes being retried or given up |
 * | DELETE /push | stop pushing (the inbox still holds everything) |
 * | POST /push/retry | try the given-up pushes again |
 * | GET /operations/push | operators: every agency's callbacks, retrying and failed pushes |
 *
 * Agency systems (role agency-system) use everything but /operations, which is for operators and admins.
 */
@Injectable()
export class DocumentServiceResponder implements OnApplicationShutdown {
  private readonly logger = new Logger('DocumentService');
  private responder?: RequestResponder;

  constructor(
    private readonly connection: MessagingConnection,
    @Inject(DOCUMENT_TOPICS) private readonly topics: PlatformTopics,
    private readonly registry: Registry,
    private readonly send: SendPackageUseCase,
    private readonly inbox: InboxUseCase,
    private readonly sent: SentDocumentsUseCase,
    private readonly push: PushSubscriptionsUseCase,
  ) {}

  async start(): Promise<void> {
    this.responder = new RequestResponder(this.connection, {
      topic: this.topics.serviceRequests(DOCUMENT_SERVICE),
      groupId: `${this.registry.platform.instance}.service.${DOCUMENT_SERVICE}`,
      handler: (request) => this.handle(request),
    });
    await this.responder.start();
  }

  handle(request: IncomingMessage): Promise<OutgoingMessage> {
    return answerRequest(request, (r) => this.route(r), {
      service: 'The document exchange',
      isRefusal: (error) => error instanceof DocumentExchangeError,
      log: (message) => this.logger.error(message),
    });
  }

  private async route(request: IncomingMessage): Promise<OutgoingMessage> {
    const caller: Caller | null = readCaller(request) as Caller | null;
    if (!caller) {
      throw new DocumentExchangeError(400, 'NO_CALLER', 'The request carries no client identity; the document exchange is reached through the gateway.');
    }
    const { method, path, query } = readRoute(request);

    if (path.startsWith('/operations/')) {
      if (!caller.roles.includes('operator') && !caller.roles.includes('admin')) {
        throw new DocumentExchangeError(403, 'OPERATORS_ONLY', `${path} is for the platform's operators; your client system is not one.`);
      }
      if (path === '/operations/push' && method === 'GET') return json(200, this.push.operations());
      throw unknownRoute(method, path, ['/operations/push']);
    }
    if (!caller.roles.includes('agency-system')) {
      throw new DocumentExchangeError(403, 'AGENCY_SYSTEMS_ONLY', 'Documents are sent and received by agency systems; your client system is not one (operators see /operations/push).');
    }

    if (path === '/packages' && method === 'POST') {
      const receipt = await this.send.send(caller, request.value, request.headers[KafkaHeader.ContentType] ?? null);
      return json(receipt.replayed ? 200 : 201, receipt);
    }
    if (path === '/inbox' && method === 'GET') return json(200, this.inbox.list(caller, query));
    const delivery = DELIVERY.exec(path);
    if (delivery && !delivery[2] && method === 'GET') {
      return { value: this.inbox.fetch(caller, delivery[1]), headers: { [KafkaHeader.Status]: '200', [KafkaHeader.ContentType]: 'application/xml; charset=utf-8' } };
    }
    if (delivery && delivery[2] && method === 'POST') return json(200, await this.inbox.acknowledge(caller, delivery[1], request.value));
    if (path === '/sent' && method === 'GET') return json(200, this.sent.list(caller, query));
    if (path === '/sent/timeline' && method === 'GET') return json(200, this.sent.timeline(caller, query));
    if (path === '/push') {
      if (method === 'PUT') return json(200, await this.push.subscribe(caller, request.value));
      if (method === 'GET') return json(200, this.push.status(caller));
      if (method === 'DELETE') return json(200, await this.push.unsubscribe(caller));
    }
    if (path === '/push/retry' && method === 'POST') return json(202, await this.push.retry(caller));
    throw unknownRoute(method, path, delivery ? [path] : ['/packages', '/inbox', '/sent', '/sent/timeline', '/push', '/push/retry']);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.responder?.stop();
  }
}
