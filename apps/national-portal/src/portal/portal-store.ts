import { createHash } from 'node:crypto';
import {
  toPortalDateTime,
  type PortalCaseRecord,
  type PortalLookupAnswer,
  type PortalProgressRecord,
  type PortalRecordOutcome,
} from '@lgsp/contracts';
import { canonicalJson } from '@lgsp/message-log';
import type { Clock } from '../config/national-portal-config';
import type { JournalEntry, PortalJournal } from './portal-journal';

interface HeldCase {
  record: PortalCaseRecord;
  /** Canonical JSON of the record, to tell an identical re-push from a change. */
  canonical: string;
  progress: PortalProgressRecord[];
  updatedAt: number;
}

/**
 * What the portal holds: cases by MaHoSo and their progress. A batch is applied whole or not at all: its outcome is
 * worked out first, then the changes go to the data file, and only then into memory, so a failed write leaves
 * neither behind. Identical progress records are kept once: that is what lets a sender retry a batch whose answer
 * it never received.
 */
export class PortalStore {
  private readonly cases = new Map<string, HeldCase>();
  private readonly progressKeys = new Set<string>();
  private progressTotal = 0;

  constructor(
    private readonly journal: PortalJournal | null,
    private readonly clock: Clock,
    replay: readonly JournalEntry[] = [],
  ) {
    for (const entry of replay) this.apply(entry);
  }

  get caseCount(): number {
    return this.cases.size;
  }

  get progressCount(): number {
    return this.progressTotal;
  }

  /** Upserts checked case records (a later record in the batch wins over an earlier one with the same MaHoSo). */
  pushCases(records: readonly PortalCaseRecord[]): PortalRecordOutcome[] {
    const seen = new Map<string, string>();
    const changed: PortalCaseRecord[] = [];
    const outcomes = records.map((record, index): PortalRecordOutcome => {
      const canonical = canonicalJson(record);
      const before = seen.get(record.MaHoSo) ?? this.cases.get(record.MaHoSo)?.canonical;
      seen.set(record.MaHoSo, canonical);
      if (before === canonical) return { index, MaHoSo: record.MaHoSo, outcome: 'unchanged' };
      changed.push(record);
      return { index, MaHoSo: record.MaHoSo, outcome: before === undefined ? 'created' : 'updated' };
    });
    if (changed.length > 0) this.commit({ v: 1, kind: 'cases', at: this.clock(), records: changed });
    return outcomes;
  }

  /** Positions of the records whose MaHoSo the portal does not hold. */
  unknownCases(records: readonly PortalProgressRecord[]): number[] {
    return records.flatMap((record, index) => (this.cases.has(record.MaHoSo) ? [] : [index]));
  }

  /** Stores checked progress records of known cases; an identical record (held, or earlier in the batch) is a duplicate. */
  pushProgress(records: readonly PortalProgressRecord[]): PortalRecordOutcome[] {
    const unknown = this.unknownCases(records);
    if (unknown.length > 0) throw new Error(`progress for unknown cases at ${unknown.join(', ')}: check unknownCases() first`);
    const batchKeys = new Set<string>();
    const fresh: PortalProgressRecord[] = [];
    const outcomes = records.map((record, index): PortalRecordOutcome => {
      const key = progressKey(record);
      if (this.progressKeys.has(key) || batchKeys.has(key)) return { index, MaHoSo: record.MaHoSo, outcome: 'duplicate' };
      batchKeys.add(key);
      fresh.push(record);
      return { index, MaHoSo: record.MaHoSo, outcome: 'stored' };
    });
    if (fresh.length > 0) this.commit({ v: 1, kind: 'progress', at: this.clock(), records: fresh });
    return outcomes;
  }

  lookup(caseCode: string): PortalLookupAnswer | null {
    const held = this.cases.get(caseCode);
    if (!held) return null;
    return { HoSo: held.record, TienDo: [...held.progress], NgayCapNhat: toPortalDateTime(held.updatedAt) };
  }

  private commit(entry: JournalEntry): void {
    this.journal?.append(entry);
    this.apply(entry);
  }

  private apply(entry: JournalEntry): void {
    if (entry.kind === 'cases') {
      for (const record of entry.records) {
        const held = this.cases.get(record.MaHoSo);
        this.cases.set(record.MaHoSo, { record, canonical: canonicalJson(record), progress: held?.progress ?? [], updatedAt: entry.at });
      }
      return;
    }
    for (const record of entry.records) {
      const key = progressKey(record);
      const held = this.cases.get(record.MaHoSo);
      // A journal only holds progress the portal accepted, which needs its case; skip anything else rather than invent one.
      if (!held || this.progressKeys.has(key)) continue;
      this.progressKeys.add(key);
      held.progress.push(record);
      held.updatedAt = entry.at;
      this.progressTotal++;
    }
  }
}

/** Identity of a progress record: all of its content, so a re-sent record matches and a corrected one does not. */
function progressKey(record: PortalProgressRecord): string {
  return createHash('sha256').update(canonicalJson(record)).digest('base64');
}
