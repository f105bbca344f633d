import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { defer, lastValueFrom, Observable } from 'rxjs';
import { sleepUntilClosed } from '@lgsp/concurrency';
import { SIMULATION_RANDOM, type NationalSystem, type RandomSource } from '../config/national-databases-config';
import { GarbageAnswer, RemoteError } from '../systems/remote-error';
import { TokenStore } from '../systems/token-store';
import { AGENCY_ID_HEADER, agencyRefusal, ipRefusal } from './caller-access';
import { SimulationState } from './simulation-state';

const SYSTEM_KEY = 'national-databases:system';
const TOKEN_ENDPOINT_KEY = 'national-databases:token-endpoint';

/** Marks a controller as one national system's: its calls are counted and put under that system's conditions. */
export const ForSystem = (system: NationalSystem) => SetMetadata(SYSTEM_KEY, system);
/** The one call of a system that needs no token: the one that hands them out. */
export const TokenEndpoint = () => SetMetadata(TOKEN_ENDPOINT_KEY, true);

/**
 * Every call of a system goes through, in order: down (503 at once, as a load balancer in front of a dead system
 * answers), garbage (an HTML page instead of JSON), the error rate (500 before anything is done), the caller's address
 * (101 IP_DISALLOWED, the token endpoint included), the Bearer token (100 AUTHEN_ERROR), then, for look-ups, the
 * calling agency's code in `x-agency-id` (106 AGENCY_ID_INCORRECT). Conditions come before the checks because a dead
 * or broken system checks nothing; the address comes before the token because a network filter refuses a caller
 * before anyone reads its credentials, and the agency after it because only an authenticated client's agency means
 * anything. Latency delays the answer, whatever it is, and ends early when the caller has gone.
 */
@Injectable()
export class SimulatedConditionsInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly state: SimulationState,
    private readonly tokens: TokenStore,
    @Inject(SIMULATION_RANDOM) private readonly random: RandomSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const system = this.reflector.get<NationalSystem | undefined>(SYSTEM_KEY, context.getClass());
    if (!system) return next.handle();
    const tokenCall = this.reflector.get<boolean | undefined>(TOKEN_ENDPOINT_KEY, context.getHandler()) === true;
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    return defer(async () => {
      this.state.count(system, 'calls');
      const { down, latencyMs, errorRate, garbage, allowedIps, agencyIds } = this.state.current(system);
      try {
        if (down) {
          this.state.count(system, 'refusedWhileDown');
          throw new RemoteError(system, 'SERVICE_UNAVAILABLE', undefined, { 'Retry-After': '1' });
        }
        if (garbage) {
          this.state.count(system, 'garbageAnswers');
          throw new GarbageAnswer(system);
        }
        if (errorRate > 0 && this.random() < errorRate) {
          this.state.count(system, 'injectedFailures');
          throw new RemoteError(system, 'SYSTEM_ERROR', 'The system failed while handling the call (a simulated failure); nothing was done. Retry later.');
        }
        // The socket's own address, never X-Forwarded-For: a caller must not be able to name itself into the list.
        const addressRefused = ipRefusal(system, allowedIps, request.socket.remoteAddress);
        if (addressRefused !== null) {
          this.state.count(system, 'ipRefused');
          throw new RemoteError(system, 'IP_DISALLOWED', addressRefused);
        }
        if (!tokenCall && !this.tokens.accepts(system, request.headers.authorization)) {
          this.state.count(system, 'authRefused');
          throw new RemoteError(system, 'AUTHEN_ERROR', `Send "Authorization: Bearer <token>" with a live token from POST /${system}/token; tokens of other systems are not accepted.`, {
            'WWW-Authenticate': `Bearer realm="${system}"`,
          });
        }
        // Only look-ups name an agency: one client may ask on behalf of several agencies, so each look-up says which.
        const agencyRefused = tokenCall ? null : agencyRefusal(system, agencyIds, request.headers[AGENCY_ID_HEADER]);
        if (agencyRefused !== null) {
          this.state.count(system, 'agencyRefused');
          throw new RemoteError(system, 'AGENCY_ID_INCORRECT', agencyRefused);
        }
        return await lastValueFrom(next.handle(), { defaultValue: undefined });
      } finally {
        if (latencyMs > 0) await sleepUntilClosed(latencyMs, response);
      }
    });
  }
}
