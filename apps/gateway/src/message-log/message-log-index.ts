import { MessageLogRecord } from '@lgsp/message-log';

export interface MessageLogQuery {
  readonly client?: string;
  readonly service?: string;
  /** 'succeeded', 'failed', or an HTTP status such as '404'. */
  readonly status?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly requestId?: string;
  readonly issue?: string;
  readonly limit: number;
  /** Opaque position from the previous page. */
  readonly cursor?: string;
}

export interface MessageLogPage {
  readonly items: MessageLogRecord[];
  /** Present when there are more (older) records. */
  readonly nextCursor: string | null;
}

/** Search over the message log, newest first. The log topic is the record; an index can always be rebuilt from it. */
export interface MessageLogIndex {
  /**
   * Indexes a record once: adding a record id already held changes nothing (neither the record nor its place),
   * because every start-up rebuild re-adds what a shared index already holds.
   */
  add(record: MessageLogRecord): Promise<void>;
  search(query: MessageLogQuery): Promise<MessageLogPage>;
  size(): Promise<number>;
}

export const MESSAGE_LOG_INDEX = Symbol('MESSAGE_LOG_INDEX');

/** The filters of a query, applied to one record; every adapter uses this one definition. */
export function matchesQuery(r: MessageLogRecord, q: MessageLogQuery): boolean {
  if (q.client !== undefined && r.client !== q.client) return false;
  if (q.service !== undefined && r.service !== q.service) return false;
  if (q.requestId !== undefined && r.requestId !== q.requestId) return false;
  if (q.issue !== undefined && r.issue !== q.issue) return false;
  if (q.status === 'succeeded' && !r.succeeded) return false;
  if (q.status === 'failed' && r.succeeded) return false;
  if (q.status !== undefined && /^\d{3}$/.test(q.status) && r.status !== Number(q.status)) return false;
  const at = Date.parse(r.requestInAt);
  if (q.from && at < q.from.getTime()) return false;
  if (q.to && at > q.to.getTime()) return false;
  return true;
}

/** Positions in ascending order, dropped from the front as the records they name are evicted. */
class PositionList {
  private items: number[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(position: number): void {
    this.items.push(position);
  }

  /** The i-th position still held, oldest first. */
  at(i: number): number {
    return this.items[this.head + i];
  }

  /** Drops every position below `floor`; compacted once most of the array is dead, so a drop is O(1) amortised. */
  dropBelow(floor: number): void {
    while (this.head < this.items.length && this.items[this.head] < floor) this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** How many held positions are below `bound` (binary search): where a walk downwards from `bound` starts. */
  countBelow(bound: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid] < bound) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.head;
  }
}

export interface InMemoryMessageLogIndexOptions {
  /** The newest this many records are kept; adding one more drops the oldest. */
  readonly maxRecords?: number;
}

/**
 * In-process index for the embedded platform: the newest `maxRecords` records in arrival order, filtered on read,
 * with secondary lists by client and service so that the common "my exchanges" query does not scan everyone's.
 * Rebuilt from the log topic at start-up.
 *
 * It is a bounded, searchable window over the log, not the log: the message-log topic keeps every record (and is
 * what `lgsp log verify` checks); without the bound the gateway's heap would grow with every exchange until it
 * failed. Each record has an absolute position (0 for the first ever added) that eviction never changes, and a
 * cursor is such a position, so a page taken before an eviction continues correctly after it (records evicted in
 * between are simply no longer there). As in the Redis adapter, a chain's evicted records stay out: re-adding
 * one (a rebuild) changes nothing.
 */
export class InMemoryMessageLogIndex implements MessageLogIndex {
  static readonly DEFAULT_MAX_RECORDS = 200_000;

  /** Records from position `base` on; records[i] is at position base + i. */
  private records: MessageLogRecord[] = [];
  private base = 0;
  /** Index into `records` of the oldest record still held (the ones before it are evicted, awaiting compaction). */
  private head = 0;
  private readonly ids = new Set<string>();
  private readonly byClient = new Map<string, PositionList>();
  private readonly byService = new Map<string, PositionList>();
  /** Chain → highest seq evicted: a record at or below it is older than what the index keeps. */
  private readonly evictedUpTo = new Map<string, number>();
  private readonly maxRecords: number;

  constructor(options: InMemoryMessageLogIndexOptions = {}) {
    this.maxRecords = options.maxRecords ?? InMemoryMessageLogIndex.DEFAULT_MAX_RECORDS;
    if (!Number.isInteger(this.maxRecords) || this.maxRecords < 1) throw new RangeError(`maxRecords must be a whole number ≥ 1; got ${this.maxRecords}`);
  }

  /** Position of the oldest record held. */
  private get first(): number {
    return this.base + this.head;
  }

  /** Position the next record gets. */
  private get next(): number {
    return this.base + this.records.length;
  }

  async add(record: MessageLogRecord): Promise<void> {
    if (this.ids.has(record.id)) return;
    const floor = this.evictedUpTo.get(record.chain);
    if (floor !== undefined && record.seq <= floor) return;
    this.ids.add(record.id);
    const position = this.next;
    this.records.push(record);
    for (const [map, key] of [[this.byClient, record.client], [this.byService, record.service]] as const) {
      if (key === null) continue;
      let list = map.get(key);
      if (!list) map.set(key, (list = new PositionList()));
      list.push(position);
    }
    while (this.next - this.first > this.maxRecords) this.evictOldest();
  }

  private evictOldest(): void {
    const r = this.records[this.head];
    this.ids.delete(r.id);
    const floor = this.evictedUpTo.get(r.chain);
    if (floor === undefined || floor < r.seq) this.evictedUpTo.set(r.chain, r.seq);
    // Let the record itself be collected now, not at the next compaction.
    (this.records as (MessageLogRecord | undefined)[])[this.head] = undefined;
    this.head++;
    const first = this.first;
    for (const [map, key] of [[this.byClient, r.client], [this.byService, r.service]] as const) {
      if (key === null) continue;
      const list = map.get(key)!;
      list.dropBelow(first);
      // A client id that stops appearing (say, one only ever presented in failed token requests) leaves no key.
      if (list.length === 0) map.delete(key);
    }
    if (this.head > 1024 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  private at(position: number): MessageLogRecord {
    return this.records[position - this.base];
  }

  async search(q: MessageLogQuery): Promise<MessageLogPage> {
    if (!Number.isInteger(q.limit) || q.limit < 1) throw new RangeError(`limit must be a positive whole number; got ${q.limit}`);
    if (q.cursor !== undefined && !/^\d+$/.test(q.cursor)) throw new RangeError(`not a message-log cursor: "${q.cursor}"`);
    const candidates = q.client !== undefined ? (this.byClient.get(q.client) ?? null) : q.service !== undefined ? (this.byService.get(q.service) ?? null) : undefined;
    if (candidates === null) return { items: [], nextCursor: null };
    // Positions below the cursor only; one past the newest when there is none.
    const before = q.cursor !== undefined ? Math.min(Number(q.cursor), this.next) : this.next;
    const items: MessageLogRecord[] = [];
    let last = -1;
    let more = false;
    const visit = (position: number): boolean => {
      const r = this.at(position);
      if (!matchesQuery(r, q)) return true;
      if (items.length === q.limit) return false;
      items.push(r);
      last = position;
      return true;
    };
    if (candidates) {
      for (let i = candidates.countBelow(before) - 1; i >= 0; i--) if (!visit(candidates.at(i))) { more = true; break; }
    } else {
      for (let p = before - 1; p >= this.first; p--) if (!visit(p)) { more = true; break; }
    }
    return { items, nextCursor: more ? String(last) : null };
  }

  async size(): Promise<number> {
    return this.next - this.first;
  }
}
