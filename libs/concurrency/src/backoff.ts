/** The pause before retry number `attempt + 1` (a push to an agency, a sync to the national portal): exponential, capped, with jitter. */
export function backoffMs(attempt: number, firstDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(attempt - 1, 30));
  // "Equal jitter": at least half the step, so retries still spread out, and never all agencies' retries at once
  // after an outage of their shared network.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
