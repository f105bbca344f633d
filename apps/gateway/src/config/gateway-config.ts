import { hostname } from 'node:os';
import { z } from 'zod';

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
});

export type GatewayConfig = z.infer<typeof schema>;

export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
}

export function readGatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new GatewayConfigError(`invalid gateway environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function gatewayInstanceId(config: GatewayConfig): string {
  return config.GATEWAY_INSTANCE_ID ?? hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
}

/** Injection token for the GatewayConfig object. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
