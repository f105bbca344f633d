import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { platformTopics } from '@lgsp/contracts';
import { generateSecret, hashSecret, parsePlatformConfig, serializePlatformConfig } from '@lgsp/registry';
import { BrokerProcess, startBrokerProcess } from './broker-process';
import { BenchChild, startForwarderProcess, startGatewayProcess } from './gateway-process';
import { closedLoop, httpCall, LoadResult, LoadTarget, openLoop } from './http-load';
import { BenchRun, CpuWatch, Measured, phase, perRequest, r0, r2, round, TokenSource, withCpu } from './bench-support';
import { percentile } from './process-cpu';

export interface GatewayBenchOptions {
  /** Seconds of each measured closed-loop phase (gateway, then baseline). */
  readonly durationS: number;
  /** Seconds of unmeasured load on each target before it is measured. */
  readonly warmupS: number;
  /** Requests kept in flight by the closed-loop phases. */
  readonly concurrency: number;
  /** Requests per second of the open-loop (fixed-rate) phases. */
  readonly rate: number;
  readonly rateDurationS: number;
  /** Gateway processes behind the load generator; more than one share their state through Redis (`redisUrl`). */
  readonly replicas: number;
  readonly redisUrl: string;
  /** Where the (first) gateway's V8 CPU profile goes, if one is wanted. */
  readonly gatewayCpuProfileDir?: string;
  readonly cliEntry: string;
  readonly progress: (text: string) => void;
}

export interface GatewayBenchResult {
  suite: 'gateway';
  cores: number;
  /** Gateway processes measured together (with Redis when more than one). */
  replicas: number;
  concurrency: number;
  duration_s: number;
  /** The gateway: token, access check, request hash, idempotency, Kafka request/reply, message log. */
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  errors: number;
  /** The minimal forwarder: bare node:http → kafkajs request/reply to the same provider on the same broker. */
  baseline_rps: number;
  baseline_p50_ms: number;
  baseline_p99_ms: number;
  baseline_requests: number;
  baseline_errors: number;
  /** rps ÷ baseline_rps. */
  ratio: number;
  /** The open-loop phase: `fixed_rate_rps` requests per second, latency from each request's scheduled send time. */
  fixed_rate_rps: number;
  fixed_rate_duration_s: number;
  fixed_rate_p50_ms: number;
  fixed_rate_p99_ms: number;
  fixed_rate_errors: number;
  /** fixed_rate_p99_ms when the rate is 500 (the default), null otherwise. */
  p99_ms_at_500_rps: number | null;
  baseline_fixed_rate_p50_ms: number;
  baseline_fixed_rate_p99_ms: number;
  /** CPU seconds used during the gateway's measured closed-loop phase, all replicas. `ping` is served by a process of its own. */
  gateway_cpu_s: number | null;
  /** The ping provider's CPU seconds in the same phase. */
  gateway_phase_provider_cpu_s: number | null;
  broker_cpu_s: number | null;
  loadgen_cpu_s: number;
  /** The gateway process's CPU seconds during the fixed-rate phase (÷ its duration: the share of a core it needs). */
  fixed_rate_gateway_cpu_s: number | null;
  /** CPU seconds used during the baseline's measured phase, by the forwarder and by the same provider process. */
  baseline_forwarder_cpu_s: number | null;
  baseline_provider_cpu_s: number | null;
  baseline_broker_cpu_s: number | null;
  baseline_loadgen_cpu_s: number;
  /** CPU milliseconds per request, the same figures divided by the requests of their phase. */
  gateway_cpu_ms_per_req: number | null;
  baseline_forwarder_cpu_ms_per_req: number | null;
  provider_cpu_ms_per_req: number | null;
  broker_cpu_ms_per_req: number | null;
  baseline_broker_cpu_ms_per_req: number | null;
  loadgen_cpu_ms_per_req: number;
  /**
   * Machine-wide busy CPU seconds not charged to the benchmark's processes, during the gateway's closed-loop and
   * fixed-rate phases and the baseline's closed-loop phase. Loopback networking done in interrupt context lands here
   * (about 0.3–0.6 s per 10 s phase on the development machine); seconds more mean another program took the cores
   * and the run should be repeated.
   */
  other_cpu_s: number | null;
  fixed_rate_other_cpu_s: number | null;
  baseline_other_cpu_s: number | null;
}

/** Unique per run: with replicas, every Redis key of the run starts with it and is removed at the end. */
const INSTANCE = `lgsp-bench-${randomBytes(4).toString('hex')}`;
const CLIENT_ID = 'bench-agency-system';

/** A platform with one agency system allowed to call `ping`, logged in full like the demo's; no rate limit. */
async function writePlatformConfig(path: string, secret: string): Promise<void> {
  const config = parsePlatformConfig({
    platform: { role: 'lgsp', code: '000.00.00.H56', name: 'Benchmark platform', instance: INSTANCE },
    members: [
      { code: '000.00.00.H56', name: 'UBND tỉnh Thanh Hóa', kind: 'province' },
      { code: '000.00.02.H56', name: 'Sở Tư pháp', kind: 'department', parent: '000.00.00.H56' },
    ],
    clients: [
      {
        id: CLIENT_ID,
        member: '000.00.02.H56',
        name: 'Benchmark client system',
        secretHash: await hashSecret(secret),
        tier: 'unlimited',
        roles: ['agency-system'],
        groups: ['bench'],
        enabled: true,
      },
    ],
    services: [{ code: 'ping', provider: '000.00.00.H56', name: 'Ping', kind: 'request-reply', bodyLogging: 'full', timeoutMs: 5000 }],
    grants: [{ service: 'ping', group: 'bench' }],
  });
  writeFileSync(path, serializePlatformConfig(config));
}

/** One call through a target that must come back as ping's answer: the path works before it is measured. */
async function probe(target: LoadTarget, what: string): Promise<void> {
  for (const url of target.urls) await probeOne(url, target, what);
}

async function probeOne(url: string, target: LoadTarget, what: string): Promise<void> {
  const res = await httpCall(url, { headers: target.headers() });
  let pong = false;
  try {
    pong = (JSON.parse(res.body.toString('utf8')) as { pong?: unknown }).pong === true;
  } catch {
    // reported below
  }
  if (res.status !== 200 || !pong) throw new Error(`${what}: expected ping's answer, got HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
}

function summary(label: string, r: LoadResult): string {
  const rps = r.ok / r.seconds;
  const errors = r.errors ? `, ${r.errors} errors (first: ${r.firstError})` : '';
  return `${label}: ${Math.round(rps)} req/s, p50 ${percentile(r.latenciesMs, 50).toFixed(2)} ms, p99 ${percentile(r.latenciesMs, 99).toFixed(2)} ms${errors}`;
}

interface TargetFigures {
  closed: Measured<LoadResult>;
  open: Measured<LoadResult>;
}

/**
 * Warm-up, the fixed-rate phase, then the measured closed loop; each phase on a fresh pool of keep-alive
 * connections. The fixed rate comes first so that it meets a warm target rather than one just out of saturation;
 * the warm-up must be long enough for V8 to have optimised the hot paths (about 5 s for the gateway on two cores:
 * after 2 s, its first seconds at 500 req/s still build a backlog of hundreds of milliseconds).
 */
async function benchTarget(label: string, target: LoadTarget, watch: CpuWatch[], opts: GatewayBenchOptions): Promise<TargetFigures> {
  await probe(target, label);
  opts.progress(`${label}: warming up for ${opts.warmupS} s at concurrency ${opts.concurrency}…`);
  const warm = await phase(opts.concurrency, (agent) => closedLoop(target, agent, opts.concurrency, opts.warmupS));
  if (warm.ok === 0) throw new Error(`${label}: no request succeeded during the warm-up (first error: ${warm.firstError})`);
  opts.progress(`${label}: ${opts.rate} req/s for ${opts.rateDurationS} s (open loop)…`);
  const open = await phase(Infinity, (agent) => withCpu(watch, () => openLoop(target, agent, opts.rate, opts.rateDurationS)));
  opts.progress(summary(`${label} (open loop)`, open.value));
  opts.progress(`${label}: ${opts.concurrency} in flight for ${opts.durationS} s (closed loop)…`);
  const closed = await phase(opts.concurrency, (agent) => withCpu(watch, () => closedLoop(target, agent, opts.concurrency, opts.durationS)));
  opts.progress(summary(`${label} (closed loop)`, closed.value));
  if (closed.value.ok === 0) throw new Error(`${label}: no request succeeded (first error: ${closed.value.firstError})`);
  return { closed, open };
}

/**
 * `lgsp bench gateway`: the gateway's authenticated, access-checked, logged request/reply through Kafka to the
 * built-in `ping` provider, against a minimal forwarder to the same provider on the same broker, at fixed
 * concurrency; then each at a fixed rate. Broker, ping provider, gateway and forwarder each run as their own process.
 */
export async function runGatewayBench(opts: GatewayBenchOptions): Promise<GatewayBenchResult> {
  if (opts.replicas > 1) await removeRunKeys(opts.redisUrl, opts.replicas);
  // Stopped in reverse start order: the token refresher, the forwarder, the gateway, the provider, then the broker.
  const run = new BenchRun('gateway');
  const { root } = run;
  try {
    opts.progress('starting the broker…');
    const broker: BrokerProcess = run.track(await startBrokerProcess(opts.cliEntry, join(root, 'kafka')));
    const kafkaBootstrap = `127.0.0.1:${broker.port}`;

    const secret = generateSecret();
    const platformConfig = join(root, 'platform.yaml');
    await writePlatformConfig(platformConfig, secret);
    // The provider runs in a process of its own, the same one for both targets: a gateway that also answered ping
    // would spend its one thread on the provider's work as well, while the forwarder would not.
    opts.progress('starting the ping provider…');
    const providerDataDir = join(root, 'provider-data');
    mkdirSync(providerDataDir, { recursive: true });
    const provider: BenchChild = await startGatewayProcess({
      platformConfig,
      dataDir: providerDataDir,
      kafkaBootstrap,
      instanceId: 'bench-provider',
      pingProvider: true,
      log: opts.progress,
    });
    run.track(provider);

    // Replicas share one data directory (the platform's token-signing key) and, through Redis, their state.
    const gatewayDataDir = join(root, 'gateway-data');
    mkdirSync(gatewayDataDir, { recursive: true });
    if (opts.gatewayCpuProfileDir) mkdirSync(opts.gatewayCpuProfileDir, { recursive: true });
    const gateways: BenchChild[] = [];
    for (let i = 1; i <= opts.replicas; i++) {
      opts.progress(opts.replicas === 1 ? 'starting the gateway…' : `starting gateway replica ${i} of ${opts.replicas} (state in Redis)…`);
      const gateway: BenchChild = await startGatewayProcess({
        platformConfig,
        dataDir: gatewayDataDir,
        kafkaBootstrap,
        instanceId: opts.replicas === 1 ? 'bench-gateway' : `bench-gateway-${i}`,
        pingProvider: false,
        redisUrl: opts.replicas === 1 ? undefined : opts.redisUrl,
        cpuProfileDir: i === 1 ? opts.gatewayCpuProfileDir : undefined,
        log: opts.progress,
      });
      run.track(gateway);
      gateways.push(gateway);
    }
    const tokenSource = run.track(new TokenSource(gateways[0].origin, CLIENT_ID, secret, opts.progress));
    await tokenSource.start();

    const gatewayTarget: LoadTarget = { urls: gateways.map((g) => `${g.origin}/r1/ping`), headers: () => ({ authorization: tokenSource.authorization }) };
    const gw = await benchTarget(
      'gateway',
      gatewayTarget,
      [
        ...gateways.map((g, i) => ({ name: `gateway-${i}`, pid: g.pid })),
        { name: 'provider', pid: provider.pid },
        { name: 'broker', pid: broker.child.pid ?? null },
      ],
      opts,
    );
    const gatewaysCpu = (cpu: Record<string, number | null>): number | null =>
      gateways.reduce<number | null>((sum, _g, i) => (sum === null || cpu[`gateway-${i}`] === null ? null : sum + cpu[`gateway-${i}`]!), 0);

    opts.progress('starting the baseline forwarder…');
    const topics = platformTopics(INSTANCE);
    const forwarder = await startForwarderProcess(
      { brokers: [kafkaBootstrap], requestTopic: topics.serviceRequests('ping'), replyTopic: `${INSTANCE}.bench-forwarder.replies`, deadlineMs: 5000 },
      opts.progress,
    );
    run.track(forwarder);
    const baselineTarget: LoadTarget = { urls: [`${forwarder.origin}/ping`], headers: () => ({}) };
    const base = await benchTarget(
      'baseline',
      baselineTarget,
      [
        { name: 'forwarder', pid: forwarder.pid },
        { name: 'provider', pid: provider.pid },
        { name: 'broker', pid: broker.child.pid ?? null },
      ],
      opts,
    );

    const g = gw.closed.value;
    const b = base.closed.value;
    const rps = g.ok / g.seconds;
    const baselineRps = b.ok / b.seconds;
    const fixedP99 = r2(percentile(gw.open.value.latenciesMs, 99));
    return {
      suite: 'gateway',
      cores: availableParallelism(),
      replicas: opts.replicas,
      concurrency: opts.concurrency,
      duration_s: opts.durationS,
      rps: r0(rps),
      p50_ms: r2(percentile(g.latenciesMs, 50)),
      p99_ms: r2(percentile(g.latenciesMs, 99)),
      requests: g.ok,
      errors: g.errors,
      baseline_rps: r0(baselineRps),
      baseline_p50_ms: r2(percentile(b.latenciesMs, 50)),
      baseline_p99_ms: r2(percentile(b.latenciesMs, 99)),
      baseline_requests: b.ok,
      baseline_errors: b.errors,
      ratio: r2(rps / baselineRps),
      fixed_rate_rps: opts.rate,
      fixed_rate_duration_s: opts.rateDurationS,
      fixed_rate_p50_ms: r2(percentile(gw.open.value.latenciesMs, 50)),
      fixed_rate_p99_ms: fixedP99,
      fixed_rate_errors: gw.open.value.errors,
      p99_ms_at_500_rps: opts.rate === 500 ? fixedP99 : null,
      baseline_fixed_rate_p50_ms: r2(percentile(base.open.value.latenciesMs, 50)),
      baseline_fixed_rate_p99_ms: r2(percentile(base.open.value.latenciesMs, 99)),
      fixed_rate_gateway_cpu_s: round(gatewaysCpu(gw.open.cpu), 2),
      gateway_cpu_s: round(gatewaysCpu(gw.closed.cpu), 2),
      gateway_phase_provider_cpu_s: round(gw.closed.cpu.provider, 2),
      broker_cpu_s: round(gw.closed.cpu.broker, 2),
      loadgen_cpu_s: r2(gw.closed.loadgenCpuS),
      baseline_forwarder_cpu_s: round(base.closed.cpu.forwarder, 2),
      baseline_provider_cpu_s: round(base.closed.cpu.provider, 2),
      baseline_broker_cpu_s: round(base.closed.cpu.broker, 2),
      baseline_loadgen_cpu_s: r2(base.closed.loadgenCpuS),
      gateway_cpu_ms_per_req: perRequest(gatewaysCpu(gw.closed.cpu), g.ok + g.errors),
      baseline_forwarder_cpu_ms_per_req: perRequest(base.closed.cpu.forwarder, b.ok + b.errors),
      provider_cpu_ms_per_req: perRequest(base.closed.cpu.provider, b.ok + b.errors),
      broker_cpu_ms_per_req: perRequest(gw.closed.cpu.broker, g.ok + g.errors),
      baseline_broker_cpu_ms_per_req: perRequest(base.closed.cpu.broker, b.ok + b.errors),
      loadgen_cpu_ms_per_req: perRequest(gw.closed.loadgenCpuS, g.ok + g.errors) ?? NaN,
      other_cpu_s: round(gw.closed.otherCpuS, 2),
      fixed_rate_other_cpu_s: round(gw.open.otherCpuS, 2),
      baseline_other_cpu_s: round(base.closed.otherCpuS, 2),
    };
  } finally {
    await run.close();
    // Idempotency answers are kept for a day: the run's keys go with it.
    if (opts.replicas > 1) await removeRunKeys(opts.redisUrl, opts.replicas).catch((err: Error) => opts.progress(`could not remove the run's Redis keys: ${err.message}`));
  }
}

/** Deletes every key of this run (they all start with its instance); first called to prove Redis is there. */
async function removeRunKeys(redisUrl: string, replicas: number): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
  try {
    await redis.connect().catch((err: Error) => {
      throw new Error(`${replicas} gateway replicas share their state through Redis, which is not reachable at ${redisUrl} (${err.message}); set REDIS_URL`);
    });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${INSTANCE}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
