import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { answerRequest, IncomingMessage, jsonReply as json, MessagingConnection, OutgoingMessage, readCaller, readRoute, RequestResponder, ServiceCaller } from '@lgsp/messaging';
import { Registry } from '@lgsp/registry';
import { CASE_TOPICS } from '../config/tokens';
import { CaseTopics } from '../cases/case-ledger';
import { CaseMovesUseCase } from '../cases/case-moves.use-case';
import { CaseQueriesUseCase } from '../cases/case-queries.use-case';
import { CaseTrackingError } from '../cases/case-tracking-error';
import { IntakeUseCase } from '../cases/intake.use-case';
import { ProceduresUseCase } from '../catalog-api/procedures.use-case';
import { PortalSyncWorker } from '../portal-sync/portal-sync-worker';
import { StatisticsUseCase } from '../statistics/statistics.use-case';

/** The gateway service case tracking answers (its catalog code). */
export const CASE_SERVICE = 'case-tracking.cases';

const CASE = /^\/cases\/([^/]+)(?:\/(status|transfers|apology|sheet))?$/;
const LOOKUP = /^\/lookup\/([^/]+)$/;
const PROCEDURE = /^\/procedures\/([^/]+)$/;

function unknownRoute(method: string, path: string, known: readonly string[]): CaseTrackingError {
  return known.includes(path)
    ? new CaseTrackingError(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${path}.`)
    : new CaseTrackingError(404, 'NOT_FOUND', `There is no ${path} in case tracking (see ${known.join(', ')}).`);
}

/**
 * Case tracking's API, reached through the gateway as `/r1/case-tracking.cases/…`. The gateway has authenticated the
 * caller and checked its grant, and passes the client, its agency and roles in headers.
 *
 * | method and path | who | does |
 * |---|---|---|
 * | POST /cases | one-stop-shop systems | intake (form 01): the receipt with the case code and appointment |
 * | GET /cases/{code} | agencies on the case's sheet, operators | the case in full |
 * | POST /cases/{code}/status | the agency holding it, or the receiving one | a status move {status, officer, note?} |
 * | POST /cases/{code}/transfers | the agency holding it | hand over to the next agency {toAgency, officer, note?} |
 * | POST /cases/{code}/apology | the agency holding it, or the receiving one | form 04: apology and new appointment |
 * | GET /cases/{code}/sheet | as GET /cases/{code} | form 05, the process-control sheet |
 * | GET /lookup/{code} | any granted system (the provincial portal) | public progress, rate-limited, no personal data |
 * | GET /procedures?tier=&level=&field=&agency=&search=&limit=&after= | any | the procedure catalog |
 * | GET /procedures/{code} | any | one procedure |
 * | GET /statistics?by=&period=&value=&limit= | agencies (own rows), operators | counts and on-time rate |
 * | GET /operations/sync | operators | what waits for the national portal, and why |
 */
@Injectable()
export class CaseServiceResponder implements OnApplicationShutdown {
  private readonly logger = new Logger('CaseService');
  private responder?: RequestResponder;

  constructor(
    private readonly connection: MessagingConnection,
    @Inject(CASE_TOPICS) private readonly topics: CaseTopics,
    private readonly registry: Registry,
    private readonly intake: IntakeUseCase,
    private readonly moves: CaseMovesUseCase,
    private readonly queries: CaseQueriesUseCase,
    private readonly procedures: ProceduresUseCase,
    private readonly statistics: StatisticsUseCase,
    private readonly sync: PortalSyncWorker,
  ) {}

  async start(): Promise<void> {
    this.responder = new RequestResponder(this.connection, {
      topic: this.topics.requests,
      groupId: `${this.registry.platform.instance}.service.${CASE_SERVICE}`,
      handler: (request) => this.handle(request),
    });
    await this.responder.start();
  }

  handle(request: IncomingMessage): Promise<OutgoingMessage> {
    return answerRequest(request, (r) => this.route(r), {
      service: 'Case tracking',
      isRefusal: (error) => error instanceof CaseTrackingError,
      log: (message) => this.logger.error(message),
    });
  }

  private async route(request: IncomingMessage): Promise<OutgoingMessage> {
    const caller = readCaller(request);
    if (!caller) throw new CaseTrackingError(400, 'NO_CALLER', 'The request carries no client identity; case tracking is reached through the gateway.');
    const { method, path, query } = readRoute(request);

    if (path.startsWith('/operations/')) {
      requireRole(caller, ['operator', 'admin'], 'OPERATORS_ONLY', `${path} is for the platform's operators; your client system is not one.`);
      if (path === '/operations/sync' && method === 'GET') return json(200, this.sync.status());
      throw unknownRoute(method, path, ['/operations/sync']);
    }
    if (path === '/statistics') {
      if (method === 'GET') return json(200, this.statistics.query(caller, query));
      throw unknownRoute(method, path, [path]);
    }
    if (path === '/procedures' && method === 'GET') return json(200, this.procedures.list(query));
    const procedure = PROCEDURE.exec(path);
    if (procedure && method === 'GET') return json(200, this.procedures.get(decodeURIComponent(procedure[1]!)));
    const lookup = LOOKUP.exec(path);
    if (lookup && method === 'GET') return json(200, await this.queries.lookup(caller, decodeURIComponent(lookup[1]!)));

    requireRole(caller, ['agency-system', 'operator', 'admin'], 'AGENCY_SYSTEMS_ONLY', 'Cases are handled by one-stop-shop systems; your client system is not one.');
    if (path === '/cases' && method === 'POST') {
      requireRole(caller, ['agency-system'], 'AGENCY_SYSTEMS_ONLY', 'Cases are received by one-stop-shop systems; operators read them.');
      const receipt = await this.intake.receive(caller, request.value);
      return json(receipt.replayed ? 200 : 201, receipt);
    }
    const match = CASE.exec(path);
    if (match) {
      const code = decodeURIComponent(match[1]!);
      const action = match[2];
      if (action === undefined && method === 'GET') return json(200, this.queries.get(caller, code));
      if (action === 'sheet' && method === 'GET') return json(200, this.queries.sheet(caller, code));
      if (method === 'POST' && action !== undefined && action !== 'sheet') {
        requireRole(caller, ['agency-system'], 'AGENCY_SYSTEMS_ONLY', 'Cases are moved by one-stop-shop systems; operators read them.');
        if (action === 'status') return json(200, await this.moves.changeStatus(caller, code, request.value));
        if (action === 'transfers') return json(200, await this.moves.transfer(caller, code, request.value));
        return json(200, await this.moves.apologise(caller, code, request.value));
      }
      throw unknownRoute(method, path, [path]);
    }
    throw unknownRoute(method, path, ['/cases', '/cases/{code}', '/lookup/{code}', '/procedures', '/statistics', '/operations/sync']);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.responder?.stop();
  }
}

function requireRole(caller: ServiceCaller, roles: readonly string[], code: string, message: string): void {
  if (!roles.some((role) => caller.roles.includes(role))) throw new CaseTrackingError(403, code, message);
}

