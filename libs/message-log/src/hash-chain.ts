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

export type ChainProblem =
  | { kind: 'changed'; chain: string; seq: number; id: string }
  | { kind: 'removed'; chain: string; expectedSeq: number; foundSeq: number }
  | { kind: 'inserted'; chain: string; seq: number; id: string }
  | { kind: 'reordered'; chain: string; seq: number; id: string }
  | { kind: 'unreadable'; position: number; reason: string };

export interface VerificationReport {
  readonly ok: boolean;
  readonly records: number;
  readonly chains: { chain: string; records: number; lastSeq: number; lastHash: string }[];
  /** The first problem found in each chain (later records of a broken chain are not trustworthy either). */
  readonly problems: ChainProblem[];
}

/**
 * Recomputes every chain in log order and names the first record that was changed, inserted or removed:
 * - changed: the record's own hash does not match its content;
 * - removed: a sequence number is missing (the next record's seq jumps);
 * - inserted: a record whose seq was already seen, or whose prevHash does not link to the record before it
 *   although its own hash is intact (it was fabricated and slotted in);
 * - a record that is not a message-log record at all is reported as unreadable.
 */
export function verifyRecords(records: Iterable<unknown>): VerificationReport {
  const state = new Map<string, { seq: number; hash: string; records: number; broken: boolean }>();
  const problems: ChainProblem[] = [];
  let total = 0;
  let position = -1;
  for (const raw of records) {
    position++;
    total++;
    const record = asRecord(raw);
    if (!record) {
      problems.push({ kind: 'unreadable', position, reason: 'not a message-log record' });
      continue;
    }
    let chain = state.get(record.chain);
    if (!chain) state.set(record.chain, (chain = { seq: -1, hash: '', records: 0, broken: false }));
    chain.records++;
    if (chain.broken) continue;
    const { hash, ...unsigned } = record;
    const report = (p: ChainProblem): void => {
      problems.push(p);
      chain!.broken = true;
    };
    if (recordHash(unsigned) !== hash) {
      report({ kind: 'changed', chain: record.chain, seq: record.seq, id: record.id });
      continue;
    }
    if (record.seq <= chain.seq) {
      report({ kind: 'inserted', chain: record.chain, seq: record.seq, id: record.id });
      continue;
    }
    if (record.seq > chain.seq + 1) {
      report({ kind: 'removed', chain: record.chain, expectedSeq: chain.seq + 1, foundSeq: record.seq });
      continue;
    }
    if (record.prevHash !== chain.hash) {
      report({ kind: 'inserted', chain: record.chain, seq: record.seq, id: record.id });
      continue;
    }
    chain.seq = record.seq;
    chain.hash = record.hash;
  }
  return {
    ok: problems.length === 0,
    records: total,
    chains: [...state].map(([chain, s]) => ({ chain, records: s.records, lastSeq: s.seq, lastHash: s.hash })),
    problems,
  };
}

function asRecord(raw: unknown): MessageLogRecord | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Partial<MessageLogRecord>;
  if (typeof r.chain !== 'string' || typeof r.seq !== 'number' || typeof r.hash !== 'string' || typeof r.prevHash !== 'string' || typeof r.id !== 'string') return null;
  return r as MessageLogRecord;
}

/** A sentence for each problem, naming the record, for `lgsp log verify`. */
export function describeProblem(p: ChainProblem): string {
  switch (p.kind) {
    case 'changed':
      return `chain ${p.chain}: record ${p.seq} (id ${p.id}) was changed after it was written: its hash does not match its content`;
    case 'removed':
      return `chain ${p.chain}: record ${p.expectedSeq} is missing (the next record found is ${p.foundSeq}): records were removed`;
    case 'inserted':
      return `chain ${p.chain}: record ${p.seq} (id ${p.id}) was inserted: it does not link to the record before it`;
    case 'reordered':
      return `chain ${p.chain}: record ${p.seq} (id ${p.id}) is out of order`;
    case 'unreadable':
      return `log position ${p.position}: ${p.reason}`;
  }
}
