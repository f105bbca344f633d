import { closeSync, existsSync, fdatasyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PortalCaseRecord, PortalProgressRecord } from '@lgsp/contracts';

/** One accepted change, as one JSON line: the records a batch created or changed, already checked and normalized. */
export type JournalEntry =
  | { v: 1; kind: 'cases'; at: number; records: PortalCaseRecord[] }
  | { v: 1; kind: 'progress'; at: number; records: PortalProgressRecord[] };

export class PortalJournalError extends Error {
  override readonly name = 'PortalJournalError';
}

export interface OpenedJournal {
  journal: PortalJournal;
  entries: JournalEntry[];
  /** Bytes of an unfinished last line cut away on opening (a crash in the middle of an append). */
  discardedBytes: number;
}

/**
 * The simulated portal's memory across restarts: an append-only JSON-lines file. Each accepted batch is written and
 * flushed to disk before the portal answers, so a sender never holds a "stored" answer the portal can forget.
 */
export class PortalJournal {
  private constructor(
    readonly path: string,
    private fd: number | null,
  ) {}

  static open(path: string): OpenedJournal {
    mkdirSync(dirname(path), { recursive: true });
    const { entries, keepBytes, totalBytes } = existsSync(path) ? readEntries(path) : { entries: [], keepBytes: 0, totalBytes: 0 };
    // A line cut short by a crash would swallow the next append into one unreadable line; cut it off first.
    if (keepBytes < totalBytes) truncateSync(path, keepBytes);
    const fd = openSync(path, 'a');
    return { journal: new PortalJournal(path, fd), entries, discardedBytes: totalBytes - keepBytes };
  }

  append(entry: JournalEntry): void {
    if (this.fd === null) throw new PortalJournalError(`the data file ${this.path} is closed`);
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    let written = 0;
    while (written < line.length) written += writeSync(this.fd, line, written);
    fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

function readEntries(path: string): { entries: JournalEntry[]; keepBytes: number; totalBytes: number } {
  const content = readFileSync(path);
  const entries: JournalEntry[] = [];
  let start = 0;
  let lineNumber = 0;
  while (start < content.length) {
    const end = content.indexOf(0x0a, start);
    lineNumber++;
    if (end === -1) {
      // An unterminated last line is what an interrupted append leaves: the batch was never acknowledged.
      return { entries, keepBytes: start, totalBytes: content.length };
    }
    const text = content.subarray(start, end).toString('utf8');
    if (text.trim().length > 0) entries.push(parseEntry(text, path, lineNumber));
    start = end + 1;
  }
  return { entries, keepBytes: content.length, totalBytes: content.length };
}

function parseEntry(text: string, path: string, lineNumber: number): JournalEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PortalJournalError(`${path} line ${lineNumber} is not JSON (${(err as Error).message}); the data file is damaged, so the portal does not start`);
  }
  const entry = value as Partial<JournalEntry>;
  if (entry?.v !== 1 || (entry.kind !== 'cases' && entry.kind !== 'progress') || typeof entry.at !== 'number' || !Array.isArray(entry.records)) {
    throw new PortalJournalError(`${path} line ${lineNumber} is not a portal data entry ({"v":1,"kind":"cases"|"progress","at":…,"records":[…]})`);
  }
  return entry as JournalEntry;
}
