import { IncomingHttpHeaders } from 'node:http';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatPersonalId } from '@lgsp/identifiers';
import { BenchRun, CpuWatch, loadLine, phase, perRequest, r0, r2, round, TokenSource, withCpu, writeUnlimitedDemoPlatform } from './bench-support';
import { BrokerProcess, startBrokerProcess } from './broker-process';
import { BenchChild, startGatewayProcess } from './gateway-process';
import { closedLoop, httpCall, HttpAnswer, LoadResult, LoadTarget } from './http-load';
import { percentile } from './process-cpu';
import { startServiceProcess } from './service-process';

export interface LookupsBenchOptions {
  readonly durationS: number;
  readonly warmupS: number;
  readonly concurrency: number;
  readonly cliEntry: string;
  readonly progress: (text: string) => void;
}

export interface LookupsBenchResult {
  suite: 'lookups';
  cores: number;
  concurrency: number;
  duration_s: number;
  /** Where the connectors keep successful answers: in their own process (the single-replica default). */
  cache: 'in-process';
  /** Citizen lookups per second through the gateway, every one answered from the connectors' cache. */
  hit_rps: number;
  hit_p50_ms: number;
  hit_p99_ms: number;
  /** Calls that reached the simulated population database during the hit phase: 0 when every lookup was a hit. */
  hit_remote_calls: number;
  /**
   * The gateway's own ceiling in the same run: \`GET /r1/ping\` at the same concurrency, answered by a provider process
   * that does nothing else. A hit cannot be cheaper than this; on a shared machine, \`hit_vs_ping\` is the figure that
   * compares between runs.
   */
  ping_rps: number;
  hit_vs_ping: number;
  /** Lookups per second of identifiers never asked before, each one a call to the simulated database. */
  miss_rps: number;
  miss_p50_ms: number;
  miss_p99_ms: number;
  /** Of the miss phase's lookups, how many the database answered "no such record" (404, counted as completed). */
  miss_not_found: number;
  /** One at a time, in pairs: the simulated database called directly, then a miss through the gateway. */
  added_pairs: number;
  direct_p50_ms: number;
  direct_p99_ms: number;
  gateway_miss_p50_ms: number;
  gateway_miss_p99_ms: number;
  /** What the platform adds to a lookup (gateway, Kafka, connectors, cache check) at the median and the 99th percentile. */
  added_p50_ms: number;
  added_p99_ms: number;
  /** Answers other than 200 and 404 RECORD_NOT_FOUND, in every phase. */
  errors: number;
  gateway_cpu_ms_per_hit: number | null;
  connectors_cpu_ms_per_hit: number | null;
  broker_cpu_ms_per_hit: number | null;
  loadgen_cpu_ms_per_hit: number | null;
  gateway_cpu_ms_per_miss: number | null;
  connectors_cpu_ms_per_miss: number | null;
  simulator_cpu_ms_per_miss: number | null;
  broker_cpu_ms_per_miss: number | null;
  other_cpu_s: number | null;
}

const SERVICE = 'national.population';
const SYSTEM = 'population';
/** Identifiers confirmed present and cached before the hit phase: a desk looks the same few people up again and again. */
const HIT_SET_SIZE = 100;
/**
 * Remote calls tolerated during the hit phase: the connectors may renew their token with the database, nothing
 * else. More means lookups missed the cache, and the hit figure would not be one.
 */
const HIT_REMOTE_CALLS_ALLOWED = 5;
/**
 * The paired added-latency phase keeps one request in flight. The platform's added latency is its own work per
 * lookup; with more in flight on a machine of few cores, both paths would also measure queueing behind each other
 * (and the gateway path, three processes deep, would queue more), which is a throughput figure, not latency.
 */
const PAIRED_CONCURRENCY = 1;
/** The simulator's demo credentials for the population database: the connectors' defaults too. */
const SIMULATOR_CLIENT_ID = `lgsp-demo-${SYSTEM}`;
const SIMULATOR_CLIENT_SECRET = `lgsp-demo-${SYSTEM}-secret`;

/**
 * Personal identification numbers registered in Thanh Hóa (038), one per step of a counter: every run asks for the
 * same people in the same order (so the simulator's ~5 % "no such record" falls on the same ones), never one twice.
 */
class PersonalIds {
  private n = 0;

  next(): string {
    const n = this.n++;
    return formatPersonalId({
      provinceGso: '38',
      birthYear: 1960 + Math.floor(n / 2_000_000),
      sex: Math.floor(n / 1_000_000) % 2 === 0 ? 'male' : 'female',
      serial: String(n % 1_000_000).padStart(6, '0'),
    });
  }
}

/** The gateway passes the connector's refusal on with its code in a header, so a load loop need not read the body. */
function gatewayNotFound(status: number, headers: IncomingHttpHeaders): boolean {
  return status === 404 && headers['x-lgsp-error-code'] === 'RECORD_NOT_FOUND';
}

type ErrorBody = { error?: { name?: string; code?: string } };

/** A 404 whose body names RECORD_NOT_FOUND, where `codeOf` finds it: the simulator's `error.name`, the gateway's `error.code`. */
function notFoundAnswer(answer: HttpAnswer, codeOf: (body: ErrorBody) => string | undefined): boolean {
  if (answer.status !== 404) return false;
  try {
    return codeOf(JSON.parse(answer.body.toString('utf8')) as ErrorBody) === 'RECORD_NOT_FOUND';
  } catch {
    return false;
  }
}

const simulatorNotFound = (answer: HttpAnswer): boolean => notFoundAnswer(answer, (body) => body.error?.name);
/** httpCall hands back no headers; the gateway's error body carries the same code as its header. */
const gatewayNotFoundBody = (answer: HttpAnswer): boolean => notFoundAnswer(answer, (body) => body.error?.code);

async function simulatorToken(simUrl: string): Promise<string> {
  const res = await httpCall(`${simUrl}/${SYSTEM}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: SIMULATOR_CLIENT_ID, client_secret: SIMULATOR_CLIENT_SECRET }),
  });
  if (res.status !== 200) throw new Error(`the simulated population database refused a token: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
  // Its tokens last an hour (NATIONAL_DATABASES_TOKEN_TTL_SECONDS), far longer than a run's paired phase.
  return (JSON.parse(res.body.toString('utf8')) as { access_token: string }).access_token;
}

async function populationStats(simUrl: string): Promise<{ calls: number; notFound: number }> {
  const res = await httpCall(`${simUrl}/sim/stats`);
  if (res.status !== 200) throw new Error(`GET /sim/stats failed: HTTP ${res.status}`);
  return (JSON.parse(res.body.toString('utf8')) as Record<string, { calls: number; notFound: number }>)[SYSTEM]!;
}

interface PairedLatencies {
  pairs: number;
  errors: number;
  firstError: string | null;
  directMs: number[];
  gatewayMs: number[];
}

/**
 * For `seconds`, one pair after another: a fresh identifier asked of the simulator directly, then another fresh one
 * through the gateway (a miss, so the connectors call the same simulator). Both on one kind of keep-alive agent and
 * timed the same way — from sending to the whole answer read — so that the difference is the platform's.
 */
async function pairedLatencies(seconds: number, ids: PersonalIds, direct: (id: string) => Promise<HttpAnswer>, viaGateway: (id: string) => Promise<HttpAnswer>): Promise<PairedLatencies> {
  const result: PairedLatencies = { pairs: 0, errors: 0, firstError: null, directMs: [], gatewayMs: [] };
  const timed = async (call: () => Promise<HttpAnswer>, completed: (a: HttpAnswer) => boolean, into: number[], label: string): Promise<void> => {
    const sentAt = performance.now();
    const answer = await call().catch((error: Error) => error);
    const ms = performance.now() - sentAt;
    if (!(answer instanceof Error) && completed(answer)) return void into.push(ms);
    result.errors++;
    result.firstError ??= `${label}: ${answer instanceof Error ? answer.message : `HTTP ${answer.status} ${answer.body.toString('utf8').slice(0, 200)}`}`;
  };
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const directId = ids.next();
    const gatewayId = ids.next();
    await timed(() => direct(directId), (a) => a.status === 200 || simulatorNotFound(a), result.directMs, 'direct');
    await timed(() => viaGateway(gatewayId), (a) => a.status === 200 || gatewayNotFoundBody(a), result.gatewayMs, 'gateway');
    result.pairs++;
  }
  result.directMs.sort((a, b) => a - b);
  result.gatewayMs.sort((a, b) => a - b);
  return result;
}

/**
 * `lgsp bench lookups`: citizen lookups (`national.population`, the strictest path: personal data, so every lookup
 * states its case) through the gateway, Kafka and the national connectors to the simulated population database, each
 * process on its own. Measured: lookups per second answered from the connectors' cache (in-process, as a single
 * replica runs without REDIS_URL), lookups per second of never-seen identifiers (each one a call to the database), and
 * — one at a time, interleaved with calls to the database directly — the latency the platform adds. The run ends by
 * checking with the simulator that the hit phase did not reach it.
 */
export async function runLookupsBench(opts: LookupsBenchOptions): Promise<LookupsBenchResult> {
  const run = new BenchRun('lookups');
  const { root } = run;
  try {
    // A "no such record" answer is a 4xx, which the HTTP servers log at warn: about one miss in twenty, an expected
    // answer and not news. It is still logged (and its cost measured); only the progress output leaves it out.
    const log = (line: string): void => {
      if (!line.includes('"msg":"request completed"')) opts.progress(line);
    };
    opts.progress('starting the broker…');
    const broker: BrokerProcess = run.track(await startBrokerProcess(opts.cliEntry, join(root, 'kafka')));
    const kafkaBootstrap = `127.0.0.1:${broker.port}`;
    const platformConfig = join(root, 'platform.yaml');
    const demo = await writeUnlimitedDemoPlatform(platformConfig);

    opts.progress('starting the simulated national databases…');
    const simulator = run.track(
      await startServiceProcess({
        app: 'national-databases',
        readyLine: /^national-databases listening on (http:\/\/\S+)$/,
        env: { NATIONAL_DATABASES_HOST: '127.0.0.1', NATIONAL_DATABASES_PORT: '0' },
        log,
      }),
    );
    const simUrl = simulator.origin;
    // No latency, failures or outage: the run measures the platform, with the database as fast as it can answer.
    const reset = await httpCall(`${simUrl}/sim/reset`, { method: 'POST' });
    if (reset.status !== 200 && reset.status !== 201) throw new Error(`POST /sim/reset failed: HTTP ${reset.status}`);

    opts.progress('starting the national connectors (lookup cache in process)…');
    const connectors = run.track(
      await startServiceProcess({
        app: 'national-connectors',
        readyLine: /^national-connectors ready$/,
        env: { LGSP_CONFIG: platformConfig, KAFKA_BROKERS: kafkaBootstrap, NATIONAL_DATABASES_URL: simUrl },
        log,
      }),
    );
    opts.progress('starting the gateway…');
    const gateway: BenchChild = run.track(
      await startGatewayProcess({ platformConfig, dataDir: join(root, 'gateway'), kafkaBootstrap, instanceId: 'bench-gateway', pingProvider: false, log, cpuProfileDir: process.env.LGSP_BENCH_GATEWAY_PROF }),
    );
    opts.progress('starting the ping provider (the gateway ceiling)…');
    run.track(await startGatewayProcess({ platformConfig, dataDir: join(root, 'ping-provider'), kafkaBootstrap, instanceId: 'bench-ping-provider', pingProvider: true, log }));
    const oneStop = demo.credentials.find((c) => /-motcua-/.test(c.clientId))!;
    const desk = run.track(new TokenSource(gateway.origin, oneStop.clientId, oneStop.secret, opts.progress));
    await desk.start();
    const simulatorBearer = `Bearer ${await simulatorToken(simUrl)}`;
    const watch: CpuWatch[] = [
      { name: 'gateway', pid: gateway.pid },
      { name: 'connectors', pid: connectors.pid },
      { name: 'simulator', pid: simulator.pid },
      { name: 'broker', pid: broker.child.pid ?? null },
    ];

    // Personal data is looked up for a stated case: one of this desk's, as its one-stop system would send it.
    const issue = `${oneStop.member}-261207-0001`;
    const citizenPath = (id: string): string => `/r1/${SERVICE}/citizens/${id}`;
    const lookupHeaders = (): Record<string, string> => ({ authorization: desk.authorization, 'x-lgsp-issue': issue });
    const ids = new PersonalIds();
    const lookupTarget = (path: () => string): LoadTarget => ({
      urls: [`${gateway.origin}${citizenPath('')}`],
      headers: lookupHeaders,
      next: () => ({ path: path() }),
      accept: gatewayNotFound,
    });
    const missTarget = lookupTarget(() => citizenPath(ids.next()));

    opts.progress(`warming up with ${opts.concurrency} misses in flight for ${opts.warmupS} s…`);
    const warm = await phase(opts.concurrency, (agent) => closedLoop(missTarget, agent, opts.concurrency, opts.warmupS));
    if (warm.ok === 0) throw new Error(`no lookup completed during the warm-up (first error: ${warm.firstError})`);

    // The hit set: people the database knows (a "no such record" is never cached), each looked up once to cache it.
    const hitSet: string[] = [];
    await phase(1, async (agent) => {
      while (hitSet.length < HIT_SET_SIZE) {
        const id = ids.next();
        const res = await httpCall(`${gateway.origin}${citizenPath(id)}`, { headers: lookupHeaders(), agent });
        if (res.status === 200) hitSet.push(id);
        else if (!gatewayNotFoundBody(res)) throw new Error(`caching the hit set failed: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
      }
    });

    let hitNumber = 0;
    const hitTarget = lookupTarget(() => citizenPath(hitSet[hitNumber++ % hitSet.length]!));
    opts.progress(`${opts.concurrency} cache hits in flight for ${opts.durationS} s (${HIT_SET_SIZE} people in turn)…`);
    const beforeHits = await populationStats(simUrl);
    const hits = await phase(opts.concurrency, (agent) => withCpu(watch, () => closedLoop(hitTarget, agent, opts.concurrency, opts.durationS)));
    const hitRemoteCalls = (await populationStats(simUrl)).calls - beforeHits.calls;
    opts.progress(`${loadLine('hits', 'lookups', hits.value)}; ${hitRemoteCalls} calls reached the database`);
    if (hits.value.ok === 0) throw new Error(`no cache hit completed (first error: ${hits.value.firstError})`);
    if (hitRemoteCalls > HIT_REMOTE_CALLS_ALLOWED) throw new Error(`the hit phase made ${hitRemoteCalls} calls to the database: its lookups were not answered from the cache`);

    opts.progress(`the gateway's ceiling: ${opts.concurrency} pings in flight for ${opts.durationS} s…`);
    const pingTarget: LoadTarget = { urls: [`${gateway.origin}/r1/ping`], headers: () => ({ authorization: desk.authorization }) };
    const pings = await phase(opts.concurrency, (agent) => closedLoop(pingTarget, agent, opts.concurrency, opts.durationS));
    opts.progress(loadLine('ping', 'requests', pings));
    if (pings.ok === 0) throw new Error(`no ping completed (first error: ${pings.firstError})`);

    opts.progress(`${opts.concurrency} misses in flight for ${opts.durationS} s (every identifier new)…`);
    const beforeMisses = await populationStats(simUrl);
    const misses = await phase(opts.concurrency, (agent) => withCpu(watch, () => closedLoop(missTarget, agent, opts.concurrency, opts.durationS)));
    const missNotFound = (await populationStats(simUrl)).notFound - beforeMisses.notFound;
    opts.progress(loadLine('misses', 'lookups', misses.value));

    opts.progress(`added latency: ${PAIRED_CONCURRENCY} in flight for ${opts.durationS} s, the database directly and through the platform in turn…`);
    const paired = await phase(PAIRED_CONCURRENCY, (agent) =>
      pairedLatencies(
        opts.durationS,
        ids,
        // Named as the connectors name it: the simulator refuses a look-up without an agency (106 AGENCY_ID_INCORRECT).
        (id) => httpCall(`${simUrl}/${SYSTEM}/citizens/${id}`, { headers: { authorization: simulatorBearer, 'x-agency-id': demo.config.platform.code }, agent }),
        (id) => httpCall(`${gateway.origin}${citizenPath(id)}`, { headers: lookupHeaders(), agent }),
      ),
    );
    if (paired.directMs.length === 0 || paired.gatewayMs.length === 0) throw new Error(`the paired phase completed no lookup on one side (first error: ${paired.firstError})`);
    opts.progress(
      `added latency over ${paired.pairs} pairs: direct p50 ${percentile(paired.directMs, 50).toFixed(2)} ms, through the gateway p50 ${percentile(paired.gatewayMs, 50).toFixed(2)} ms` +
        (paired.errors ? `, ${paired.errors} errors (first: ${paired.firstError})` : ''),
    );

    const h: LoadResult = hits.value;
    const m: LoadResult = misses.value;
    return {
      suite: 'lookups',
      cores: availableParallelism(),
      concurrency: opts.concurrency,
      duration_s: opts.durationS,
      cache: 'in-process',
      hit_rps: r0(h.ok / h.seconds),
      hit_p50_ms: r2(percentile(h.latenciesMs, 50)),
      hit_p99_ms: r2(percentile(h.latenciesMs, 99)),
      hit_remote_calls: hitRemoteCalls,
      ping_rps: r0(pings.ok / pings.seconds),
      hit_vs_ping: r2(h.ok / h.seconds / (pings.ok / pings.seconds)),
      miss_rps: r0(m.ok / m.seconds),
      miss_p50_ms: r2(percentile(m.latenciesMs, 50)),
      miss_p99_ms: r2(percentile(m.latenciesMs, 99)),
      miss_not_found: missNotFound,
      added_pairs: paired.pairs,
      direct_p50_ms: r2(percentile(paired.directMs, 50)),
      direct_p99_ms: r2(percentile(paired.directMs, 99)),
      gateway_miss_p50_ms: r2(percentile(paired.gatewayMs, 50)),
      gateway_miss_p99_ms: r2(percentile(paired.gatewayMs, 99)),
      added_p50_ms: r2(percentile(paired.gatewayMs, 50) - percentile(paired.directMs, 50)),
      added_p99_ms: r2(percentile(paired.gatewayMs, 99) - percentile(paired.directMs, 99)),
      errors: warm.errors + h.errors + pings.errors + m.errors + paired.errors,
      gateway_cpu_ms_per_hit: perRequest(hits.cpu.gateway, h.ok),
      connectors_cpu_ms_per_hit: perRequest(hits.cpu.connectors, h.ok),
      broker_cpu_ms_per_hit: perRequest(hits.cpu.broker, h.ok),
      loadgen_cpu_ms_per_hit: perRequest(hits.loadgenCpuS, h.ok),
      gateway_cpu_ms_per_miss: perRequest(misses.cpu.gateway, m.ok),
      connectors_cpu_ms_per_miss: perRequest(misses.cpu.connectors, m.ok),
      simulator_cpu_ms_per_miss: perRequest(misses.cpu.simulator, m.ok),
      broker_cpu_ms_per_miss: perRequest(misses.cpu.broker, m.ok),
      other_cpu_s: round(hits.otherCpuS, 2),
    };
  } finally {
    await run.close();
  }
}
