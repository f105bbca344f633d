import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerOptions, KafkaBroker } from '@lgsp/kafka-broker';
import { Kafka, logLevel } from 'kafkajs';

export interface TestBroker {
  readonly broker: KafkaBroker;
  readonly port: number;
  /** host:port for kafkajs / kcat. */
  readonly bootstrap: string;
  readonly dataDir: string;
  /** A kafkajs client for this broker with logs silenced. */
  kafka(clientId?: string): Kafka;
  /** Stops the broker; with `keepData` the data directory survives for a restart. */
  stop(keepData?: boolean): Promise<void>;
}

/** Starts an in-process broker on a free port with its own temporary data directory. */
export async function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'lgsp-test-broker-'));
  const broker = new KafkaBroker({ port: 0, ...options, dataDir });
  const { port } = await broker.start();
  const bootstrap = `127.0.0.1:${port}`;
  return {
    broker,
    port,
    bootstrap,
    dataDir,
    kafka: (clientId = 'test') => new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING }),
    stop: async (keepData = false) => {
      await broker.stop();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
