/**
 * Runs work for the same keys one at a time, and work for different keys concurrently. A decision such as "this
 * DocumentId was not sent yet" must hold until its event is written; holding one lock for every document would let
 * the exchange take only as many packages per second as the broker acknowledges writes. (Written here because the
 * maintained mutex packages lock one resource, not a family of keys, and this is twenty lines.)
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    // Sorted and de-duplicated, so that two callers needing the same pair of keys cannot wait on each other.
    const ordered = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const key of ordered) releases.push(await this.acquire(key));
      return await work();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      // The last holder cleans up, so that the map holds only keys with work waiting.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
