import { createHash } from 'node:crypto';
import { ExchangeFields, MessageLogRecord } from './message-log-record';

/**
 * Canonical form: JSON with keys sorted at every level, so the hash does not depend on the order in which a
 * writer or a store happened to put the fields. Undefined becomes absent, exactly as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
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
    const unsigned = { ...fields, chain: this.chain, seq: this.nextSeq, prevHash: this.lastHash };
    const record: MessageLogRecord = { ...unsigned, hash: recordHash(unsigned) };
    this.nextSeq++;
    this.lastHash = record.hash;
    return record;
  }
}
