import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerLogger } from '../broker-logger';
import { ErrorCode, KafkaProtocolError } from '../protocol/error-codes';
import { LogConfig, TOPIC_CONFIG_KEYS } from './log-config';
import { PartitionLog } from './partition-log';

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const TOPIC_FILE = 'topic.json';
const MAX_PARTITIONS = 10_000;

interface TopicFile {
  readonly name: string;
  readonly partitions: number;
  readonly configs: Record<string, string>;
}

export interface Topic {
  readonly name: string;
  readonly partitions: PartitionLog[];
  readonly configs: Record<string, string>;
}

export function validateTopicName(name: string): void {
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw new KafkaProtocolError(
      ErrorCode.InvalidTopic,
      `topic name "${name}" is invalid: use 1-249 characters of letters, digits, '.', '_' and '-'`,
    );
  }
}

/**
 * All topics on disk: `<data>/topics/<topic>/topic.json` holds the partition count and topic configs;
 * `<data>/topics/<topic>/<partition>/` holds that partition's segments. Topic names cannot contain '/',
 * so the layout is unambiguous (Kafka's `<topic>-<partition>` is not, for names ending in -digits).
 */
export class LogManager {
  private readonly topics = new Map<string, Topic>();
  private readonly appendListeners = new Set<(topic: string, partition: number) => void>();

  constructor(
    private readonly topicsDir: string,
    private readonly defaults: LogConfig,
    private readonly logger: BrokerLogger,
  ) {}

  open(): void {
    mkdirSync(this.topicsDir, { recursive: true });
    for (const entry of readdirSync(this.topicsDir)) {
      const dir = join(this.topicsDir, entry);
      if (entry.startsWith('.deleted-')) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const file = join(dir, TOPIC_FILE);
      if (!existsSync(file)) continue;
      const meta = JSON.parse(readFileSync(file, 'utf8')) as TopicFile;
      const config = this.configFor(meta.configs);
      const partitions: PartitionLog[] = [];
      for (let p = 0; p < meta.partitions; p++) {
        partitions.push(PartitionLog.open(meta.name, p, join(dir, String(p)), config, this.logger));
      }
      this.topics.set(meta.name, { name: meta.name, partitions, configs: meta.configs });
    }
  }

  /** Merges topic-level overrides onto the broker defaults, rejecting what this broker cannot honour. */
  configFor(overrides: Record<string, string | null>): LogConfig {
    const config: Record<string, number> = { ...this.defaults };
    for (const [key, value] of Object.entries(overrides)) {
      if (value === null) continue;
      if (key === 'cleanup.policy') {
        if (value !== 'delete') {
          throw new KafkaProtocolError(ErrorCode.InvalidConfig, `cleanup.policy=${value}: log compaction is not supported; use Apache Kafka for it`);
        }
        continue;
      }
      const field = TOPIC_CONFIG_KEYS[key];
      if (!field) throw new KafkaProtocolError(ErrorCode.InvalidConfig, `topic config "${key}" is not supported by this broker`);
      const n = Number(value);
      if (!Number.isInteger(n) || n < -1) {
        throw new KafkaProtocolError(ErrorCode.InvalidConfig, `topic config ${key}=${value} is not an integer ≥ -1`);
      }
      config[field] = n;
    }
    return config as unknown as LogConfig;
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  list(): Topic[] {
    return [...this.topics.values()];
  }

  createTopic(name: string, partitions: number, configs: Record<string, string | null> = {}, validateOnly = false): Topic {
    validateTopicName(name);
    if (this.topics.has(name)) throw new KafkaProtocolError(ErrorCode.TopicAlreadyExists, `topic "${name}" already exists`);
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new KafkaProtocolError(ErrorCode.InvalidPartitions, `partition count ${partitions} must be between 1 and ${MAX_PARTITIONS}`);
    }
    const config = this.configFor(configs);
    const kept = Object.fromEntries(Object.entries(configs).filter((e): e is [string, string] => e[1] !== null));
    if (validateOnly) return { name, partitions: [], configs: kept };
    const dir = join(this.topicsDir, name);
    mkdirSync(dir, { recursive: true });
    const logs: PartitionLog[] = [];
    for (let p = 0; p < partitions; p++) logs.push(PartitionLog.open(name, p, join(dir, String(p)), config, this.logger));
    this.writeTopicFile(dir, { name, partitions, configs: kept });
    const topic = { name, partitions: logs, configs: kept };
    this.topics.set(name, topic);
    this.logger.info({ topic: name, partitions }, 'topic created');
    return topic;
  }

  /** topic.json is replaced atomically, so a crash leaves either the old or the new partition count. */
  private writeTopicFile(dir: string, meta: TopicFile): void {
    const tmp = join(dir, `${TOPIC_FILE}.tmp`);
    writeFileSync(tmp, JSON.stringify(meta));
    renameSync(tmp, join(dir, TOPIC_FILE));
  }

  deleteTopic(name: string): void {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaProtocolError(ErrorCode.UnknownTopicOrPartition, `topic "${name}" does not exist`);
    this.topics.delete(name);
    for (const p of topic.partitions) p.close();
    // Renamed first so that a crash mid-delete never leaves a half topic that would be loaded again.
    const doomed = join(this.topicsDir, `.deleted-${name}-${Date.now()}`);
    renameSync(join(this.topicsDir, name), doomed);
    rmSync(doomed, { recursive: true, force: true });
    this.logger.info({ topic: name }, 'topic deleted');
  }

  createPartitions(name: string, count: number, validateOnly = false): void {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaProtocolError(ErrorCode.UnknownTopicOrPartition, `topic "${name}" does not exist`);
    const current = topic.partitions.length;
    if (!Number.isInteger(count) || count <= current || count > MAX_PARTITIONS) {
      throw new KafkaProtocolError(
        ErrorCode.InvalidPartitions,
        `topic "${name}" has ${current} partitions; the new count must be larger (and at most ${MAX_PARTITIONS}), got ${count}`,
      );
    }
    if (validateOnly) return;
    const dir = join(this.topicsDir, name);
    const config = this.configFor(topic.configs);
    for (let p = current; p < count; p++) topic.partitions.push(PartitionLog.open(name, p, join(dir, String(p)), config, this.logger));
    this.writeTopicFile(dir, { name, partitions: count, configs: topic.configs });
    this.logger.info({ topic: name, from: current, to: count }, 'partitions added');
  }

  onAppend(listener: (topic: string, partition: number) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  notifyAppend(topic: string, partition: number): void {
    for (const l of this.appendListeners) l(topic, partition);
  }

  applyRetention(now = Date.now()): void {
    for (const t of this.topics.values()) for (const p of t.partitions) p.applyRetention(now);
  }

  flush(): void {
    for (const t of this.topics.values()) for (const p of t.partitions) p.flush();
  }

  close(): void {
    for (const t of this.topics.values()) for (const p of t.partitions) p.close();
    this.topics.clear();
  }
}
