import { BrokerLogger, silentLogger } from './broker-logger';
import { LogConfig } from './log/log-config';

/** Everything the embedded broker can be told. Only `dataDir` is required. */
export interface BrokerOptions {
  /** Where topics, committed offsets and broker metadata live. */
  readonly dataDir: string;
  /** Listen on this host only. Unset: 127.0.0.1 and ::1 on the same port (`localhost` may resolve to either). */
  readonly host?: string;
  /** 9092 by default; 0 picks a free port (the bound port is then advertised). */
  readonly port?: number;
  /** Host name put in Metadata replies. Unset: the local address each client connected to. */
  readonly advertisedHost?: string;
  readonly nodeId?: number;
  /** Partitions of a topic created by a Metadata request (Nest never creates topics itself). */
  readonly defaultPartitions?: number;
  readonly autoCreateTopics?: boolean;
  /** Topic storage defaults; a topic may override them at creation (retention.ms, segment.bytes, …). */
  readonly log?: Partial<LogConfig>;
  /** Frames larger than this are refused and their connection closed (Kafka: socket.request.max.bytes). */
  readonly maxRequestBytes?: number;
  /** How often written data is fsync'ed to disk; -1 leaves it to the OS. A kill -9 loses nothing either way. */
  readonly flushIntervalMs?: number;
  readonly retentionCheckIntervalMs?: number;
  readonly minSessionTimeoutMs?: number;
  readonly maxSessionTimeoutMs?: number;
  readonly initialRebalanceDelayMs?: number;
  /** Requests read from one connection before the broker waits for its responses to go out. */
  readonly maxInFlightRequestsPerConnection?: number;
  readonly logger?: BrokerLogger;
}

export type ResolvedBrokerOptions = Required<Omit<BrokerOptions, 'host' | 'advertisedHost' | 'log'>> & {
  readonly host: string | undefined;
  readonly advertisedHost: string | undefined;
  readonly log: LogConfig;
};

const MiB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_LOG_CONFIG: LogConfig = {
  segmentBytes: 64 * MiB,
  segmentMs: 7 * DAY_MS,
  retentionBytes: -1,
  retentionMs: 7 * DAY_MS,
  maxMessageBytes: 1048588, // Kafka's message.max.bytes
};

export class InvalidBrokerOptionError extends Error {
  override readonly name = 'InvalidBrokerOptionError';
}

function integer(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidBrokerOptionError(`broker option ${name} must be an integer between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** Fills defaults and rejects impossible values with a message naming the option. */
export function resolveBrokerOptions(options: BrokerOptions): ResolvedBrokerOptions {
  if (!options.dataDir) throw new InvalidBrokerOptionError('broker option dataDir is required');
  const log = { ...DEFAULT_LOG_CONFIG, ...options.log };
  integer('log.segmentBytes', log.segmentBytes, 1024);
  integer('log.segmentMs', log.segmentMs, 1);
  integer('log.retentionBytes', log.retentionBytes, -1);
  integer('log.retentionMs', log.retentionMs, -1);
  integer('log.maxMessageBytes', log.maxMessageBytes, 64);
  const resolved: ResolvedBrokerOptions = {
    dataDir: options.dataDir,
    host: options.host,
    port: integer('port', options.port ?? 9092, 0, 65535),
    advertisedHost: options.advertisedHost,
    nodeId: integer('nodeId', options.nodeId ?? 1, 0, 2 ** 31 - 1),
    defaultPartitions: integer('defaultPartitions', options.defaultPartitions ?? 1, 1, 10_000),
    autoCreateTopics: options.autoCreateTopics ?? true,
    log,
    maxRequestBytes: integer('maxRequestBytes', options.maxRequestBytes ?? 100 * MiB, 1024, 2 ** 31 - 1),
    flushIntervalMs: integer('flushIntervalMs', options.flushIntervalMs ?? 1000, -1),
    retentionCheckIntervalMs: integer('retentionCheckIntervalMs', options.retentionCheckIntervalMs ?? 60_000, 10),
    minSessionTimeoutMs: integer('minSessionTimeoutMs', options.minSessionTimeoutMs ?? 1000, 1),
    maxSessionTimeoutMs: integer('maxSessionTimeoutMs', options.maxSessionTimeoutMs ?? 1_800_000, 1),
    initialRebalanceDelayMs: integer('initialRebalanceDelayMs', options.initialRebalanceDelayMs ?? 0, 0),
    maxInFlightRequestsPerConnection: integer('maxInFlightRequestsPerConnection', options.maxInFlightRequestsPerConnection ?? 256, 1),
    logger: options.logger ?? silentLogger,
  };
  if (resolved.minSessionTimeoutMs > resolved.maxSessionTimeoutMs) {
    throw new InvalidBrokerOptionError('broker option minSessionTimeoutMs must not exceed maxSessionTimeoutMs');
  }
  return resolved;
}
