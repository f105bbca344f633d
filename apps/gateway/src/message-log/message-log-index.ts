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

/**
 * In-process index for the embedded platform: every record in arrival order, filtered on read, with secondary
 * lists by client and service so that the common "my exchanges" query does not scan everyone's. Rebuilt from the
 * log topic at start-up.
 */
export class InMemoryMessageLogIndex implements MessageLogIndex {
  private readonly records: MessageLogRecord[] = [];
  private readonly ids = new Set<string>();
  private readonly byClient = new Map<string, number[]>();
  private readonly byService = new Map<string, number[]>();

  async add(record: MessageLogRecord): Promise<void> {
    if (this.ids.has(record.id)) return;
    this.ids.add(record.id);
    const position = this.records.push(record) - 1;
    for (const [map, key] of [[this.byClient, record.client], [this.byService, record.service]] as const) {
      if (key === null) continue;
      let list = map.get(key);
      if (!list) map.set(key, (list = []));
      list.push(position);
    }
  }

  async search(q: MessageLogQuery): Promise<MessageLogPage> {
    const candidates = q.client !== undefined ? (this.byClient.get(q.client) ?? []) : q.service !== undefined ? (this.byService.get(q.service) ?? []) : null;
    const before = q.cursor !== undefined ? Number(q.cursor) : Number.POSITIVE_INFINITY;
    const items: MessageLogRecord[] = [];
    let last = -1;
    const visit = (position: number): boolean => {
      if (position >= before) return true;
      const r = this.records[position];
      if (!matchesQuery(r, q)) return true;
      if (items.length === q.limit) return false;
      items.push(r);
      last = position;
      return true;
    };
    let more = false;
    if (candidates) {
      for (let i = candidates.length - 1; i >= 0; i--) if (!visit(candidates[i])) { more = true; break; }
    } else {
      for (let i = this.records.length - 1; i >= 0; i--) if (!visit(i)) { more = true; break; }
    }
    return { items, nextCursor: more ? String(last) : null };
  }

  async size(): Promise<number> {
    return this.records.length;
  }
}
