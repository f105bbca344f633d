import { Admin, Kafka, LogEntry, logLevel as KafkaLogLevel } from 'kafkajs';
import { defaultMessagingLogger, describeError, MessagingLogger } from './messaging-logger';
import { withTimeout } from './timing';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  connectionTimeoutMs?: number;
  /** kafkajs' own log lines, forwarded to the connection's logger; `nothing` by default (they are very chatty). */
  logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
}

/**
 * Consumers stop before producers close: a handler that is still running may publish (a reply, a dead letter, a
 * follow-up event), and STYLE.md's shutdown order is "stop consuming, flush producers".
 */
export type ShutdownPhase = 'consumer' | 'producer';

interface Tracked {
  readonly phase: ShutdownPhase;
  close(): Promise<void>;
}

/**
 * What the other classes of this library need from a connection. Kept off the public class so that no kafkajs type
 * leaks through `@lgsp/messaging` (STYLE.md 15).
 */
export class ConnectionCore {
  private readonly tracked = new Set<Tracked>();
  closed = false;

  constructor(
    readonly kafka: Kafka,
    readonly logger: MessagingLogger,
  ) {}

  assertOpen(what: string): void {
    if (this.closed) throw new Error(`${what}: the messaging connection is closed`);
  }

  /** Registers something to shut down with the connection; returns the function that unregisters it. */
  track(phase: ShutdownPhase, close: () => Promise<void>): () => void {
    const entry: Tracked = { phase, close };
    this.tracked.add(entry);
    return () => this.tracked.delete(entry);
  }

  inPhase(phase: ShutdownPhase): Tracked[] {
    return [...this.tracked].filter((t) => t.phase === phase);
  }
}

const cores = new WeakMap<MessagingConnection, ConnectionCore>();

/** Library-internal: not exported from the package index. */
export function connectionCore(connection: MessagingConnection): ConnectionCore {
  const core = cores.get(connection);
  if (!core) throw new Error('not a MessagingConnection');
  return core;
}

const kafkaLogLevels = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
} as const;

function kafkaLogCreator(logger: MessagingLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      // kafkajs puts its own logger name and a timestamp in every entry; the platform logger adds both already.
      const { message, timestamp, logger: _name, ...fields } = log;
      const line = { kafkajs: namespace, ...fields };
      if (level <= KafkaLogLevel.ERROR) logger.error(line, message);
      else if (level === KafkaLogLevel.WARN) logger.warn(line, message);
      else if (level === KafkaLogLevel.INFO) logger.info(line, message);
      else logger.debug(line, message);
    };
}

/** Owns one kafkajs client; everything else in this library is created from a connection and closed with it. */
export class MessagingConnection {
  private readonly core: ConnectionCore;
  private admin?: Promise<Admin>;
  private pingAdmin?: { admin: Admin; connected: Promise<void> };
  private closing?: Promise<void>;

  constructor(settings: KafkaSettings, logger: MessagingLogger = defaultMessagingLogger) {
    if (!settings.brokers.length) throw new Error('KafkaSettings.brokers must name at least one broker');
    const kafka = new Kafka({
      clientId: settings.clientId,
      brokers: settings.brokers,
      ...(settings.connectionTimeoutMs === undefined ? {} : { connectionTimeout: settings.connectionTimeoutMs }),
      logLevel: kafkaLogLevels[settings.logLevel ?? 'nothing'],
      logCreator: kafkaLogCreator(logger),
    });
    this.core = new ConnectionCore(kafka, logger);
    cores.set(this, this.core);
  }

  /** Creates the topics that do not exist yet; existing ones are left as they are (a warning if smaller than asked). */
  async ensureTopics(topics: { topic: string; partitions?: number }[]): Promise<void> {
    this.core.assertOpen('ensureTopics');
    const wanted = new Map<string, number | undefined>();
    for (const { topic, partitions } of topics) {
      const previous = wanted.get(topic);
      wanted.set(topic, previous === undefined ? partitions : Math.max(previous, partitions ?? 0));
    }
    if (wanted.size === 0) return;

    const admin = await this.sharedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = [...wanted].filter(([topic]) => !existing.has(topic));
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          // No count means the broker's default (the embedded broker's is configurable; Kafka's num.partitions).
          topics: missing.map(([topic, partitions]) => ({ topic, ...(partitions ? { numPartitions: partitions } : {}) })),
        });
      } catch (error) {
        // Another replica may have created some of them between our listing and our request; that is success.
        const now = new Set(await admin.listTopics());
        if (missing.some(([topic]) => !now.has(topic))) throw error;
      }
    }

    const sized = [...wanted].filter(([topic, partitions]) => existing.has(topic) && partitions);
    if (sized.length > 0) {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: sized.map(([topic]) => topic) });
      for (const { name, partitions } of metadata) {
        const asked = wanted.get(name) ?? 0;
        // Not grown automatically: adding partitions moves keys to other partitions and breaks per-key order.
        if (partitions.length < asked) {
          this.core.logger.warn({ topic: name, partitions: partitions.length, asked }, 'topic has fewer partitions than asked for');
        }
      }
    }
  }

  /** For health checks: the cluster answers a metadata request within `timeoutMs`, or this rejects. */
  async ping(timeoutMs = 3000): Promise<void> {
    this.core.assertOpen('ping');
    // A separate admin that never retries: a health check must report "down" now, not after kafkajs' back-off.
    if (!this.pingAdmin) {
      const admin = this.core.kafka.admin({ retry: { retries: 0 } });
      this.pingAdmin = { admin, connected: admin.connect() };
    }
    const current = this.pingAdmin;
    const attempt = current.connected.then(() => current.admin.describeCluster());
    attempt.catch(() => undefined);
    try {
      await withTimeout(attempt, timeoutMs, `Kafka did not answer within ${timeoutMs} ms`);
    } catch (error) {
      // Start the next check from a fresh client rather than from whatever state a failed one left behind.
      if (this.pingAdmin === current) this.pingAdmin = undefined;
      current.admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Stops every consumer created from this connection, then flushes and closes every producer, then the admin. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.core.closed = true;
    for (const phase of ['consumer', 'producer'] as const) {
      const results = await Promise.allSettled(this.core.inPhase(phase).map((t) => t.close()));
      for (const result of results) {
        if (result.status === 'rejected') this.core.logger.error({ phase, error: describeError(result.reason) }, 'messaging shutdown step failed');
      }
    }
    const admins: Promise<unknown>[] = [];
    if (this.admin) admins.push(this.admin.then((a) => a.disconnect()));
    if (this.pingAdmin) admins.push(this.pingAdmin.admin.disconnect());
    await Promise.allSettled(admins);
  }

  private sharedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.core.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      // A failed connect must not poison every later call.
      this.admin.catch(() => {
        this.admin = undefined;
      });
    }
    return this.admin;
  }
}
