import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BenchRun, CpuWatch, loadLine, phase, perRequest, r0, r2, round, TokenSource, withCpu, writeUnlimitedDemoPlatform } from './bench-support';
import { BrokerProcess, startBrokerProcess } from './broker-process';
import { BenchChild, startGatewayProcess } from './gateway-process';
import { closedLoop, httpCall, LoadTarget } from './http-load';
import { percentile, processRssBytes } from './process-cpu';
import { startServiceProcess } from './service-process';

export interface CasesBenchOptions {
  /** Cases in store before the measured phases (synthetic history written to the event topic). */
  readonly cases: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly concurrency: number;
  readonly cliEntry: string;
  readonly progress: (text: string) => void;
}

export interface CasesBenchResult {
  suite: 'cases';
  cores: number;
  /** Cases in store when the statistics were measured (the history, plus the warm-up's). */
  cases: number;
  concurrency: number;
  duration_s: number;
  seed_s: number;
  /** From starting case tracking to its ready line: reading the whole topic, statistics included. */
  rebuild_s: number;
  case_tracking_rss_mb: number | null;
  /** Status moves per second through the gateway (2→4→5→4→9→10), each written to Kafka before its answer. */
  transitions_per_s: number;
  transition_p50_ms: number;
  transition_p99_ms: number;
  intakes_per_s: number;
  /** GET /statistics through the gateway, rotating over groupings and periods (pages of up to 100 rows). */
  stats_per_s: number;
  stats_p50_ms: number;
  stats_p99_ms: number;
  /** GET /statistics?by=agency with every agency of the province in one answer, one at a time. */
  stats_full_table_p50_ms: number;
  stats_full_table_max_ms: number;
  errors: number;
  /** Cases the run drove to "done", as the statistics counted them at the end. */
  verified_done: number;
  gateway_cpu_ms_per_transition: number | null;
  case_tracking_cpu_ms_per_transition: number | null;
  broker_cpu_ms_per_transition: number | null;
  other_cpu_s: number | null;
}

const SERVICE = 'case-tracking.cases';
/** The moves each benchmark case makes, in order: accepted → in progress → papers → resumed → done → returned. */
const MOVES = [4, 5, 4, 9, 10] as const;
/** Transitions per second the run prepares cases for; a faster platform would end its phase early (and say so). */
const PREPARED_RATE = 3_000;
/** A case code's sequence has four digits: one agency receives at most this many cases a day. */
const MAX_DAILY_CASES = 9_999;
/**
 * Statistics queries in flight: a handful of operators' dashboards, not a load test. (The latency of one query is
 * what a person waits for; at higher concurrency on two cores it measures queueing behind the other queries.)
 */
const STATS_CONCURRENCY = 2;
/** Sequential queries for the whole province's table. */
const FULL_TABLE_QUERIES = 20;
/** Cases a caller moves in turn. */
const MOVE_WINDOW = 8;
/** Case tracking's heap for a million rebuilt cases (about 1.5 KiB each, with the statistics). */
const CASE_TRACKING_HEAP_MB = 6_144;

/** Writes the synthetic history with the service's own code (so that it is exactly what the service would write). */
function seedHistory(env: Record<string, string>, log: (line: string) => void): Promise<{ cases: number; events: number; seconds: number }> {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', '..', 'case-tracking', 'src', 'seed', 'seed-history.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let result: { cases: number; events: number; seconds: number } | null = null;
  createInterface({ input: child.stderr! }).on('line', (line) => log(`seed: ${line}`));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('{')) result = JSON.parse(line);
    else log(`seed: ${line}`);
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`the history seed exited with code ${code}`))));
  });
}

async function getJson(url: string, token: TokenSource): Promise<any> {
  const res = await httpCall(url, { headers: { authorization: token.authorization } });
  if (res.status !== 200) throw new Error(`GET ${url} failed: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
  return JSON.parse(res.body.toString('utf8'));
}



/**
 * `lgsp bench cases`: a year of synthetic history (a million cases by default) written to the case topic, case
 * tracking rebuilt from it, then — through the gateway, each process on its own — the statistics queried at fixed
 * concurrency, and cases received and moved through the national portal's statuses. A move counts once its answer
 * is back: the event is on Kafka by then. The run ends by reading the statistics back: every case the run finished
 * must be counted.
 */
export async function runCasesBench(opts: CasesBenchOptions): Promise<CasesBenchResult> {
  const run = new BenchRun('cases');
  const { root } = run;
  try {
    opts.progress('starting the broker…');
    const broker: BrokerProcess = run.track(await startBrokerProcess(opts.cliEntry, join(root, 'kafka')));
    const kafkaBootstrap = `127.0.0.1:${broker.port}`;
    opts.progress('generating the demo platform (Thanh Hóa: 684 agencies, 2,081 procedures)…');
    const platformConfig = join(root, 'platform.yaml');
    const demo = await writeUnlimitedDemoPlatform(platformConfig);
    const serviceEnv = { LGSP_CONFIG: platformConfig, KAFKA_BROKERS: kafkaBootstrap };

    opts.progress(`writing ${opts.cases.toLocaleString('en')} cases of history to the case topic…`);
    const seeded = await seedHistory({ ...serviceEnv, CASE_SEED_CASES: String(opts.cases) }, opts.progress);
    opts.progress(`seeded ${seeded.cases.toLocaleString('en')} cases (${seeded.events.toLocaleString('en')} events) in ${seeded.seconds.toFixed(1)} s`);

    opts.progress('starting case tracking (it rebuilds from the topic)…');
    const rebuildStart = Date.now();
    const cases = run.track(
      await startServiceProcess({
        app: 'case-tracking',
        readyLine: /^case-tracking ready$/,
        env: serviceEnv,
        nodeArgs: [`--max-old-space-size=${CASE_TRACKING_HEAP_MB}`],
        startTimeoutMs: 600_000,
        log: opts.progress,
      }),
    );
    const rebuildS = (Date.now() - rebuildStart) / 1000;
    opts.progress(`case tracking rebuilt in ${rebuildS.toFixed(1)} s`);
    opts.progress('starting the gateway…');
    const gateway: BenchChild = run.track(
      await startGatewayProcess({ platformConfig, dataDir: join(root, 'gateway'), kafkaBootstrap, instanceId: 'bench-gateway', pingProvider: false, log: opts.progress, cpuProfileDir: process.env.LGSP_BENCH_GATEWAY_PROF }),
    );
    const credential = (pattern: RegExp) => demo.credentials.find((c) => pattern.test(c.clientId))!;
    const oneStop = credential(/-motcua-/);
    const operatorCredential = credential(/-operator$/);
    const desk = run.track(new TokenSource(gateway.origin, oneStop.clientId, oneStop.secret, opts.progress));
    const operator = run.track(new TokenSource(gateway.origin, operatorCredential.clientId, operatorCredential.secret, opts.progress));
    await Promise.all([desk.start(), operator.start()]);
    const base = `${gateway.origin}/r1/${SERVICE}`;
    const watch: CpuWatch[] = [
      { name: 'gateway', pid: gateway.pid },
      { name: 'cases', pid: cases.pid },
      { name: 'broker', pid: broker.child.pid ?? null },
    ];

    // The history runs from 1 January to yesterday (Vietnam time), so its year is yesterday's.
    const year = Number(localDay(Date.now() - 86_400_000).slice(0, 4));
    // Statistics at a million cases: every grouping, over a year, a quarter, a month and a day, as a dashboard asks
    // for them (a page of rows, the largest first, or one agency's row).
    const queries = [
      `by=all&period=${year}`,
      `by=agency&period=${year}`,
      `by=unit&period=${year}-Q4`,
      `by=procedure&period=${year}`,
      `by=level&period=${year}-11`,
      `by=field&period=${year}-06`,
      `by=unit&value=${oneStop.member}&period=${year}`,
      `by=agency&period=${year}-03-02`,
    ];
    const before = (await getJson(`${base}/statistics?by=all&period=${year}`, operator)).rows[0] as { received: number };
    opts.progress(`${before.received.toLocaleString('en')} cases received this year in store; querying statistics (${STATS_CONCURRENCY} in flight, ${queries.length} kinds in turn) for ${opts.durationS} s…`);
    let queryNumber = 0;
    const statsTarget: LoadTarget = {
      urls: [`${base}/statistics`],
      headers: () => ({ authorization: operator.authorization }),
      next: () => ({ path: `/r1/${SERVICE}/statistics?${queries[queryNumber++ % queries.length]}` }),
    };
    const statsRun = await phase(STATS_CONCURRENCY, (agent) => withCpu(watch, () => closedLoop(statsTarget, agent, STATS_CONCURRENCY, opts.durationS)));
    const stats = statsRun.value;
    opts.progress(`statistics CPU ms per query: gateway ${perRequest(statsRun.cpu.gateway, stats.ok)}, case tracking ${perRequest(statsRun.cpu.cases, stats.ok)}, broker ${perRequest(statsRun.cpu.broker, stats.ok)}, load generator ${perRequest(statsRun.loadgenCpuS, stats.ok)}`);
    if (stats.errors > 0) throw new Error(`${stats.errors} statistics queries failed (first: ${stats.firstError})`);
    opts.progress(loadLine('statistics', 'queries', stats));
    // The whole province's table in one answer (every agency, about 90 KB): timed on its own, one at a time.
    const fullTable: number[] = [];
    for (let i = 0; i < FULL_TABLE_QUERIES; i++) {
      const started = performance.now();
      await getJson(`${base}/statistics?by=agency&period=${year}&limit=10000`, operator);
      fullTable.push(performance.now() - started);
    }
    fullTable.sort((a, b) => a - b);
    opts.progress(`statistics, every agency in one answer: p50 ${percentile(fullTable, 50).toFixed(2)} ms, max ${fullTable[fullTable.length - 1]!.toFixed(2)} ms`);

    // Cases for the moves, received first (measured on their own) at the district, so that their codes are today's
    // sequence of one agency: 0001, 0002, … (the history ends yesterday). Four digits cap that at 9,999 cases.
    const procedure = (await getJson(`${base}/procedures?tier=district&agency=${oneStop.member}&limit=1`, desk)).items[0].code as string;
    const perCaller = Math.max(MOVE_WINDOW, Math.floor(Math.min(MAX_DAILY_CASES, ((opts.warmupS + opts.durationS) * PREPARED_RATE) / MOVES.length) / opts.concurrency / MOVE_WINDOW) * MOVE_WINDOW);
    const issued = Array.from({ length: opts.concurrency }, () => 0);
    let intakeNumber = 0;
    const intakeTarget: LoadTarget = {
      urls: [`${base}/cases`],
      method: 'POST',
      headers: () => ({ authorization: desk.authorization, 'content-type': 'application/json' }),
      next: (caller) => {
        if (issued[caller]! >= perCaller) return null;
        issued[caller]!++;
        const body = { externalId: `bench-${++intakeNumber}`, procedureCode: procedure, channel: 1, applicant: { name: 'Công dân', idNumber: '038090001234' }, summary: 'Hồ sơ đo hiệu năng', officer: { name: 'Bench' } };
        return { path: `/r1/${SERVICE}/cases`, body: Buffer.from(JSON.stringify(body)) };
      },
    };
    opts.progress(`receiving ${(perCaller * opts.concurrency).toLocaleString('en')} cases for the moves…`);
    const intakes = await phase(opts.concurrency, (agent) => closedLoop(intakeTarget, agent, opts.concurrency, 3_600));
    opts.progress(loadLine('intake', 'cases', intakes));
    if (intakes.errors > 0) throw new Error(`${intakes.errors} intakes failed (first: ${intakes.firstError})`);
    const day = todayLocal();
    const codes = Array.from({ length: opts.concurrency }, (_, caller) =>
      Array.from({ length: perCaller }, (_, i) => `${oneStop.member}-${day.slice(2).replace(/-/g, '')}-${String(caller * perCaller + i + 1).padStart(4, '0')}`),
    );

    // Each caller moves its own cases a window at a time, round robin, so that one case's consecutive moves are a
    // turn apart (as at a real desk) and never in flight together.
    const step = codes.map(() => 0);
    let movesTo9 = 0;
    const moveTarget: LoadTarget = {
      urls: [`${base}/cases`],
      method: 'POST',
      headers: () => ({ authorization: desk.authorization, 'content-type': 'application/json' }),
      next: (caller) => {
        const n = step[caller]!++;
        const perWindow = MOVE_WINDOW * MOVES.length;
        const within = n % perWindow;
        const code = codes[caller]![Math.floor(n / perWindow) * MOVE_WINDOW + (within % MOVE_WINDOW)];
        if (code === undefined) return null;
        const status = MOVES[Math.floor(within / MOVE_WINDOW)]!;
        if (status === 9) movesTo9++;
        return { path: `/r1/${SERVICE}/cases/${code}/status`, body: Buffer.from(JSON.stringify({ status, officer: { name: 'Bench' } })) };
      },
    };
    opts.progress(`warming up the moves for ${opts.warmupS} s…`);
    const warm = await phase(opts.concurrency, (agent) => closedLoop(moveTarget, agent, opts.concurrency, opts.warmupS));
    opts.progress(`${opts.concurrency} moves in flight for ${opts.durationS} s…`);
    const moves = await phase(opts.concurrency, (agent) => withCpu(watch, () => closedLoop(moveTarget, agent, opts.concurrency, opts.durationS)));
    opts.progress(loadLine('transitions', 'moves', moves.value));
    if (moves.value.seconds < opts.durationS * 0.95) opts.progress(`the prepared cases ran out after ${moves.value.seconds.toFixed(1)} s`);
    if (warm.errors + moves.value.errors > 0) throw new Error(`${warm.errors + moves.value.errors} moves failed (first: ${warm.firstError ?? moves.value.firstError})`);

    // Every move to 9 the run made is a case done today, and the statistics must have counted each.
    const after = (await getJson(`${base}/statistics?by=agency&value=${oneStop.member}&period=${day}`, operator)).rows[0] as { doneOnTime: number; doneLate: number };
    const done = after.doneOnTime + after.doneLate;
    if (done !== movesTo9) throw new Error(`the run moved ${movesTo9} cases to 9 (processed), but the statistics count ${done} done today`);
    const rss = processRssBytes(cases.pid);
    const m = moves.value;
    return {
      suite: 'cases',
      cores: availableParallelism(),
      cases: before.received,
      concurrency: opts.concurrency,
      duration_s: opts.durationS,
      seed_s: round(seeded.seconds, 1) ?? 0,
      rebuild_s: round(rebuildS, 1) ?? 0,
      case_tracking_rss_mb: rss === null ? null : Math.round(rss / 1048576),
      transitions_per_s: r0(m.ok / m.seconds),
      transition_p50_ms: r2(percentile(m.latenciesMs, 50)),
      transition_p99_ms: r2(percentile(m.latenciesMs, 99)),
      intakes_per_s: r0(intakes.ok / intakes.seconds),
      stats_per_s: r0(stats.ok / stats.seconds),
      stats_p50_ms: r2(percentile(stats.latenciesMs, 50)),
      stats_p99_ms: r2(percentile(stats.latenciesMs, 99)),
      stats_full_table_p50_ms: r2(percentile(fullTable, 50)),
      stats_full_table_max_ms: r2(fullTable[fullTable.length - 1]!),
      errors: stats.errors,
      verified_done: done,
      gateway_cpu_ms_per_transition: perRequest(moves.cpu.gateway, m.ok),
      case_tracking_cpu_ms_per_transition: perRequest(moves.cpu.cases, m.ok),
      broker_cpu_ms_per_transition: perRequest(moves.cpu.broker, m.ok),
      other_cpu_s: round(moves.otherCpuS, 2),
    };
  } finally {
    await run.close();
  }
}

/** The calendar date in Vietnam (UTC+7) of an instant. */
function localDay(at: number): string {
  return new Date(at + 7 * 3_600_000).toISOString().slice(0, 10);
}

function todayLocal(): string {
  return localDay(Date.now());
}
