import { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { BrokerLogger } from './broker-logger';
import { BrokerOptions, ResolvedBrokerOptions, resolveBrokerOptions } from './broker-options';
import { GroupCoordinator } from './group/group-coordinator';
import { OffsetStore } from './group/offset-store';
import { FetchPurgatory } from './handlers/fetch-purgatory';
import { BrokerContext } from './handlers/request-context';
import { BrokerMetadata } from './log/broker-metadata';
import { DataDirLock } from './log/data-dir-lock';
import { LogManager } from './log/log-manager';
import { Connection } from './server/connection';
import { bindListeners } from './server/listeners';

export interface BrokerAddress {
  readonly hosts: string[];
  readonly port: number;
}

/**
 * A single-node, Kafka-wire-compatible broker for one machine: development, tests, CI and demos.
 * Clients (kafkajs, librdkafka/kcat, Nest's Kafka transport) use it exactly as they use Apache Kafka.
 *
 *   const broker = new KafkaBroker({ dataDir: '.data/kafka', port: 0 });
 *   const { port } = await broker.start();
 *   …
 *   await broker.stop();
 */
export class KafkaBroker {
  private readonly options: ResolvedBrokerOptions;
  private readonly logger: BrokerLogger;
  private context: BrokerContext | null = null;
  private servers: Server[] = [];
  private readonly connections = new Set<Connection>();
  private timers: NodeJS.Timeout[] = [];
  private lock: DataDirLock | null = null;
  private address: BrokerAddress | null = null;

  constructor(options: BrokerOptions) {
    this.options = resolveBrokerOptions(options);
    this.logger = this.options.logger;
  }

  get started(): boolean {
    return this.context !== null;
  }

  /** Opens (recovering) the data directory, then listens. Resolves once connections are accepted. */
  async start(): Promise<BrokerAddress> {
    if (this.context) throw new Error('broker already started');
    const { dataDir } = this.options;
    this.lock = new DataDirLock(dataDir);
    this.lock.acquire();
    const metadata = new BrokerMetadata(join(dataDir, 'broker.json'));
    const logs = new LogManager(join(dataDir, 'topics'), this.options.log, this.logger);
    const offsets = new OffsetStore(join(dataDir, 'group-offsets.jsonl'), this.logger);
    try {
      metadata.open();
      logs.open();
      offsets.open();
    } catch (err) {
      logs.close();
      offsets.close();
      this.lock.release();
      throw err;
    }
    const groups = new GroupCoordinator(offsets, this.options, this.logger);
    const fetchPurgatory = new FetchPurgatory(logs);

    const context: { -readonly [K in keyof BrokerContext]: BrokerContext[K] } = {
      options: this.options,
      logs,
      groups,
      offsets,
      metadata,
      fetchPurgatory,
      logger: this.logger,
      port: this.options.port,
    };
    let bound;
    try {
      bound = await bindListeners(this.options.host, this.options.port, (socket) => this.accept(socket));
    } catch (err) {
      fetchPurgatory.close();
      logs.close();
      offsets.close();
      this.lock.release();
      throw err;
    }
    context.port = bound.port;
    this.context = context;
    this.servers = bound.servers;
    this.address = { hosts: bound.hosts, port: bound.port };

    if (this.options.flushIntervalMs > 0) {
      this.timers.push(setInterval(() => this.flush(), this.options.flushIntervalMs));
    }
    this.timers.push(setInterval(() => logs.applyRetention(), this.options.retentionCheckIntervalMs));
    logs.applyRetention();
    this.logger.info(
      { hosts: bound.hosts, port: bound.port, dataDir, topics: logs.list().length, clusterId: metadata.clusterId },
      'broker started',
    );
    return this.address;
  }

  private accept(socket: Socket): void {
    if (!this.context) {
      socket.destroy();
      return;
    }
    const connection = new Connection(socket, this.context);
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }

  private flush(): void {
    if (!this.context) return;
    try {
      this.context.logs.flush();
      this.context.offsets.flush();
    } catch (err) {
      this.logger.error({ err }, 'fsync of the data directory failed');
    }
  }

  /** The bound address, once started. */
  get listening(): BrokerAddress | null {
    return this.address;
  }

  /** `host:port` for a client's bootstrap list. */
  get bootstrap(): string {
    if (!this.address) throw new Error('broker not started');
    return `${this.address.hosts[0] === '::1' ? '[::1]' : this.address.hosts[0]}:${this.address.port}`;
  }

  /** Stops accepting, closes every connection, then flushes and closes the data directory. */
  async stop(): Promise<void> {
    const context = this.context;
    if (!context) return;
    this.context = null;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const closing = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const c of this.connections) c.close();
    this.connections.clear();
    await Promise.all(closing);
    this.servers = [];
    context.groups.shutdown();
    context.fetchPurgatory.close();
    context.logs.close();
    context.offsets.close();
    this.lock?.release();
    this.lock = null;
    this.address = null;
    this.logger.info({}, 'broker stopped');
  }
}
