export * from './masking';
export { requestIdFrom, resolveRequestId, SAFE_REQUEST_ID } from './request-id';
export { LoggingModule, createLogger, loggerOptions } from './logging.module';
export type { LoggingOptions } from './logging.module';
export { isSensitiveLogKey, scrubLogLine } from './log-scrubber';
export { MetricsModule } from './metrics.module';
export { MetricsService } from './metrics.service';
export type { MetricsOptions } from './metrics.service';
export { HealthModule } from './health.module';
export type { HealthOptions } from './health.module';
export { HealthCheckTimeoutError, DEFAULT_CHECK_TIMEOUT_MS, kafkaHealthCheck, redisHealthCheck, runHealthCheck } from './health-checks';
export type { HealthCheckSpec } from './health-checks';
export { PUBLIC_ROUTE_METADATA, PublicRoute } from './public-route';
// tracing-register is deliberately not exported: importing it would start tracing as a side effect.
export { startTracing, MaskingSpanExporter, tracesUrl } from './tracing';
export type { TracingHandle, TracingOptions } from './tracing';
export { currentTraceHeaders } from './trace-headers';
export { exitWhenParentGone } from './parent-watch';
export { EnvironmentError, readEnvironment } from './environment';
