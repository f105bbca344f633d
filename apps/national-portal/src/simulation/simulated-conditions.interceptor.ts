import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { defer, lastValueFrom, Observable } from 'rxjs';
import { sleepUntilClosed } from '@lgsp/concurrency';
import { PORTAL_RANDOM, type RandomSource } from '../config/national-portal-config';
import { PortalError } from '../portal/portal-error';
import { PortalSimulation } from './portal-simulation';

/**
 * Puts every portal call (/api/…) under the simulated conditions:
 * - down: answered 503 PORTAL_DOWN at once, nothing done — the shape a load balancer in front of a dead portal gives
 *   (the listener stays up so that /sim/up can bring the portal back);
 * - error rate: that share of calls answered 500 INTERNAL_ERROR before anything is done;
 * - latency: the call is handled at once, the answer leaves `latencyMs` later. A sender that gives up first has had
 *   its batch stored without hearing so — the case that makes a sender's retries have to be safe.
 */
@Injectable()
export class SimulatedConditionsInterceptor implements NestInterceptor {
  constructor(
    private readonly simulation: PortalSimulation,
    @Inject(PORTAL_RANDOM) private readonly random: RandomSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    return defer(async () => {
      const { down, latencyMs, errorRate } = this.simulation.current();
      if (down) {
        this.simulation.count('refusedWhileDown');
        throw new PortalError('PORTAL_DOWN', undefined, undefined, { 'Retry-After': '1' });
      }
      try {
        if (errorRate > 0 && this.random() < errorRate) {
          this.simulation.count('injectedFailures');
          throw new PortalError('INTERNAL_ERROR', 'The portal failed while handling the call (a simulated failure); nothing was done. Retry later.');
        }
        return await lastValueFrom(next.handle(), { defaultValue: undefined });
      } finally {
        if (latencyMs > 0) await sleepUntilClosed(latencyMs, response);
      }
    });
  }
}
