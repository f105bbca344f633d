import { z } from 'zod';
import { readEnvironment } from '@lgsp/observability';
import { agencyCodeProblem, ipAddressProblem, normalizeIp } from '../simulation/caller-access';

/** The six simulated national systems, each served under `/{name}`. */
export const NATIONAL_SYSTEMS = ['population', 'business', 'insurance', 'land', 'budget-units', 'civil-status'] as const;
export type NationalSystem = (typeof NATIONAL_SYSTEMS)[number];

/**
 * `POPULATION`, `BUDGET_UNITS`, `CIVIL_STATUS`: how a system's name is spelled in its environment variables. Every
 * `-` becomes `_`, as in national-connectors' `systemEnvName`, so both ends read the same variables.
 */
export function systemEnvName(system: NationalSystem): string {
  return system.toUpperCase().replace(/-/g, '_');
}

/**
 * A comma-separated list where every item must pass `problem`; unset or empty is null (no list: nobody is refused for
 * it). Items are trimmed and then `normalize`d, so the list compares the way callers are compared.
 */
function commaList(problem: (item: string) => string | null, normalize: (item: string) => string = (item) => item) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const items = (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      const problems = items.map(problem).filter((p): p is string => p !== null);
      if (problems.length > 0) {
        ctx.addIssue({ code: 'custom', message: problems.join('; ') });
        return z.NEVER;
      }
      return items.length > 0 ? items.map(normalize) : null;
    });
}

const secret = z.string().min(8, { error: 'must be at least 8 characters' });
const clientId = (system: NationalSystem) => z.string().min(1).default(`lgsp-demo-${system}`);
const clientSecret = (system: NationalSystem) => secret.default(`lgsp-demo-${system}-secret`);

export const nationalDatabasesConfigSchema = z.object({
  NATIONAL_DATABASES_HOST: z.string().min(1).default('127.0.0.1'),
  NATIONAL_DATABASES_PORT: z.coerce.number().int().min(0).max(65535).default(8096),
  /** How long an access token stays valid. */
  NATIONAL_DATABASES_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).max(24 * 3600).default(3600),
  /**
   * Mixed into every hash that picks a record's fields: the same seed gives the same data on every machine and every
   * start; another seed gives another, equally consistent, population.
   */
  NATIONAL_DATABASES_SEED: z.string().min(1).default('lgsp-national-databases-1'),
  /** Share (0–1) of valid identifiers every system answers RECORD_NOT_FOUND, chosen by hash, so always the same ones. */
  NATIONAL_DATABASES_ABSENT_SHARE: z.coerce.number().min(0).max(1).default(0.05),
  /**
   * Caller addresses every system accepts (101 IP_DISALLOWED for any other), e.g. `127.0.0.1,::1`; unset or empty
   * lets every address in. `/sim/{system}/conditions` changes it per system; `/sim/reset` comes back to this.
   */
  NATIONAL_DATABASES_ALLOWED_IPS: commaList(ipAddressProblem, normalizeIp),
  /**
   * Agency codes (QCVN 102) every system answers look-ups for (106 AGENCY_ID_INCORRECT for any other), e.g.
   * `000.00.00.H56`; unset or empty accepts any valid code. Changed and reset like the allowed addresses.
   */
  NATIONAL_DATABASES_AGENCY_IDS: commaList(agencyCodeProblem),
  // Each system has its own client credentials, as separately run national systems do; a token from one is refused by
  // the others. Demo defaults let `lgsp up` start the simulator without any setup.
  NATIONAL_DATABASES_POPULATION_CLIENT_ID: clientId('population'),
  NATIONAL_DATABASES_POPULATION_CLIENT_SECRET: clientSecret('population'),
  NATIONAL_DATABASES_BUSINESS_CLIENT_ID: clientId('business'),
  NATIONAL_DATABASES_BUSINESS_CLIENT_SECRET: clientSecret('business'),
  NATIONAL_DATABASES_INSURANCE_CLIENT_ID: clientId('insurance'),
  NATIONAL_DATABASES_INSURANCE_CLIENT_SECRET: clientSecret('insurance'),
  NATIONAL_DATABASES_LAND_CLIENT_ID: clientId('land'),
  NATIONAL_DATABASES_LAND_CLIENT_SECRET: clientSecret('land'),
  NATIONAL_DATABASES_BUDGET_UNITS_CLIENT_ID: clientId('budget-units'),
  NATIONAL_DATABASES_BUDGET_UNITS_CLIENT_SECRET: clientSecret('budget-units'),
  NATIONAL_DATABASES_CIVIL_STATUS_CLIENT_ID: clientId('civil-status'),
  NATIONAL_DATABASES_CIVIL_STATUS_CLIENT_SECRET: clientSecret('civil-status'),
  /** Set by `lgsp up`: the simulator stops when its supervisor is gone. */
  LGSP_SUPERVISOR_PID: z.coerce.number().int().positive().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type NationalDatabasesConfig = z.infer<typeof nationalDatabasesConfigSchema>;


export function readNationalDatabasesConfig(env: NodeJS.ProcessEnv): NationalDatabasesConfig {
  return readEnvironment('national-databases', nationalDatabasesConfigSchema, env);
}

export function systemCredentials(config: NationalDatabasesConfig, system: NationalSystem): { clientId: string; clientSecret: string } {
  const name = systemEnvName(system);
  const values = config as unknown as Record<string, string>;
  return { clientId: values[`NATIONAL_DATABASES_${name}_CLIENT_ID`]!, clientSecret: values[`NATIONAL_DATABASES_${name}_CLIENT_SECRET`]! };
}

export const NATIONAL_DATABASES_CONFIG = Symbol('NATIONAL_DATABASES_CONFIG');
/** `() => [0, 1)`: the error rate draws from it. */
export const SIMULATION_RANDOM = Symbol('SIMULATION_RANDOM');
/** `() => epoch milliseconds`: token lifetimes, outages and "today" read time through it, so tests can move it. */
export const SIMULATION_CLOCK = Symbol('SIMULATION_CLOCK');

export type Clock = () => number;
export type RandomSource = () => number;
