import { parentPort, workerData } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';

/**
 * One benchmark producer in its own thread. kafkajs encodes and CRCs every batch in JavaScript, so a single
 * thread saturates long before the broker does; a thread per producer lets the client side use every core.
 */
export interface ProducerWorkerInput {
  readonly brokers: string[];
  readonly topic: string;
  readonly partitions: number;
  readonly batches: number;
  readonly firstBatch: number;
  readonly batchSize: number;
  readonly valueBytes: number;
  readonly inFlight: number;
}

export interface ProducerWorkerOutput {
  readonly latenciesMs: number[];
}

async function run(input: ProducerWorkerInput): Promise<ProducerWorkerOutput> {
  const kafka = new Kafka({ clientId: `bench-producer-${input.firstBatch}`, brokers: input.brokers, logLevel: logLevel.ERROR });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(input.valueBytes, 0x61);
  const messages = Array.from({ length: input.batchSize }, () => ({ value }));
  const latenciesMs: number[] = [];
  // Connected: report ready, then wait for the go signal so that every thread starts producing at once.
  const go = new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
  parentPort!.postMessage({ ready: true });
  await go;
  let next = 0;
  await Promise.all(
    Array.from({ length: input.inFlight }, async () => {
      for (let b = next++; b < input.batches; b = next++) {
        const partition = (input.firstBatch + b) % input.partitions;
        const t0 = process.hrtime.bigint();
        await producer.send({ topic: input.topic, acks: -1, messages: messages.map((m) => ({ ...m, partition })) });
        latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  await producer.disconnect();
  return { latenciesMs };
}

if (parentPort && workerData) {
  run(workerData as ProducerWorkerInput).then(
    (out) => parentPort!.postMessage({ done: out }),
    (err: Error) => parentPort!.postMessage({ error: err.stack ?? err.message }),
  );
}
