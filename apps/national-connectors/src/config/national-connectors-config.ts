import { z } from 'zod';
import { readEnvironment } from '@lgsp/observability';
import { NATIONAL_CONNECTORS } from '../connectors';

const secret = z.string().min(8, { error: 'must be at least 8 characters' });

/** `POPULATION`, `BUDGET_UNITS`: how a system's name is spelled in its environment variables (as the simulator does). */
export function systemEnvName(system: string): string {
  return system.toUpperCase().replace(/-/g, '_');
}

/**
 * `NATIONAL_DATABASES_{SYSTEM}_CLIENT_ID` / `_CLIENT_SECRET` for every system a connector reaches: the simulator's
 * variable names and demo defaults, so one environment configures both ends, and a new connector brings its own.
 */
const credentialFields = Object.fromEntries(
  [...new Set(NATIONAL_CONNECTORS.map((c) => c.system))].flatMap((system) => [
    [`NATIONAL_DATABASES_${systemEnvName(system)}_CLIENT_ID`, z.string().min(1).default(`lgsp-demo-${system}`)],
    [`NATIONAL_DATABASES_${systemEnvName(system)}_CLIENT_SECRET`, secret.default(`lgsp-demo-${system}-secret`)],
  ]),
) as Record<string, z.ZodDefault<z.ZodString>>;

/** Infrastructure and policy from the environment, validated once at boot (a bad value stops the process). */
export const nationalConnectorsConfigSchema = z.object({
  LGSP_CONFIG: z.string().min(1, 'the platform configuration file is required (LGSP_CONFIG)'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean)),
  /** Where the national databases answer (the simulator's default address). */
  NATIONAL_DATABASES_URL: z.string().url().default('http://127.0.0.1:8096'),
  ...credentialFields,
  /** Limit for each HTTP exchange with a national system. */
  NATIONAL_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(2_500),
  /**
   * Attempts per look-up on a time-out or 5xx, the first included. With the time-out this must fit in the gateway's
   * service time-out (10 s in the demo registry): 3 × 2.5 s plus backoff does. A request's own deadline stops retries
   * earlier.
   */
  NATIONAL_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(5).default(3),
  NATIONAL_RETRY_FIRST_DELAY_MS: z.coerce.number().int().min(1).max(10_000).default(200),
  NATIONAL_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(1).max(30_000).default(1_000),
  /** The circuit opens when this share (percent) of calls fail, once at least `VOLUME` calls fell in the window. */
  NATIONAL_BREAKER_ERROR_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
  NATIONAL_BREAKER_VOLUME: z.coerce.number().int().min(1).max(10_000).default(10),
  NATIONAL_BREAKER_WINDOW_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** How long an open circuit refuses before one trial call is let through. */
  NATIONAL_BREAKER_RESET_MS: z.coerce.number().int().min(10).max(600_000).default(10_000),
  /** Entries in the in-process cache, across connectors. */
  NATIONAL_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  /** When set, the lookup cache lives in Redis, shared by every replica; otherwise in this process. */
  REDIS_URL: z.string().url().optional(),
  /** Longest wait for one Redis command: past it the lookup goes on without the cache. */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** Set by `lgsp up`: the process stops when its supervisor is gone. */
  LGSP_SUPERVISOR_PID: z.coerce.number().int().positive().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type NationalConnectorsConfig = z.infer<typeof nationalConnectorsConfigSchema>;

export function readNationalConnectorsConfig(env: NodeJS.ProcessEnv = process.env): NationalConnectorsConfig {
  return readEnvironment('national-connectors', nationalConnectorsConfigSchema, env);
}

/** A system's client credentials, as the environment gave them. */
export function systemCredentials(config: NationalConnectorsConfig, system: string): { clientId: string; clientSecret: string } {
  const values = config as unknown as Record<string, string | undefined>;
  const clientId = values[`NATIONAL_DATABASES_${systemEnvName(system)}_CLIENT_ID`];
  const clientSecret = values[`NATIONAL_DATABASES_${systemEnvName(system)}_CLIENT_SECRET`];
  if (!clientId || !clientSecret) throw new Error(`no credentials are configured for the national system "${system}"`);
  return { clientId, clientSecret };
}
