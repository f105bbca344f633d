import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from './metrics.service';

type Label = 'method' | 'route' | 'status';

/**
 * Request count and latency per route. The label is the route pattern (`/r1/:service/*path`), never the URL, so a
 * path full of ids cannot explode the series count or put personal data into Prometheus.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly requests: Counter<Label>;
  private readonly duration: Histogram<Label>;

  constructor(metrics: MetricsService) {
    this.requests = metrics.counter('http_requests_total', 'HTTP requests handled, by route and status.', ['method', 'route', 'status']);
    this.duration = metrics.histogram('http_request_duration_seconds', 'Time from request to response, by route and status.', ['method', 'route', 'status']);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    // Nest mounts middleware as a catch-all route of its own; a request no controller took still has that one as
    // req.route when it finishes.
    const middlewareRoute: unknown = req.route;
    res.once('finish', () => {
      const matched = req.route !== middlewareRoute ? (req.route as { path?: unknown } | undefined)?.path : undefined;
      const route = typeof matched === 'string' ? `${req.baseUrl ?? ''}${matched}` : '(unmatched)';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      this.requests.inc(labels);
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}
