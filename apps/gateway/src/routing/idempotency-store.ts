/** The answer given to a request id, kept so that a repeated request gets the same answer and no second effect. */
export interface StoredAnswer {
  readonly requestHash: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/**
 * What `begin` found for a request id. Only `started` lets the caller go upstream; it carries the token that
 * `complete` and `abandon` need, so that a caller whose reservation has lapsed cannot settle a newer one.
 */
export type Reservation =
  | { readonly kind: 'started'; readonly token: string }
  | { readonly kind: 'answered'; readonly answer: StoredAnswer }
  /** Another caller holds the id and has not answered yet; `requestHash` is the hash of what it was sent. */
  | { readonly kind: 'in-progress'; readonly requestHash: string };

/**
 * Request ids by client, each either reserved (an exchange is under way) or answered, for a bounded time.
 *
 * An exchange calls `begin` before it goes upstream: of any number of callers racing for one id, on one replica or
 * many, exactly one is `started`; the others learn that the id is answered or still in progress. The reservation
 * ends with `complete` (the answer replaces it and is kept for the store's full time) or `abandon` (the id is free
 * again, for exchanges that did not finish). A reservation expires by itself after its pending time, so a replica
 * that dies mid-exchange blocks the id only that long.
 */
export interface IdempotencyStore {
  /** Reserves the id for this caller unless it is already reserved or answered; atomic. */
  begin(clientId: string, requestId: string, requestHash: string, pendingTtlMs: number): Promise<Reservation>;
  /**
   * Keeps the answer under the id if the caller's reservation still holds it, or if nothing does any more (the
   * reservation lapsed but the effect happened, so a repeat must not cause another). Resolves true when this is
   * now the answer held; false when another caller's reservation or answer has the id, which is left untouched.
   */
  complete(clientId: string, requestId: string, token: string, answer: StoredAnswer): Promise<boolean>;
  /** Frees the id if the caller's reservation still holds it; otherwise does nothing. */
  abandon(clientId: string, requestId: string, token: string): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');

/** Redis' PX takes whole milliseconds from 1; both adapters refuse the same values. */
export function assertTtl(what: string, ms: number): void {
  if (!Number.isInteger(ms) || ms < 1) throw new RangeError(`${what} must be a positive whole number of ms; got ${ms}`);
}

type Entry =
  | { readonly kind: 'pending'; readonly token: string; readonly requestHash: string; readonly expiresAt: number }
  | { readonly kind: 'answered'; readonly answer: StoredAnswer; readonly expiresAt: number };

/**
 * In-process adapter: reservations and answers for a bounded time and count (oldest dropped first). Request ids
 * are scoped per client, so one client can never see or block another's. Every method runs to completion without
 * awaiting anything, which is what makes `begin` atomic within the process.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private reservations = 0;

  constructor(
    private readonly ttlMs = 24 * 60 * 60 * 1000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {
    assertTtl('idempotency TTL', ttlMs);
  }

  private static key(clientId: string, requestId: string): string {
    return `${clientId}\u0000${requestId}`;
  }

  /** The live entry for a key; an expired one is dropped on the way. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private store(key: string, entry: Entry): void {
    // Re-inserted so that the Map's order stays the order of writes, which is what the count cap drops by.
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  async begin(clientId: string, requestId: string, requestHash: string, pendingTtlMs: number): Promise<Reservation> {
    assertTtl('pending TTL', pendingTtlMs);
    const key = InMemoryIdempotencyStore.key(clientId, requestId);
    const held = this.live(key);
    if (held?.kind === 'answered') return { kind: 'answered', answer: held.answer };
    if (held?.kind === 'pending') return { kind: 'in-progress', requestHash: held.requestHash };
    const token = String(++this.reservations);
    this.store(key, { kind: 'pending', token, requestHash, expiresAt: this.now() + pendingTtlMs });
    return { kind: 'started', token };
  }

  async complete(clientId: string, requestId: string, token: string, answer: StoredAnswer): Promise<boolean> {
    const key = InMemoryIdempotencyStore.key(clientId, requestId);
    const held = this.live(key);
    if (held && !(held.kind === 'pending' && held.token === token)) return false;
    this.store(key, { kind: 'answered', answer, expiresAt: this.now() + this.ttlMs });
    return true;
  }

  async abandon(clientId: string, requestId: string, token: string): Promise<void> {
    const key = InMemoryIdempotencyStore.key(clientId, requestId);
    const held = this.live(key);
    if (held?.kind === 'pending' && held.token === token) this.entries.delete(key);
  }
}
