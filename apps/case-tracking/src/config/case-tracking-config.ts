import { z } from 'zod';
import { readEnvironment } from '@lgsp/observability';

/** Infrastructure and policy from the environment, validated once at boot (a bad value stops the process). */
export const caseTrackingConfigSchema = z.object({
  LGSP_CONFIG: z.string().min(1, 'the platform configuration file is required (LGSP_CONFIG)'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean)),
  /** A YAML or JSON procedure catalog; without one the demo catalog is generated from the registry (seed scale). */
  CASE_CATALOG: z.string().optional(),
  /** The holiday table (YAML); defaults to the one shipped in config/holidays/vietnam.yaml. */
  CASE_HOLIDAYS: z.string().optional(),
  /** A case received at the desk may be entered later; how far back a receipt time may lie, in days. */
  CASE_MAX_BACKDATE_DAYS: z.coerce.number().int().min(0).max(3660).default(366),
  /** "Due soon" fires this many working days before the appointment date. [I] */
  CASE_DUE_SOON_WORKING_DAYS: z.coerce.number().int().min(0).max(30).default(1),
  /** How often the deadline scheduler looks at the clock. */
  CASE_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(5_000),
  /** The national public-service portal to sync to; without a URL nothing is pushed (and the waiting list grows). */
  NATIONAL_PORTAL_URL: z.string().url().optional(),
  NATIONAL_PORTAL_USERNAME: z.string().default('lgsp-demo'),
  NATIONAL_PORTAL_PASSWORD: z.string().default('lgsp-demo-password'),
  NATIONAL_PORTAL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Cases per push to the portal. */
  NATIONAL_PORTAL_BATCH: z.coerce.number().int().min(1).max(1000).default(100),
  /** Backoff while the portal is down: doubling from the first delay up to the cap, with jitter. */
  NATIONAL_PORTAL_FIRST_DELAY_MS: z.coerce.number().int().min(10).max(3_600_000).default(1_000),
  NATIONAL_PORTAL_MAX_DELAY_MS: z.coerce.number().int().min(10).max(86_400_000).default(300_000),
  /** Public lookups by case code, per client system and minute (on top of the gateway's tier limit). */
  CASE_PUBLIC_LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Set by `lgsp up`: the process stops when its supervisor is gone. */
  LGSP_SUPERVISOR_PID: z.coerce.number().int().positive().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type CaseTrackingConfig = z.infer<typeof caseTrackingConfigSchema>;

export function readCaseTrackingConfig(env: NodeJS.ProcessEnv = process.env): CaseTrackingConfig {
  return readEnvironment('case-tracking', caseTrackingConfigSchema, env);
}
