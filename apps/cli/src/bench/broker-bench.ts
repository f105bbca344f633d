import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Worker } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';
import { startBrokerProcess } from './broker-process';
import type { ProducerWorkerInput, ProducerWorkerOutput } from './kafka-producer-worker';
import { ownCpuSeconds, percentile, processCpuSeconds } from './process-cpu';

export interface BrokerBenchOptions {
  readonly messages: number;
  readonly producers: number;
  /** Concurrent sends per producer. */
  readonly inFlight: number;
  readonly consumers: number;
  readonly partitions: number;
  readonly valueBytes: number;
  readonly batchSize: number;
  readonly redisUrl: string;
  readonly cliEntry: string;
  readonly progress: (text: string) => void;
}

export interface PhaseFigures {
  msgsPerS: number;
  seconds: number;
  serverCpuS: number | null;
  clientCpuS: number;
}

export interface BrokerBenchResult {
  suite: 'broker';
  messages: number;
  value_bytes: number;
  batch_size: number;
  producers: number;
  consumers: number;
  partitions: number;
  produce_msgs_per_s: number;
  consume_msgs_per_s: number;
  produce_ack_p50_ms: number;
  produce_ack_p99_ms: number;
  broker_cpu_s_produce: number | null;
  client_cpu_s_produce: number;
  broker_cpu_s_consume: number | null;
  client_cpu_s_consume: number;
  /** Broker CPU ÷ client CPU over both phases: below 1 means the clients, not the broker, are the bottleneck. */
  broker_to_client_cpu_ratio: number | null;
  peer: 'redis-streams' | null;
  peer_produce_msgs_per_s: number | null;
  peer_consume_msgs_per_s: number | null;
  peer_produce_ack_p99_ms: number | null;
  peer_server_cpu_s: number | null;
  peer_skipped_reason?: string;
}

async function measure<T>(serverPid: number | null, run: () => Promise<T>): Promise<{ value: T; seconds: number; serverCpuS: number | null; clientCpuS: number }> {
  const server0 = serverPid ? processCpuSeconds(serverPid) : null;
  const client0 = ownCpuSeconds();
  const t0 = process.hrtime.bigint();
  const value = await run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const server1 = serverPid ? processCpuSeconds(serverPid) : null;
  return {
    value,
    seconds,
    serverCpuS: server0 !== null && server1 !== null ? server1 - server0 : null,
    clientCpuS: ownCpuSeconds() - client0,
  };
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Splits `total` batches of work across `workers` loops that each take the next batch number. */
async function runLoops(total: number, workers: number, work: (batch: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let b = next++; b < total; b = next++) await work(b);
    }),
  );
}

async function benchKafka(opts: BrokerBenchOptions, brokerPort: number, brokerPid: number) {
  const topic = `bench-${Date.now()}`;
  const brokers = [`127.0.0.1:${brokerPort}`];
  const kafka = (clientId: string) => new Kafka({ clientId, brokers, logLevel: logLevel.ERROR });
  const admin = kafka('bench-admin').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: opts.partitions }] });

  const batches = Math.ceil(opts.messages / opts.batchSize);
  const total = batches * opts.batchSize;
  opts.progress(`producing ${total} messages of ${opts.valueBytes} B (${opts.producers} producer threads × ${opts.inFlight} in flight)…`);
  const workers = Array.from({ length: opts.producers }, (_, i) => {
    const share = Math.floor(batches / opts.producers) + (i < batches % opts.producers ? 1 : 0);
    const input: ProducerWorkerInput = {
      brokers,
      topic,
      partitions: opts.partitions,
      batches: share,
      firstBatch: i,
      batchSize: opts.batchSize,
      valueBytes: opts.valueBytes,
      inFlight: opts.inFlight,
    };
    return new Worker(join(__dirname, 'kafka-producer-worker.js'), { workerData: input });
  });
  const outcomes = workers.map(
    (w) =>
      new Promise<ProducerWorkerOutput>((resolve, reject) => {
        w.on('message', (m: { done?: ProducerWorkerOutput; error?: string }) => {
          if (m.done) resolve(m.done);
          if (m.error) reject(new Error(`producer thread failed: ${m.error}`));
        });
        w.once('error', reject);
      }),
  );
  await Promise.all(workers.map((w) => new Promise<void>((resolve) => w.once('message', () => resolve()))));
  const produce = await measure(brokerPid, async () => {
    for (const w of workers) w.postMessage('go');
    return Promise.all(outcomes);
  });
  await Promise.all(workers.map((w) => w.terminate()));
  const latencies = produce.value.flatMap((o) => o.latenciesMs);
  latencies.sort((a, b) => a - b);

  opts.progress(`consuming them with a group of ${opts.consumers}…`);
  const consumers = await Promise.all(
    Array.from({ length: opts.consumers }, async (_, i) => {
      const c = kafka(`bench-consumer-${i}`).consumer({ groupId: `${topic}-group`, maxBytes: 50 * 1024 * 1024 });
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      return c;
    }),
  );
  let consumed = 0;
  const consume = await measure(brokerPid, async () => {
    await new Promise<void>((resolve) => {
      for (const c of consumers) {
        void c.run({
          eachBatch: async ({ batch }) => {
            consumed += batch.messages.length;
            if (consumed >= total) resolve();
          },
        });
      }
    });
  });
  await Promise.all(consumers.map((c) => c.disconnect()));
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  return { total, produce, consume, latencies };
}

async function benchRedisStreams(opts: BrokerBenchOptions, total: number) {
  const probe = new Redis(opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  try {
    await probe.connect();
  } catch (err) {
    probe.disconnect();
    return { skipped: `Redis not reachable at ${opts.redisUrl}: ${(err as Error).message}` };
  }
  const info = await probe.info('server');
  const redisPid = Number(/process_id:(\d+)/.exec(info)?.[1] ?? NaN);
  const serverPid = Number.isInteger(redisPid) ? redisPid : null;
  const key = `lgsp-bench-${Date.now()}`;
  const value = Buffer.alloc(opts.valueBytes, 0x61);
  const batches = total / opts.batchSize;
  const clients = Array.from({ length: opts.producers }, () => new Redis(opts.redisUrl));
  opts.progress(`peer: the same ${total} messages through Redis Streams (pipelined XADD, XREADGROUP)…`);
  const latencies: number[] = [];
  const produce = await measure(serverPid, () =>
    runLoops(batches, opts.producers * opts.inFlight, async (b) => {
      const t0 = process.hrtime.bigint();
      const pipeline = clients[b % clients.length].pipeline();
      for (let i = 0; i < opts.batchSize; i++) pipeline.xadd(key, '*', 'v', value);
      const results = await pipeline.exec();
      if (results?.some(([err]) => err)) throw new Error('XADD failed');
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }),
  );
  latencies.sort((a, b) => a - b);
  await probe.xgroup('CREATE', key, 'bench', '0');
  let consumed = 0;
  const consume = await measure(serverPid, () =>
    Promise.all(
      Array.from({ length: opts.consumers }, async (_, i) => {
        const c = clients[i % clients.length];
        while (consumed < total) {
          const res = (await c.xreadgroup('GROUP', 'bench', `c${i}`, 'COUNT', 1000, 'BLOCK', 1000, 'STREAMS', key, '>')) as [string, [string, string[]][]][] | null;
          if (!res) continue;
          const ids = res[0][1].map(([id]) => id);
          consumed += ids.length;
          await c.xack(key, 'bench', ...ids);
        }
      }),
    ),
  );
  await probe.del(key);
  probe.disconnect();
  for (const c of clients) c.disconnect();
  return { produce, consume, latencies, serverPid };
}

export async function runBrokerBench(opts: BrokerBenchOptions): Promise<BrokerBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-bench-'));
  const broker = await startBrokerProcess(opts.cliEntry, dataDir, ['--partitions', String(opts.partitions)]);
  try {
    const k = await benchKafka(opts, broker.port, broker.child.pid!);
    const peer = await benchRedisStreams(opts, k.total);
    const brokerCpu = k.produce.serverCpuS !== null && k.consume.serverCpuS !== null ? k.produce.serverCpuS + k.consume.serverCpuS : null;
    const result: BrokerBenchResult = {
      suite: 'broker',
      messages: k.total,
      value_bytes: opts.valueBytes,
      batch_size: opts.batchSize,
      producers: opts.producers,
      consumers: opts.consumers,
      partitions: opts.partitions,
      produce_msgs_per_s: round(k.total / k.produce.seconds),
      consume_msgs_per_s: round(k.total / k.consume.seconds),
      produce_ack_p50_ms: round(percentile(k.latencies, 50), 2),
      produce_ack_p99_ms: round(percentile(k.latencies, 99), 2),
      broker_cpu_s_produce: k.produce.serverCpuS === null ? null : round(k.produce.serverCpuS, 2),
      client_cpu_s_produce: round(k.produce.clientCpuS, 2),
      broker_cpu_s_consume: k.consume.serverCpuS === null ? null : round(k.consume.serverCpuS, 2),
      client_cpu_s_consume: round(k.consume.clientCpuS, 2),
      broker_to_client_cpu_ratio: brokerCpu === null ? null : round(brokerCpu / (k.produce.clientCpuS + k.consume.clientCpuS), 2),
      peer: 'skipped' in peer ? null : 'redis-streams',
      peer_produce_msgs_per_s: 'skipped' in peer ? null : round(k.total / peer.produce.seconds),
      peer_consume_msgs_per_s: 'skipped' in peer ? null : round(k.total / peer.consume.seconds),
      peer_produce_ack_p99_ms: 'skipped' in peer ? null : round(percentile(peer.latencies, 99), 2),
      peer_server_cpu_s:
        'skipped' in peer || peer.produce.serverCpuS === null || peer.consume.serverCpuS === null ? null : round(peer.produce.serverCpuS + peer.consume.serverCpuS, 2),
    };
    if ('skipped' in peer) result.peer_skipped_reason = peer.skipped;
    return result;
  } finally {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
