import { LogManager } from '../log/log-manager';

/** A fetch that found too little data and waits for a produce (or its max_wait) to answer. */
export interface WaitingFetch {
  readonly partitions: readonly string[];
  /** Called on every append to one of its partitions; returns true once it has answered. */
  readonly onAppend: () => boolean;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * Long-polling fetches parked until data arrives (Kafka calls this the fetch purgatory). Waiters are indexed
 * by partition, so a produce wakes only the fetches that read what it wrote.
 */
export class FetchPurgatory {
  private readonly waiting = new Map<string, Set<WaitingFetch>>();
  private readonly unsubscribe: () => void;

  constructor(logs: LogManager) {
    this.unsubscribe = logs.onAppend((topic, partition) => this.wake(partitionKey(topic, partition)));
  }

  park(fetch: WaitingFetch): void {
    for (const key of fetch.partitions) {
      let set = this.waiting.get(key);
      if (!set) this.waiting.set(key, (set = new Set()));
      set.add(fetch);
    }
  }

  release(fetch: WaitingFetch): void {
    for (const key of fetch.partitions) {
      const set = this.waiting.get(key);
      if (!set) continue;
      set.delete(fetch);
      if (set.size === 0) this.waiting.delete(key);
    }
  }

  private wake(key: string): void {
    const set = this.waiting.get(key);
    if (!set) return;
    for (const fetch of [...set]) if (fetch.onAppend()) this.release(fetch);
  }

  get size(): number {
    let n = 0;
    for (const s of this.waiting.values()) n += s.size;
    return n;
  }

  close(): void {
    this.unsubscribe();
  }
}
