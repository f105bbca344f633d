import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_CHECKS, HealthController } from './health.controller';
import { HealthCheckSpec } from './health-checks';

export interface HealthOptions {
  checks: HealthCheckSpec[];
}

/**
 * Health through @nestjs/terminus (STYLE.md 8): GET /health/live, GET /health/ready and GET /health (= ready),
 * 200 when every check passes and 503 with terminus' details otherwise.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions): DynamicModule {
    const names = options.checks.map((c) => c.name);
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    // Terminus keys results by name: a repeated name would hide one check's failure behind the other's success.
    if (repeated) throw new Error(`health check "${repeated}" is declared twice`);
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: [HealthController],
      providers: [{ provide: HEALTH_CHECKS, useValue: [...options.checks] }],
    };
  }
}
