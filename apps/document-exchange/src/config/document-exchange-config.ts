import { z } from 'zod';
import { readEnvironment } from '@lgsp/observability';

/** Infrastructure and policy from the environment, validated once at boot (a bad value stops the process). */
export const documentExchangeConfigSchema = z.object({
  LGSP_CONFIG: z.string().min(1, 'the platform configuration file is required (LGSP_CONFIG)'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean)),
  /** Per platform: `required`, `verify-if-present` (some senders ship empty signatures) or `off`. */
  EDXML_SIGNATURE_POLICY: z.enum(['required', 'verify-if-present', 'off']).default('verify-if-present'),
  /** PEM files (comma-separated) of the CA or agency certificates trusted for signatures. */
  EDXML_TRUST_STORE: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((p) => p.trim()).filter(Boolean)),
  /**
   * The largest package, in bytes. Below the gateway's body limit, and each accepted package is one Kafka record:
   * Apache Kafka's default record limit is 1 MiB, so a production topic needs max.message.bytes raised to match.
   */
  EDXML_MAX_PACKAGE_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(8 * 1024 * 1024),
  EDXML_MAX_ATTACHMENT_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(8 * 1024 * 1024),
  /**
   * Push to agencies' callbacks: attempts per delivery before it is reported as failed (it stays in the inbox), the
   * backoff between attempts (doubling from the first delay up to the cap, with jitter), each attempt's time limit,
   * and how many pushes to one agency are under way at once.
   */
  DOCUMENT_PUSH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  DOCUMENT_PUSH_FIRST_DELAY_MS: z.coerce.number().int().min(10).max(3_600_000).default(1000),
  DOCUMENT_PUSH_MAX_DELAY_MS: z.coerce.number().int().min(10).max(86_400_000).default(300_000),
  DOCUMENT_PUSH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  DOCUMENT_PUSH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** A province sets this: callbacks must then be https (plain http is for a vendor's laptop). */
  DOCUMENT_PUSH_REQUIRE_HTTPS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Set by `lgsp up`: the process stops when its supervisor is gone. */
  LGSP_SUPERVISOR_PID: z.coerce.number().int().positive().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type DocumentExchangeConfig = z.infer<typeof documentExchangeConfigSchema>;

export function readDocumentExchangeConfig(env: NodeJS.ProcessEnv = process.env): DocumentExchangeConfig {
  return readEnvironment('document-exchange', documentExchangeConfigSchema, env);
}
