import { createHash } from 'node:crypto';
import { ExchangeFields, MessageLogRecord } from './message-log-record';

/**
 * Canonical form: JSON with keys sorted at every level, so the hash does not depend on the order in which a
 * writer or a store happened to put the fields. Undefined becomes absent, exactly as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  // Plain loops and one string rather than entries/filter/sort/map/join: every exchange is hashed on the gateway's
  // hot path, and those intermediate arrays were most of the hashing's cost.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out += (i === 0 ? '' : ',') + canonicalJson(item === undefined ? null : item);
    }
    return out + ']';
  }
  const object = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, the order the (a < b) comparison gave before.
  const keys = Object.keys(object).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = object[key];
    if (item === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(item);
    first = false;
  }
  return out + '}';
}

export function recordHash(record: Omit<MessageLogRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(record)).digest('base64');
}

/** Appends exchanges to one chain. Not thread-safe by design: one chain has exactly one writer. */
export class HashChain {
  private nextSeq: number;
  private lastHash: string;

  /** Continues after `tail` (the chain's last record, read back at start-up), or starts a new chain. */
  constructor(
    readonly chain: string,
    tail: MessageLogRecord | null = null,
  ) {
    this.nextSeq = tail ? tail.seq + 1 : 0;
    this.lastHash = tail ? tail.hash : '';
  }

  append(fields: ExchangeFields): MessageLogRecord {
    // Built once with an absent hash (canonical form leaves undefined out), then completed: one copy of the fields.
    const record = { ...fields, chain: this.chain, seq: this.nextSeq, prevHash: this.lastHash, hash: undefined as unknown as string };
    record.hash = recordHash(record);
    this.nextSeq++;
    this.lastHash = record.hash;
    return record;
  }
}
