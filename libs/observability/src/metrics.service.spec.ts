import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  const service = (defaultMetrics = false) => new MetricsService({ prefix: 'lgsp_test_', defaultMetrics });

  it('prefixes names and returns the same metric when asked twice, instead of crashing on re-registration', async () => {
    const metrics = service();
    const a = metrics.counter('exchanges_total', 'Exchanges.', ['service']);
    const b = metrics.counter('exchanges_total', 'Exchanges.', ['service']);
    expect(b).toBe(a);
    a.inc({ service: 'ping' });
    b.inc({ service: 'ping' });
    expect(await metrics.registry.getSingleMetricAsString('lgsp_test_exchanges_total')).toContain('lgsp_test_exchanges_total{service="ping"} 2');
  });

  it('deduplicates histograms and gauges too, and keeps custom buckets', async () => {
    const metrics = service();
    const h = metrics.histogram('latency_seconds', 'Latency.', [], [0.1, 1]);
    expect(metrics.histogram('latency_seconds', 'Latency.', [], [0.1, 1])).toBe(h);
    h.observe(0.5);
    expect(await metrics.registry.metrics()).toContain('lgsp_test_latency_seconds_bucket{le="1"} 1');
    const g = metrics.gauge('in_flight', 'In flight.');
    expect(metrics.gauge('in_flight', 'In flight.')).toBe(g);
  });

  it('refuses the same name with another type or other labels', () => {
    const metrics = service();
    metrics.counter('things_total', 'Things.', ['a']);
    expect(() => metrics.gauge('things_total', 'Things.', ['a'])).toThrow(/already registered as a counter/);
    expect(() => metrics.counter('things_total', 'Things.', ['b'])).toThrow(/already registered with labels \[a\]/);
  });

  it('keeps each app in its own registry, so two services in one process do not collide', () => {
    expect(() => {
      service().counter('same_total', 'x');
      service().counter('same_total', 'x');
    }).not.toThrow();
  });

  it('collects prefixed process metrics unless told not to', async () => {
    expect(await service(true).registry.metrics()).toContain('lgsp_test_process_cpu_seconds_total');
    expect(await service(false).registry.metrics()).not.toContain('process_cpu_seconds_total');
  });
});
