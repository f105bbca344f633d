/** The answer given to a request id, kept so that a repeated request gets the same answer and no second effect. */
export interface StoredAnswer {
  readonly requestHash: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/**
 * Answers by client and request id, kept for a fixed time. The first answer stored for an id wins until it expires:
 * a later `put` for the same id (two replicas finishing the same request, a retry racing its original) is ignored,
 * so every replica keeps replaying one answer and never swaps it for another.
 */
export interface IdempotencyStore {
  /** The stored answer for this client's request id, if any. */
  get(clientId: string, requestId: string): Promise<StoredAnswer | undefined>;
  /** Stores the answer unless one is already held for this id; the earlier one is kept. */
  put(clientId: string, requestId: string, answer: StoredAnswer): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');

/**
 * In-process adapter: answers for a bounded time and count (oldest dropped first). Request ids are scoped per
 * client, so one client can never see or block another's answers.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { answer: StoredAnswer; expiresAt: number }>();

  constructor(
    private readonly ttlMs = 24 * 60 * 60 * 1000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  private static key(clientId: string, requestId: string): string {
    return `${clientId}\u0000${requestId}`;
  }

  async get(clientId: string, requestId: string): Promise<StoredAnswer | undefined> {
    const key = InMemoryIdempotencyStore.key(clientId, requestId);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.answer;
  }

  async put(clientId: string, requestId: string, answer: StoredAnswer): Promise<void> {
    const key = InMemoryIdempotencyStore.key(clientId, requestId);
    // First answer wins, as in Redis (SET NX); neither the answer nor its expiry moves.
    const held = this.entries.get(key);
    if (held && held.expiresAt > this.now()) return;
    this.entries.delete(key);
    this.entries.set(key, { answer, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
