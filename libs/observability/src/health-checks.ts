/** One dependency the app needs to do its work; readiness fails while any check rejects or overruns. */
export interface HealthCheckSpec {
  name: string;
  check: () => Promise<void>;
  /** How long the check may take before it counts as failed; 2000 unless given. */
  timeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

export class HealthCheckTimeoutError extends Error {
  constructor(name: string, timeoutMs: number) {
    super(`${name} did not answer within ${timeoutMs} ms`);
    this.name = 'HealthCheckTimeoutError';
  }
}

/**
 * Runs one check against its deadline. A hung dependency (a Redis client queueing commands while disconnected, a
 * broker that accepts connections and never replies) must turn readiness red, not hang the probe.
 */
export async function runHealthCheck(spec: HealthCheckSpec): Promise<void> {
  const timeoutMs = spec.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HealthCheckTimeoutError(spec.name, timeoutMs)), timeoutMs);
  });
  try {
    // Promise.resolve().then() turns a check that throws synchronously into a rejection like any other.
    await Promise.race([Promise.resolve().then(spec.check), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Redis answers PING with PONG; anything else (a proxy's error text, a loading replica) is not ready. */
export function redisHealthCheck(redis: { ping(): Promise<unknown> }, name = 'redis'): HealthCheckSpec {
  return {
    name,
    check: async () => {
      const reply = await redis.ping();
      if (reply !== 'PONG') throw new Error(`unexpected reply to PING: ${String(reply)}`);
    },
  };
}

/** Kafka through whatever `ping()` the messaging connection offers (a metadata round trip). */
export function kafkaHealthCheck(connection: { ping(): Promise<unknown> }, name = 'kafka'): HealthCheckSpec {
  return { name, check: async () => void (await connection.ping()) };
}
