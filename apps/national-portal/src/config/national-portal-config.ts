import { z } from 'zod';
import { readEnvironment } from '@lgsp/observability';

const rate = z.coerce
  .number()
  .min(0, { error: 'must be between 0 and 1 (the share of calls that fail)' })
  .max(1, { error: 'must be between 0 and 1 (the share of calls that fail)' });

/**
 * The simulated portal's settings, read from the environment once at boot (STYLE.md 6). A bad value stops the
 * process with a message naming the variable. The credentials default to demo values: this is a simulator, and
 * `lgsp up` should start it without any setup.
 */
export const nationalPortalConfigSchema = z.object({
  NATIONAL_PORTAL_HOST: z.string().min(1).default('127.0.0.1'),
  NATIONAL_PORTAL_PORT: z.coerce.number().int().min(0).max(65535).default(8095),
  NATIONAL_PORTAL_USERNAME: z.string().min(1).default('lgsp-demo'),
  NATIONAL_PORTAL_PASSWORD: z.string().min(1).default('lgsp-demo-password'),
  /** How long a session from /api/login stays valid. */
  NATIONAL_PORTAL_SESSION_TTL_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(1800),
  /** Delay before every portal answer (the simulation controls change it at run time). */
  NATIONAL_PORTAL_LATENCY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  /** Share of portal calls answered 500 before anything is done (changeable at run time too). */
  NATIONAL_PORTAL_ERROR_RATE: rate.default(0),
  /** A JSON-lines file every accepted change is appended to and replayed from at start; unset, nothing survives a restart. */
  NATIONAL_PORTAL_DATA_FILE: z.string().min(1).optional(),
  NATIONAL_PORTAL_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(16 * 1024 * 1024),
  /** Set by `lgsp up`: the portal stops when its supervisor is gone. */
  LGSP_SUPERVISOR_PID: z.coerce.number().int().positive().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type NationalPortalConfig = z.infer<typeof nationalPortalConfigSchema>;


export function readNationalPortalConfig(env: NodeJS.ProcessEnv): NationalPortalConfig {
  return readEnvironment('national-portal', nationalPortalConfigSchema, env);
}

export const NATIONAL_PORTAL_CONFIG = Symbol('NATIONAL_PORTAL_CONFIG');
/** `() => [0, 1)`: the error rate draws from it. */
export const PORTAL_RANDOM = Symbol('PORTAL_RANDOM');

/** `() => epoch milliseconds`: sessions and timestamps read time through it, so tests can move it. */
export type Clock = () => number;
export type RandomSource = () => number;
