/**
 * The only place the `lgsp` process reads its environment (STYLE.md: process.env is read once per process).
 * Flags given on the command line win over these.
 */
export interface CliEnvironment {
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  readonly logLevel: string;
  /** Redis used as the peer in `lgsp bench broker`. */
  readonly redisUrl: string;
  /** Root of all platform data unless --data-dir says otherwise. */
  readonly dataDir: string;
  /** Set by `lgsp up` for the processes it runs: they stop when it is gone. */
  readonly supervisorPid: number | undefined;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readCliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`);
  }
  return {
    logLevel,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    dataDir: env.LGSP_DATA_DIR ?? '.data',
    supervisorPid: env.LGSP_SUPERVISOR_PID ? Number(env.LGSP_SUPERVISOR_PID) : undefined,
  };
}
