import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { METRICS_OPTIONS, MetricsOptions, MetricsService } from './metrics.service';

/** prom-client metrics (STYLE.md 8): MetricsService for the app's own metrics, GET /metrics for Prometheus. */
@Module({})
export class MetricsModule implements NestModule {
  constructor(@Inject(METRICS_OPTIONS) private readonly options: MetricsOptions) {}

  static forRoot(options: MetricsOptions): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [{ provide: METRICS_OPTIONS, useValue: options }, MetricsService],
      exports: [MetricsService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    if (this.options.httpMetrics !== false) consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
