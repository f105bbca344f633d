import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { BrokerBenchResult, runBrokerBench } from '../bench/broker-bench';
import { CasesBenchResult, runCasesBench } from '../bench/cases-bench';
import { DocumentsBenchResult, runDocumentsBench } from '../bench/documents-bench';
import { GatewayBenchResult, runGatewayBench } from '../bench/gateway-bench';
import { LookupsBenchResult, runLookupsBench } from '../bench/lookups-bench';
import { CliEnvironment } from '../cli-environment';
import { parsePositiveInt, parsePositiveNumber } from '../options';

interface BenchOptions {
  json?: boolean;
  messages: number;
  producers: number;
  inFlight: number;
  consumers: number;
  partitions: number;
  duration: number;
  warmup: number;
  concurrency?: number;
  rate?: number;
  replicas: number;
  rateDuration: number;
  gatewayCpuProf?: string;
  packageKib: number;
  cases: number;
}

const SUITES = ['broker', 'gateway', 'documents', 'cases', 'lookups'] as const;

/**
 * Requests in flight. Cases: a province's one-stop desks (27 districts, hundreds of communes) move cases at once; the
 * README gives the figure at 32 too. Lookups: as for the gateway, whose path they take, and enough to keep the
 * gateway, the broker and the connectors all busy on a small machine without measuring mostly queueing.
 */
const DEFAULT_CONCURRENCY = { gateway: 32, documents: 32, cases: 64, lookups: 32 } as const;

/** The issue's targets for national-database lookups. */
const LOOKUP_TARGETS = { hitRps: 2_500, addedP50Ms: 5 } as const;

/** The fixed rate each suite's targets are stated at: 500 requests/s for the gateway, 200 packages/s for documents. */
const DEFAULT_RATE = { gateway: 500, documents: 200 } as const;

function printDocumentsTable(r: DocumentsBenchResult): void {
  const lines = [
    `documents benchmark: ${r.package_bytes}-byte edXML packages through the gateway, ${r.concurrency} in flight, ${r.duration_s} s per phase`,
    `  packages/s to 1 recipient      ${r.docs_per_s_1}`,
    `  packages/s to 10 recipients    ${r.docs_per_s_10} (${r.deliveries_per_s_10} deliveries/s)`,
    `  at ${r.fixed_rate}/s: p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms`,
    `  CPU ms per package (1 recipient): gateway ${r.gateway_cpu_ms_per_doc_1}, document exchange ${r.document_exchange_cpu_ms_per_doc_1}, broker ${r.broker_cpu_ms_per_doc_1}, load generator ${r.loadgen_cpu_ms_per_doc_1}`,
    `  errors ${r.errors}; ${r.verified_in_inbox} packages found in the first recipient's inbox; rest of the machine ${r.other_cpu_s} CPU s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
type Suite = (typeof SUITES)[number];

function printCasesTable(r: CasesBenchResult): void {
  const lines = [
    `cases benchmark: ${r.cases.toLocaleString('en')} cases in store (seeded in ${r.seed_s} s, rebuilt in ${r.rebuild_s} s, case tracking RSS ${r.case_tracking_rss_mb} MiB), ${r.concurrency} in flight, ${r.duration_s} s per phase`,
    `  transitions/s through the gateway   ${r.transitions_per_s} (p50 ${r.transition_p50_ms} ms, p99 ${r.transition_p99_ms} ms)`,
    `  intakes/s                           ${r.intakes_per_s}`,
    `  statistics queries/s                ${r.stats_per_s} (p50 ${r.stats_p50_ms} ms, p99 ${r.stats_p99_ms} ms)`,
    `  every agency in one answer          p50 ${r.stats_full_table_p50_ms} ms, max ${r.stats_full_table_max_ms} ms`,
    `  CPU ms per transition: gateway ${r.gateway_cpu_ms_per_transition}, case tracking ${r.case_tracking_cpu_ms_per_transition}, broker ${r.broker_cpu_ms_per_transition}`,
    `  ${r.verified_done} cases done today as the statistics count them; rest of the machine ${r.other_cpu_s} CPU s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printLookupsTable(r: LookupsBenchResult): void {
  const against = (met: boolean, target: string): string => `(target ${target}: ${met ? 'met' : 'MISSED'})`;
  const lines = [
    `lookups benchmark: national.population citizen lookups through the gateway to the simulated database, ${r.concurrency} in flight, ${r.duration_s} s per phase, cache ${r.cache}, ${r.cores} cores`,
    `  cache hits/s                  ${r.hit_rps} (p50 ${r.hit_p50_ms} ms, p99 ${r.hit_p99_ms} ms) ${against(r.hit_rps >= LOOKUP_TARGETS.hitRps, `≥ ${LOOKUP_TARGETS.hitRps.toLocaleString('en')}/s`)}`,
    `  gateway ceiling (ping)        ${r.ping_rps}/s in the same run: hits are ${r.hit_vs_ping} of it`,
    `  misses/s                      ${r.miss_rps} (p50 ${r.miss_p50_ms} ms, p99 ${r.miss_p99_ms} ms; ${r.miss_not_found} answered "no such record")`,
    `  one at a time, ${r.added_pairs} pairs:   direct p50 ${r.direct_p50_ms} ms, p99 ${r.direct_p99_ms} ms; through the platform p50 ${r.gateway_miss_p50_ms} ms, p99 ${r.gateway_miss_p99_ms} ms`,
    `  added by the platform         p50 ${r.added_p50_ms} ms ${against(r.added_p50_ms <= LOOKUP_TARGETS.addedP50Ms, `≤ ${LOOKUP_TARGETS.addedP50Ms} ms`)}, p99 ${r.added_p99_ms} ms`,
    `  CPU ms per hit:  gateway ${r.gateway_cpu_ms_per_hit}, connectors ${r.connectors_cpu_ms_per_hit}, broker ${r.broker_cpu_ms_per_hit}, load generator ${r.loadgen_cpu_ms_per_hit}`,
    `  CPU ms per miss: gateway ${r.gateway_cpu_ms_per_miss}, connectors ${r.connectors_cpu_ms_per_miss}, simulator ${r.simulator_cpu_ms_per_miss}, broker ${r.broker_cpu_ms_per_miss}`,
    `  errors ${r.errors}; ${r.hit_remote_calls} calls reached the database during the hit phase; rest of the machine ${r.other_cpu_s} CPU s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printBrokerTable(r: BrokerBenchResult): void {
  const row = (name: string, ours: unknown, peer: unknown = ''): string => `  ${name.padEnd(30)} ${String(ours ?? '-').padStart(14)} ${String(peer ?? '-').padStart(16)}`;
  const lines = [
    `broker benchmark: ${r.messages} messages of ${r.value_bytes} B, batches of ${r.batch_size}, acks -1, ${r.partitions} partitions`,
    row('', 'embedded broker', r.peer ?? 'peer skipped'),
    row('produce msgs/s', r.produce_msgs_per_s, r.peer_produce_msgs_per_s),
    row('consume msgs/s', r.consume_msgs_per_s, r.peer_consume_msgs_per_s),
    row('produce ack p50 ms', r.produce_ack_p50_ms),
    row('produce ack p99 ms', r.produce_ack_p99_ms, r.peer_produce_ack_p99_ms),
    row('server CPU s (both phases)', r.broker_cpu_s_produce !== null && r.broker_cpu_s_consume !== null ? Math.round((r.broker_cpu_s_produce + r.broker_cpu_s_consume) * 100) / 100 : null, r.peer_server_cpu_s),
    row('client CPU s (both phases)', Math.round((r.client_cpu_s_produce + r.client_cpu_s_consume) * 100) / 100),
    row('broker CPU / client CPU', r.broker_to_client_cpu_ratio),
  ];
  if (r.peer_skipped_reason) lines.push(`  peer skipped: ${r.peer_skipped_reason}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printGatewayTable(r: GatewayBenchResult): void {
  const row = (name: string, gateway: unknown, baseline: unknown = ''): string => `  ${name.padEnd(30)} ${String(gateway ?? '-').padStart(12)} ${String(baseline ?? '-').padStart(12)}`;
  const lines = [
    `gateway benchmark: GET /r1/ping (token, access check, message log) vs a bare forwarder, Kafka request/reply to the same provider`,
    `  ${r.fixed_rate_rps} req/s for ${r.fixed_rate_duration_s} s, then ${r.concurrency} in flight for ${r.duration_s} s, on each; ${r.cores} cores shared with the load generator`,
    row('', 'gateway', 'baseline'),
    row('requests/s', r.rps, r.baseline_rps),
    row('p50 ms', r.p50_ms, r.baseline_p50_ms),
    row('p99 ms', r.p99_ms, r.baseline_p99_ms),
    row('errors', r.errors, r.baseline_errors),
    row(`p50 ms at ${r.fixed_rate_rps} req/s`, r.fixed_rate_p50_ms, r.baseline_fixed_rate_p50_ms),
    row(`p99 ms at ${r.fixed_rate_rps} req/s`, r.fixed_rate_p99_ms, r.baseline_fixed_rate_p99_ms),
    row('CPU ms/request: front', r.gateway_cpu_ms_per_req, r.baseline_forwarder_cpu_ms_per_req),
    row('CPU ms/request: provider', 'in front', r.provider_cpu_ms_per_req),
    row('CPU ms/request: broker', r.broker_cpu_ms_per_req, r.baseline_broker_cpu_ms_per_req),
    row('CPU s: load generator', r.loadgen_cpu_s, r.baseline_loadgen_cpu_s),
    row('CPU s: rest of the machine', r.other_cpu_s, r.baseline_other_cpu_s),
    `  ratio (gateway ÷ baseline requests/s): ${r.ratio}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function benchCommand(env: CliEnvironment): Command {
  return new Command('bench')
    .description('run a benchmark suite and report its figures')
    .argument('<suite>', `one of: ${SUITES.join(', ')}`, (value: string): Suite => {
      if (!(SUITES as readonly string[]).includes(value)) throw new InvalidArgumentError(`unknown suite; choose one of ${SUITES.join(', ')}.`);
      return value as Suite;
    })
    .option('--json', 'print the figures as one JSON object on the last line')
    .option('--messages <n>', 'broker: messages to produce and consume', parsePositiveInt, 500_000)
    .option('--producers <n>', 'broker: producer clients', parsePositiveInt, 2)
    .option('--in-flight <n>', 'broker: concurrent sends per producer', parsePositiveInt, 8)
    .option('--consumers <n>', 'broker: members of the consumer group', parsePositiveInt, 1)
    .option('--partitions <n>', 'broker: partitions of the benchmark topic', parsePositiveInt, 6)
    .option('--duration <s>', 'gateway, documents, cases, lookups: seconds of each measured fixed-concurrency phase', parsePositiveNumber, 10)
    .option('--warmup <s>', 'gateway, documents, cases, lookups: seconds of unmeasured load before each target is measured', parsePositiveNumber, 5)
    .option('--concurrency <n>', 'gateway, documents, cases, lookups: requests kept in flight (default 32; 64 for cases)', parsePositiveInt)
    .option('--rate <n>', 'gateway, documents: requests per second of the fixed-rate phase (default 500 for gateway, 200 for documents)', parsePositiveInt)
    .option('--rate-duration <s>', 'gateway, documents: seconds of the fixed-rate phase', parsePositiveNumber, 5)
    .option('--replicas <n>', 'gateway: gateway processes behind the load generator, sharing their state through Redis (REDIS_URL) when more than one', parsePositiveInt, 1)
    .option('--gateway-cpu-prof <dir>', 'gateway: write a V8 CPU profile of the (first) gateway process into this directory')
    .option('--package-kib <n>', 'documents: size of each package in KiB', parsePositiveInt, 10)
    .option('--cases <n>', 'cases: cases of synthetic history in store before the measured phases', parsePositiveInt, 1_000_000)
    .action(async (suite: Suite, opts: BenchOptions) => {
      const progress = (text: string): void => {
        process.stderr.write(`${text}\n`);
      };
      // The load shape both HTTP suites share.
      const load = (suite: keyof typeof DEFAULT_RATE) => ({
        durationS: opts.duration,
        warmupS: opts.warmup,
        concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY[suite],
        rate: opts.rate ?? DEFAULT_RATE[suite],
        rateDurationS: opts.rateDuration,
        cliEntry: process.argv[1],
        progress,
      });
      if (suite === 'documents') {
        const result = await runDocumentsBench({ ...load('documents'), packageBytes: opts.packageKib * 1024 });
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else printDocumentsTable(result);
        process.exit(0);
      }
      if (suite === 'cases') {
        const result = await runCasesBench({ cases: opts.cases, durationS: opts.duration, warmupS: opts.warmup, concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY.cases, cliEntry: process.argv[1], progress });
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else printCasesTable(result);
        process.exit(0);
      }
      if (suite === 'lookups') {
        const result = await runLookupsBench({ durationS: opts.duration, warmupS: opts.warmup, concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY.lookups, cliEntry: process.argv[1], progress });
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else printLookupsTable(result);
        process.exit(0);
      }
      if (suite === 'gateway') {
        const result = await runGatewayBench({
          ...load('gateway'),
          replicas: opts.replicas,
          redisUrl: env.redisUrl,
          gatewayCpuProfileDir: opts.gatewayCpuProf === undefined ? undefined : resolve(opts.gatewayCpuProf),
        });
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else printGatewayTable(result);
        process.exit(0);
      }
      const result = await runBrokerBench({
        messages: opts.messages,
        producers: opts.producers,
        inFlight: opts.inFlight,
        consumers: opts.consumers,
        partitions: opts.partitions,
        valueBytes: 1024,
        batchSize: 100,
        redisUrl: env.redisUrl,
        cliEntry: process.argv[1],
        progress,
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else printBrokerTable(result);
      process.exit(0);
    });
}
