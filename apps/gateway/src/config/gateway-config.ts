import { hostname } from 'node:os';
import { z } from 'zod';
import { readEnvironment } from '@lgsp/observability';
import { InMemoryMessageLogIndex } from '../message-log/message-log-index';

/**
 * The gateway's infrastructure settings, read from the environment once at boot (STYLE.md: process.env is read
 * in exactly one place per process). The registry and catalog come from the platform configuration file named
 * by LGSP_CONFIG. A bad value stops the process with a message that names the variable.
 */
const schema = z.object({
  GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  KAFKA_BROKERS: z
    .string()
    .default('localhost:9092')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((b) => /^[^\s:]+:\d+$/.test(b) || /^\[[0-9a-fA-F:]+\]:\d+$/.test(b)), 'a comma-separated list of host:port'),
  REDIS_URL: z.string().url().optional(),
  LGSP_CONFIG: z.string().min(1, 'the path of the platform configuration file (YAML or JSON)'),
  LGSP_DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Lifetime of issued access tokens. Short: a revoked client loses access within this time. */
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(300),
  /** Largest request body accepted on the routing endpoint; larger ones get 413 before anything is parsed. */
  GATEWAY_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  /**
   * Replica id, unique per gateway replica: names its message-log chain and its reply-consumer group. Defaults to
   * the host name, which is stable across restarts of one machine or container.
   */
  GATEWAY_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  /** Set by `lgsp up`: the gateway stops when the supervisor is gone. */
  LGSP_SUPERVISOR_PID: z.coerce.number().int().positive().optional(),
  /**
   * Whether this gateway also serves the built-in `ping` service (when the catalog has it). `off` where ping is
   * answered elsewhere: by another replica, or by the benchmark's provider process.
   */
  GATEWAY_PING_PROVIDER: z.enum(['on', 'off']).default('on'),
  /**
   * Longest wait for any one Redis command of the gateway's stores (idempotency, message-log index, rate limits,
   * the readiness check). Without it a Redis that keeps the connection open but stops answering holds every
   * request that touches it, indefinitely; with it the request fails after this long with an error naming the
   * store. Redis on the same network answers in well under a millisecond, so 1 s only trips on a real fault.
   */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /**
   * How many records the message-log search index keeps: the newest N, older ones dropped. The index is a
   * searchable window over the log, not the log itself: the message-log topic in Kafka keeps every record, and
   * `lgsp log verify` reads that. Unset, it is 200,000 in-process and 500,000 in Redis. A metadata-only record
   * measured about 0.9 KB of gateway heap in-process (200,000 ≈ 185 MB, beside everything else the process holds)
   * and about 1.8 KB in Redis across the record hash and its sorted sets (500,000 ≈ 0.9 GB, leaving room in a
   * 2 GB Redis for the idempotency answers, which keep whole bodies for a day). Redis nearing maxmemory would
   * refuse the idempotency writes every exchange needs, so the bound protects routing, not only memory. Records
   * of services logged in full carry their bodies too: lower the bound where those are large or frequent.
   */
  GATEWAY_LOG_INDEX_MAX_RECORDS: z.coerce.number().int().min(1).max(100_000_000).optional(),
  /** How often each replica trims the Redis message-log index back to GATEWAY_LOG_INDEX_MAX_RECORDS. */
  GATEWAY_LOG_INDEX_TRIM_INTERVAL_MS: z.coerce.number().int().min(100).max(24 * 60 * 60 * 1000).default(60_000),
});

export type GatewayConfig = z.infer<typeof schema>;


export function readGatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  return readEnvironment('gateway', schema, env);
}

export function gatewayInstanceId(config: GatewayConfig): string {
  return config.GATEWAY_INSTANCE_ID ?? hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
}

/** In-process the index lives in the gateway's own heap; in Redis it shares memory with the idempotency answers. */
export const DEFAULT_LOG_INDEX_MAX_RECORDS = { inProcess: InMemoryMessageLogIndex.DEFAULT_MAX_RECORDS, redis: 500_000 } as const;

/** The message-log index's record bound: configured, or the default for where the index lives. */
export function logIndexMaxRecords(config: Pick<GatewayConfig, 'GATEWAY_LOG_INDEX_MAX_RECORDS' | 'REDIS_URL'>): number {
  return config.GATEWAY_LOG_INDEX_MAX_RECORDS ?? (config.REDIS_URL ? DEFAULT_LOG_INDEX_MAX_RECORDS.redis : DEFAULT_LOG_INDEX_MAX_RECORDS.inProcess);
}

/** Injection token for the GatewayConfig object. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
