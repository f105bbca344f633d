import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import { HealthCheckSpec, runHealthCheck } from './health-checks';
import { PublicRoute } from './public-route';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

@Controller('health')
@PublicRoute()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(HEALTH_CHECKS) private readonly checks: readonly HealthCheckSpec[],
  ) {}

  /** Liveness: answering at all is the proof; dependencies are readiness' business, or a broker outage would restart every pod. */
  @Get('live')
  @HealthCheck()
  live(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return this.answer(res, []);
  }

  @Get(['ready', ''])
  @HealthCheck()
  ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return this.answer(res, this.checks.map((spec) => () => this.indicate(spec)));
  }

  private async indicate(spec: HealthCheckSpec): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(spec.name);
    try {
      await runHealthCheck(spec);
      return session.up();
    } catch (err) {
      return session.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }

  /**
   * Terminus reports failure by throwing a 503 exception; the body is written here instead, so an app's global
   * exception filter (the gateway maps unknown statuses to 500) cannot rewrite the probe's answer.
   */
  private async answer(res: Response, indicators: Array<() => Promise<HealthIndicatorResult>>): Promise<HealthCheckResult> {
    try {
      return await this.health.check(indicators);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(503);
      return err.getResponse() as HealthCheckResult;
    }
  }
}
