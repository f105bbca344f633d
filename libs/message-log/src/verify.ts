import type { JWK } from 'jose';
import { CheckpointKeys, checkpointShapeProblem, isCheckpoint } from './checkpoint';
import { recordHash } from './hash-chain';
import { MessageLogCheckpoint, MessageLogRecord } from './message-log-record';

/** Where a checkpoint came from: the log topic itself, or the copy of the latest one the gateway keeps on disk. */
export type CheckpointEvidence = 'checkpoint' | 'saved head';

export type ChainProblem =
  | { kind: 'changed'; chain: string; seq: number; id: string }
  /** A gap inside the chain: `expectedSeq` is missing and `foundSeq` came next. */
  | { kind: 'removed'; chain: string; expectedSeq: number; foundSeq: number }
  /** A cut tail: the chain ends before `toSeq`, which a checkpoint covers. */
  | { kind: 'removed'; chain: string; fromSeq: number; toSeq: number; evidence: CheckpointEvidence }
  | { kind: 'inserted'; chain: string; seq: number; id: string }
  | { kind: 'reordered'; chain: string; seq: number; id: string }
  /** Record `seq` is not the one a checkpoint covers: at least one of records `fromSeq`..`seq` was rewritten. */
  | { kind: 'rewritten'; chain: string; seq: number; fromSeq: number; evidence: CheckpointEvidence }
  /** A checkpoint whose signature is not the platform's (`position` is null for a saved head). */
  | { kind: 'checkpoint-forged'; chain: string; seq: number; position: number | null; reason: string; evidence: CheckpointEvidence }
  /** A checkpoint read after later records of its chain: the writer puts it right after the record it covers. */
  | { kind: 'checkpoint-misplaced'; chain: string; seq: number; position: number; afterSeq: number }
  | { kind: 'unreadable'; position: number; reason: string };

export interface ChainSummary {
  readonly chain: string;
  /** False when a problem was found in this chain: the figures below then stop at it. */
  readonly intact: boolean;
  readonly records: number;
  /** The last record that verified (-1: none). */
  readonly lastSeq: number;
  readonly lastHash: string;
  /** Checkpoints of this chain in the log. */
  readonly checkpoints: number;
  /** Highest seq covered by a checkpoint that matches the chain (-1: none): records 0..checkpointedSeq are signed. */
  readonly checkpointedSeq: number;
  /** Records after checkpointedSeq: hash-chained only, not yet covered by a signature. Not a problem by itself. */
  readonly unsigned: number;
}

export interface VerificationReport {
  readonly ok: boolean;
  /** Exchange records read (checkpoints not included). */
  readonly records: number;
  readonly checkpoints: number;
  /**
   * 'verified' when public keys were given and every checkpoint's signature was checked; 'not-checked' without
   * keys: checkpoints are then compared with the chain, but anyone with write access could have made them.
   */
  readonly signatures: 'verified' | 'not-checked';
  readonly chains: ChainSummary[];
  /** The first problem found in each chain (later records of a broken chain are not trustworthy either). */
  readonly problems: ChainProblem[];
}

export interface VerifyOptions {
  /** The platform's public keys (JWKS entries, each with its kid). Without them signatures are not checked. */
  readonly keys?: readonly JWK[];
  /** Checkpoints kept outside the topic (the gateway's saved heads): the log must reach each one and match it. */
  readonly savedHeads?: readonly MessageLogCheckpoint[];
}

/** A checkpoint whose record has not been read yet. */
interface Expected {
  readonly seq: number;
  readonly hash: string;
  readonly evidence: CheckpointEvidence;
}

interface ChainState {
  seq: number;
  hash: string;
  records: number;
  checkpoints: number;
  checkpointedSeq: number;
  broken: boolean;
  /** Checkpoints ahead of the chain, by seq. Empty in an intact log, where each follows its record. */
  pending: Expected[];
}

/**
 * Recomputes every chain in log order, one entry at a time, keeping only each chain's position and its pending
 * checkpoints, so a log of any length can be streamed through it. Names the first record that was:
 * - changed: its own hash does not match its content;
 * - removed: a sequence number is missing (the next record's seq jumps), or the chain ends before a record that
 *   a checkpoint covers (a cut tail);
 * - inserted: a record whose seq was already seen, or whose prevHash does not link to the record before it
 *   although its own hash is intact (it was fabricated and slotted in);
 * - rewritten: the chain is internally consistent (hashes recomputed) but a checkpoint covers a different hash;
 * and reports checkpoints that are forged (signature not the platform's, when keys are given) or misplaced.
 * An entry that is neither a record nor a checkpoint is reported as unreadable.
 */
export class MessageLogVerifier {
  private readonly chains = new Map<string, ChainState>();
  private readonly problems: ChainProblem[] = [];
  private readonly keys: CheckpointKeys | null;
  private records = 0;
  private checkpoints = 0;
  private position = -1;

  constructor(options: VerifyOptions = {}) {
    this.keys = options.keys ? new CheckpointKeys(options.keys) : null;
    // A saved head is checked like a checkpoint read before the log: the chain must reach its record.
    for (const head of options.savedHeads ?? []) this.checkpoint(head, 'saved head', null);
  }

  add(raw: unknown): void {
    this.position++;
    if (isCheckpoint(raw)) {
      this.checkpoints++;
      const shape = checkpointShapeProblem(raw);
      if (shape) this.problems.push({ kind: 'unreadable', position: this.position, reason: shape });
      else this.checkpoint(raw, 'checkpoint', this.position);
      return;
    }
    this.records++;
    const record = asRecord(raw);
    if (!record) {
      const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
      const reason = type === undefined ? 'not a message-log record' : `unknown entry type ${JSON.stringify(type)}`;
      this.problems.push({ kind: 'unreadable', position: this.position, reason });
      return;
    }
    const chain = this.state(record.chain);
    chain.records++;
    if (chain.broken) return;
    const { hash, ...unsigned } = record;
    if (recordHash(unsigned) !== hash) return this.report(chain, { kind: 'changed', chain: record.chain, seq: record.seq, id: record.id });
    if (record.seq <= chain.seq) return this.report(chain, { kind: 'inserted', chain: record.chain, seq: record.seq, id: record.id });
    if (record.seq > chain.seq + 1) return this.report(chain, { kind: 'removed', chain: record.chain, expectedSeq: chain.seq + 1, foundSeq: record.seq });
    if (record.prevHash !== chain.hash) return this.report(chain, { kind: 'inserted', chain: record.chain, seq: record.seq, id: record.id });
    chain.seq = record.seq;
    chain.hash = record.hash;
    while (!chain.broken && chain.pending.length > 0 && chain.pending[0].seq === chain.seq) {
      this.match(record.chain, chain, chain.pending.shift()!);
    }
  }

  /** The report for everything added so far, including tails cut before a checkpointed record. */
  finish(): VerificationReport {
    const problems = [...this.problems];
    for (const [name, s] of this.chains) {
      if (s.broken || s.pending.length === 0) continue;
      const furthest = s.pending[s.pending.length - 1];
      problems.push({ kind: 'removed', chain: name, fromSeq: s.seq + 1, toSeq: furthest.seq, evidence: furthest.evidence });
    }
    return {
      ok: problems.length === 0,
      records: this.records,
      checkpoints: this.checkpoints,
      signatures: this.keys ? 'verified' : 'not-checked',
      chains: [...this.chains].map(([chain, s]) => ({
        chain,
        intact: !s.broken && s.pending.length === 0,
        records: s.records,
        lastSeq: s.seq,
        lastHash: s.hash,
        checkpoints: s.checkpoints,
        checkpointedSeq: s.checkpointedSeq,
        unsigned: s.seq - s.checkpointedSeq,
      })),
      problems,
    };
  }

  private checkpoint(c: MessageLogCheckpoint, evidence: CheckpointEvidence, position: number | null): void {
    const chain = this.state(c.chain);
    if (evidence === 'checkpoint') chain.checkpoints++;
    if (chain.broken) return;
    const forged = this.keys?.signatureProblem(c);
    if (forged) return this.report(chain, { kind: 'checkpoint-forged', chain: c.chain, seq: c.seq, position, reason: forged, evidence });
    const expected: Expected = { seq: c.seq, hash: c.hash, evidence };
    if (c.seq === chain.seq) return this.match(c.chain, chain, expected);
    if (c.seq < chain.seq) {
      // Only the hash of the chain's last record is kept, so an earlier one cannot be compared; the writer never
      // puts a checkpoint anywhere but right after its record, so this one was moved or records were slotted in.
      return this.report(chain, { kind: 'checkpoint-misplaced', chain: c.chain, seq: c.seq, position: position!, afterSeq: chain.seq });
    }
    const at = chain.pending.findIndex((p) => p.seq > c.seq);
    chain.pending.splice(at === -1 ? chain.pending.length : at, 0, expected);
  }

  /** Compares a checkpoint with the chain, which has just reached its record. */
  private match(name: string, chain: ChainState, expected: Expected): void {
    if (expected.hash === chain.hash) {
      chain.checkpointedSeq = Math.max(chain.checkpointedSeq, expected.seq);
      return;
    }
    this.report(chain, { kind: 'rewritten', chain: name, seq: expected.seq, fromSeq: chain.checkpointedSeq + 1, evidence: expected.evidence });
  }

  private state(name: string): ChainState {
    let chain = this.chains.get(name);
    if (!chain) this.chains.set(name, (chain = { seq: -1, hash: '', records: 0, checkpoints: 0, checkpointedSeq: -1, broken: false, pending: [] }));
    return chain;
  }

  private report(chain: ChainState, problem: ChainProblem): void {
    this.problems.push(problem);
    chain.broken = true;
  }
}

/** Verifies a whole log at once; see MessageLogVerifier. */
export function verifyRecords(entries: Iterable<unknown>, options: VerifyOptions = {}): VerificationReport {
  const verifier = new MessageLogVerifier(options);
  for (const entry of entries) verifier.add(entry);
  return verifier.finish();
}

function asRecord(raw: unknown): MessageLogRecord | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Partial<MessageLogRecord> & { type?: unknown };
  if (r.type !== undefined) return null;
  if (typeof r.chain !== 'string' || typeof r.seq !== 'number' || typeof r.hash !== 'string' || typeof r.prevHash !== 'string' || typeof r.id !== 'string') return null;
  return r as MessageLogRecord;
}

function range(from: number, to: number): string {
  return from === to ? `record ${from} was` : `records ${from}..${to} were`;
}

/** A sentence for each problem, naming the record, for `lgsp log verify`. */
export function describeProblem(p: ChainProblem): string {
  const source = (e: CheckpointEvidence) => (e === 'checkpoint' ? 'a checkpoint in the log' : "the head saved in the gateway's data directory");
  switch (p.kind) {
    case 'changed':
      return `chain ${p.chain}: record ${p.seq} (id ${p.id}) was changed after it was written: its hash does not match its content`;
    case 'removed':
      if ('foundSeq' in p) return `chain ${p.chain}: record ${p.expectedSeq} is missing (the next record found is ${p.foundSeq}): records were removed`;
      return (
        `chain ${p.chain}: ${range(p.fromSeq, p.toSeq)} removed after checkpoint: the chain ends at record ${p.fromSeq - 1} but ` +
        `${source(p.evidence)} covers record ${p.toSeq} (any records written after it are gone too)`
      );
    case 'inserted':
      return `chain ${p.chain}: record ${p.seq} (id ${p.id}) was inserted: it does not link to the record before it`;
    case 'reordered':
      return `chain ${p.chain}: record ${p.seq} (id ${p.id}) is out of order`;
    case 'rewritten':
      return (
        `chain ${p.chain}: record ${p.seq} is not the record ${source(p.evidence)} covers: ` +
        `${p.fromSeq === p.seq ? `record ${p.seq} was` : `one or more of records ${p.fromSeq}..${p.seq} were`} rewritten and the later hashes recomputed`
      );
    case 'checkpoint-forged':
      return p.position === null
        ? `chain ${p.chain}: the saved head for record ${p.seq} is not signed by the platform: ${p.reason}`
        : `chain ${p.chain}: the checkpoint for record ${p.seq} (log position ${p.position}) is forged: ${p.reason}`;
    case 'checkpoint-misplaced':
      return (
        `chain ${p.chain}: the checkpoint for record ${p.seq} (log position ${p.position}) comes after record ${p.afterSeq}: ` +
        'a checkpoint follows the record it covers, so records were slotted in before it or it was moved'
      );
    case 'unreadable':
      return `log position ${p.position}: ${p.reason}`;
  }
}
