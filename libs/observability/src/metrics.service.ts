import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsOptions {
  /** Prepended to every metric name, e.g. `lgsp_gateway_`. */
  prefix: string;
  /** Process metrics (CPU, memory, event-loop lag, GC); on unless false. */
  defaultMetrics?: boolean;
  /** Request count and duration per route, recorded for every HTTP request; on unless false. */
  httpMetrics?: boolean;
}

export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');

type MetricKind = typeof Counter | typeof Histogram | typeof Gauge;

/**
 * prom-client metrics in a registry of the app's own (not prom-client's global one, so two apps in one test process
 * do not collide). Asking twice for the same name returns the metric already made, so a provider may declare its
 * metrics in a constructor without caring how often it is built.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(@Inject(METRICS_OPTIONS) private readonly options: MetricsOptions) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: options.prefix });
  }

  counter<T extends string>(name: string, help: string, labelNames: readonly T[] = []): Counter<T> {
    return this.getOrCreate(Counter, name, labelNames, () => new Counter<T>({ name: this.options.prefix + name, help, labelNames, registers: [this.registry] }));
  }

  histogram<T extends string>(name: string, help: string, labelNames: readonly T[] = [], buckets?: number[]): Histogram<T> {
    return this.getOrCreate(Histogram, name, labelNames, () =>
      new Histogram<T>({ name: this.options.prefix + name, help, labelNames, registers: [this.registry], ...(buckets ? { buckets } : {}) }),
    );
  }

  gauge<T extends string>(name: string, help: string, labelNames: readonly T[] = []): Gauge<T> {
    return this.getOrCreate(Gauge, name, labelNames, () => new Gauge<T>({ name: this.options.prefix + name, help, labelNames, registers: [this.registry] }));
  }

  private getOrCreate<M>(kind: MetricKind, name: string, labelNames: readonly string[], create: () => M): M {
    const existing = this.registry.getSingleMetric(this.options.prefix + name);
    if (!existing) return create();
    // Same name, different shape is a programming error that would otherwise surface as wrong numbers or as a
    // crash on the first labelled observation; say so at declaration.
    if (!(existing instanceof kind)) {
      throw new Error(`metric ${this.options.prefix + name} is already registered as a ${existing.constructor.name.toLowerCase()}`);
    }
    const known = (existing as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
    if (known.length !== labelNames.length || known.some((l, i) => l !== labelNames[i])) {
      throw new Error(`metric ${this.options.prefix + name} is already registered with labels [${known.join(', ')}]`);
    }
    return existing as unknown as M;
  }
}
