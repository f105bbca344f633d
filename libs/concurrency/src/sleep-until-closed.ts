import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits `ms`, or less when `target` (an HTTP response, a socket) closes first: nobody is left to answer, and a
 * stopping server should not wait for it. Used by the simulated national systems to add latency to an answer.
 */
export async function sleepUntilClosed(ms: number, target: EventEmitter & { destroyed?: boolean }): Promise<void> {
  if (target.destroyed) return;
  const gone = new AbortController();
  const abort = () => gone.abort();
  target.once('close', abort);
  try {
    await sleep(ms, undefined, { signal: gone.signal });
  } catch {
    // Aborted: the other side left.
  } finally {
    target.off('close', abort);
  }
}
