import { Command, InvalidArgumentError } from 'commander';
import { BrokerBenchResult, runBrokerBench } from '../bench/broker-bench';
import { CliEnvironment } from '../cli-environment';
import { parsePositiveInt } from '../options';

interface BenchOptions {
  json?: boolean;
  messages: number;
  producers: number;
  inFlight: number;
  consumers: number;
  partitions: number;
}

const SUITES = ['broker'] as const;
type Suite = (typeof SUITES)[number];

function printTable(r: BrokerBenchResult): void {
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

export function benchCommand(env: CliEnvironment): Command {
  return new Command('bench')
    .description('run a benchmark suite and report its figures')
    .argument('<suite>', `one of: ${SUITES.join(', ')}`, (value: string): Suite => {
      if (!(SUITES as readonly string[]).includes(value)) throw new InvalidArgumentError(`unknown suite; choose one of ${SUITES.join(', ')}.`);
      return value as Suite;
    })
    .option('--json', 'print the figures as one JSON object on the last line')
    .option('--messages <n>', 'messages to produce and consume', parsePositiveInt, 500_000)
    .option('--producers <n>', 'producer clients', parsePositiveInt, 2)
    .option('--in-flight <n>', 'concurrent sends per producer', parsePositiveInt, 8)
    .option('--consumers <n>', 'members of the consumer group', parsePositiveInt, 1)
    .option('--partitions <n>', 'partitions of the benchmark topic', parsePositiveInt, 6)
    .action(async (_suite: Suite, opts: BenchOptions) => {
      const progress = (text: string): void => {
        process.stderr.write(`${text}\n`);
      };
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
      else printTable(result);
      process.exit(0);
    });
}
