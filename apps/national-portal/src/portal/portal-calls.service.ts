import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import {
  PORTAL_OK,
  PORTAL_PATHS,
  PortalService as PortalServiceName,
  type PortalLoginAnswer,
  type PortalLookupResponse,
  type PortalPushAnswer,
  type PortalRecordOutcome,
  type PortalRecordProblem,
} from '@lgsp/contracts';
import { isAgencyCode, parseShape } from '@lgsp/registry';
import { NATIONAL_PORTAL_CONFIG, type NationalPortalConfig } from '../config/national-portal-config';
import { PortalSimulation } from '../simulation/portal-simulation';
import { PortalError } from './portal-error';
import { PortalStore } from './portal-store';
import { checkCaseBatch, checkProgressBatch, summarizeProblems } from './record-validation';
import { SessionStore } from './session-store';

const loginSchema = z.object({ username: z.string(), password: z.string() });
const lookupSchema = z.object({ mahoso: z.string().refine((value) => value.trim().length > 0, { error: 'must not be blank' }) });

/**
 * The portal's calls, whatever carries them: log in, push case records, push progress, look a case up. Every call
 * but login needs a valid session, which is checked before anything else is looked at.
 */
@Injectable()
export class PortalCallsService {
  private readonly logger = new Logger('NationalPortal');
  private readonly expectedUser: Buffer;
  private readonly expectedPassword: Buffer;

  constructor(
    @Inject(NATIONAL_PORTAL_CONFIG) config: NationalPortalConfig,
    private readonly sessions: SessionStore,
    private readonly store: PortalStore,
    private readonly simulation: PortalSimulation,
  ) {
    this.expectedUser = digest(config.NATIONAL_PORTAL_USERNAME);
    this.expectedPassword = digest(config.NATIONAL_PORTAL_PASSWORD);
  }

  login(body: unknown): PortalLoginAnswer {
    const request = parseShape(loginSchema, jsonObject(body), '');
    if (!request.ok) throw invalidRequest(request.issues.map((i) => ({ field: i.path, message: i.message })));
    // Both compared, always, in constant time: the answer's timing tells nothing about which one was wrong.
    const userMatches = timingSafeEqual(digest(request.value.username), this.expectedUser);
    const passwordMatches = timingSafeEqual(digest(request.value.password), this.expectedPassword);
    if (!userMatches || !passwordMatches) throw new PortalError('INVALID_CREDENTIALS');
    const session = this.sessions.open();
    this.simulation.count('logins');
    return { error_code: PORTAL_OK, message: 'Logged in.', session: session.token, expires_in: session.expiresInSeconds };
  }

  /** The integration endpoint: the two push services. */
  integration(body: unknown): PortalPushAnswer {
    const call = this.authorized(body);
    switch (call.service) {
      case PortalServiceName.PushCases:
        return this.pushCases(call.data);
      case PortalServiceName.PushProgress:
        return this.pushProgress(call.data);
      case PortalServiceName.LookupCase:
        throw new PortalError('UNKNOWN_SERVICE', `${PortalServiceName.LookupCase} is answered at ${PORTAL_PATHS.share}, not here.`);
      default:
        throw unknownService(call.service, [PortalServiceName.PushCases, PortalServiceName.PushProgress]);
    }
  }

  /** The sharing endpoint: look-ups. */
  share(body: unknown): PortalLookupResponse {
    const call = this.authorized(body);
    if (call.service === PortalServiceName.PushCases || call.service === PortalServiceName.PushProgress) {
      throw new PortalError('UNKNOWN_SERVICE', `${String(call.service)} is answered at ${PORTAL_PATHS.integration}, not here.`);
    }
    if (call.service !== PortalServiceName.LookupCase) throw unknownService(call.service, [PortalServiceName.LookupCase]);
    const request = parseShape(lookupSchema, call, '');
    if (!request.ok) throw invalidRequest(request.issues.map((i) => ({ field: i.path, message: i.message })));
    const found = this.store.lookup(request.value.mahoso);
    return { error_code: PORTAL_OK, message: found ? 'Found.' : 'There is no case with this code.', result: found ? [found] : [] };
  }

  private pushCases(data: unknown): PortalPushAnswer {
    this.received(data, 'caseRecordsReceived');
    const check = checkCaseBatch(data);
    if (!check.ok) throw this.refuse('VALIDATION_FAILED', PortalServiceName.PushCases, check.problems);
    const result = this.store.pushCases(check.records);
    const message = `${result.length} case record${result.length === 1 ? '' : 's'} accepted (${tally(result)}).`;
    this.logger.log(`${PortalServiceName.PushCases}: ${message}`);
    return { error_code: PORTAL_OK, message, result };
  }

  private pushProgress(data: unknown): PortalPushAnswer {
    this.received(data, 'progressRecordsReceived');
    const check = checkProgressBatch(data);
    if (!check.ok) throw this.refuse('VALIDATION_FAILED', PortalServiceName.PushProgress, check.problems);
    const unknown = this.store.unknownCases(check.records);
    if (unknown.length > 0) {
      const problems = unknown.map((index) => ({
        index,
        MaHoSo: check.records[index]!.MaHoSo,
        field: 'MaHoSo',
        message: `the portal has no case ${check.records[index]!.MaHoSo}; push it with ${PortalServiceName.PushCases} first`,
      }));
      throw this.refuse('UNKNOWN_CASE', PortalServiceName.PushProgress, problems);
    }
    const result = this.store.pushProgress(check.records);
    const duplicates = result.filter((r) => r.outcome === 'duplicate').length;
    this.simulation.count('duplicatesReceived', duplicates);
    const message = `${result.length} progress record${result.length === 1 ? '' : 's'} accepted (${tally(result)}).`;
    this.logger.log(`${PortalServiceName.PushProgress}: ${message}`);
    return { error_code: PORTAL_OK, message, result };
  }

  private authorized(body: unknown): Record<string, unknown> & { service?: unknown; data?: unknown } {
    const call = jsonObject(body);
    const session = this.sessions.check(call.session);
    if (session === 'expired') throw new PortalError('SESSION_EXPIRED');
    if (session === 'unknown') throw new PortalError('SESSION_UNKNOWN');
    const agency = call.madonvi;
    if (agency !== undefined && agency !== '' && !isAgencyCode(agency)) {
      throw invalidRequest([{ field: 'madonvi', message: `${JSON.stringify(agency)} is not a QCVN 102 agency code (e.g. 000.00.00.H56)` }]);
    }
    return call;
  }

  private received(data: unknown, counter: 'caseRecordsReceived' | 'progressRecordsReceived'): void {
    this.simulation.count('batchesReceived');
    if (Array.isArray(data)) this.simulation.count(counter, data.length);
  }

  private refuse(code: 'VALIDATION_FAILED' | 'UNKNOWN_CASE', service: string, problems: PortalRecordProblem[]): PortalError {
    this.simulation.count('batchesRejected');
    const message = `${service} refused, nothing from this batch was stored: ${summarizeProblems(problems)}`;
    this.logger.warn(message);
    return new PortalError(code, message, problems);
  }
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  throw invalidRequest([{ field: '(body)', message: 'must be a JSON object sent with Content-Type: application/json' }]);
}

function invalidRequest(problems: PortalRecordProblem[]): PortalError {
  return new PortalError('VALIDATION_FAILED', `The request is not valid: ${summarizeProblems(problems)}`, problems);
}

function unknownService(service: unknown, here: string[]): PortalError {
  const named = typeof service === 'string' && service ? `There is no service ${JSON.stringify(service)} here` : 'The call names no service';
  return new PortalError('UNKNOWN_SERVICE', `${named}; this address answers ${here.join(' and ')} (field "service").`);
}

function tally(outcomes: readonly PortalRecordOutcome[]): string {
  const counts = new Map<string, number>();
  for (const { outcome } of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  return [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
