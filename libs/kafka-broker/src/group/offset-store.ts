import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { BrokerLogger } from '../broker-logger';

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string | null;
  readonly commitTimestamp: number;
}

type OffsetLine =
  | { g: string; t: string; p: number; o: number; m: string | null; ts: number }
  | { g: string; deleted: true }
  | { t: string; topicDeleted: true };

/** Compact once dead lines outnumber live entries by this factor (and the file is not tiny). */
const COMPACT_RATIO = 4;
const COMPACT_MIN_LINES = 10_000;

/**
 * Committed consumer-group offsets, durable in one append-only file of JSON lines (Kafka keeps them in the
 * `__consumer_offsets` topic; a file is enough for one node and is readable by a person). Every commit is
 * written before it is acknowledged; the file is replayed at start-up and compacted when it grows.
 * A torn last line (a crash mid-write) is ignored on replay.
 */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();
  private fd = -1;
  private lines = 0;
  private dirty = false;

  constructor(
    private readonly path: string,
    private readonly logger: BrokerLogger,
  ) {}

  open(): void {
    if (existsSync(this.path)) {
      const text = readFileSync(this.path, 'utf8');
      let torn = 0;
      for (const line of text.split('\n')) {
        if (!line) continue;
        try {
          this.apply(JSON.parse(line) as OffsetLine);
          this.lines++;
        } catch {
          torn++;
        }
      }
      if (torn > 0) this.logger.warn({ path: this.path, torn }, 'ignored unreadable lines in the committed-offsets file');
    }
    this.compact();
  }

  private static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  private apply(line: OffsetLine): void {
    if ('topicDeleted' in line) {
      for (const offsets of this.groups.values()) {
        for (const k of offsets.keys()) if (k.startsWith(`${line.t}\u0000`)) offsets.delete(k);
      }
      return;
    }
    if ('deleted' in line) {
      this.groups.delete(line.g);
      return;
    }
    let offsets = this.groups.get(line.g);
    if (!offsets) this.groups.set(line.g, (offsets = new Map()));
    offsets.set(OffsetStore.key(line.t, line.p), { offset: line.o, metadata: line.m, commitTimestamp: line.ts });
  }

  private append(lines: OffsetLine[]): void {
    const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    writeSync(this.fd, text);
    for (const l of lines) this.apply(l);
    this.lines += lines.length;
    this.dirty = true;
    if (this.lines > COMPACT_MIN_LINES && this.lines > COMPACT_RATIO * this.liveEntries()) this.compact();
  }

  private liveEntries(): number {
    let n = 0;
    for (const offsets of this.groups.values()) n += offsets.size;
    return n;
  }

  /** Rewrites the file with only the live entries, atomically (write a new file, then rename over). */
  private compact(): void {
    if (this.fd >= 0) closeSync(this.fd);
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    let lines = 0;
    for (const [g, offsets] of this.groups) {
      const chunk: string[] = [];
      for (const [k, v] of offsets) {
        const [t, p] = k.split('\u0000');
        chunk.push(JSON.stringify({ g, t, p: Number(p), o: v.offset, m: v.metadata, ts: v.commitTimestamp }));
      }
      if (chunk.length) writeSync(fd, chunk.join('\n') + '\n');
      lines += chunk.length;
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    this.fd = openSync(this.path, 'a');
    this.lines = lines;
  }

  commit(group: string, entries: { topic: string; partition: number; offset: number; metadata: string | null }[]): void {
    const ts = Date.now();
    this.append(entries.map((e) => ({ g: group, t: e.topic, p: e.partition, o: e.offset, m: e.metadata, ts })));
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(OffsetStore.key(topic, partition));
  }

  /** Every committed offset of a group, as [topic, partition, offset]. */
  all(group: string): { topic: string; partition: number; committed: CommittedOffset }[] {
    const out: { topic: string; partition: number; committed: CommittedOffset }[] = [];
    for (const [k, committed] of this.groups.get(group) ?? []) {
      const [topic, p] = k.split('\u0000');
      out.push({ topic, partition: Number(p), committed });
    }
    return out;
  }

  hasGroup(group: string): boolean {
    return (this.groups.get(group)?.size ?? 0) > 0;
  }

  groupIds(): string[] {
    return [...this.groups.keys()].filter((g) => this.hasGroup(g));
  }

  deleteGroup(group: string): void {
    this.append([{ g: group, deleted: true }]);
  }

  deleteTopic(topic: string): void {
    this.append([{ t: topic, topicDeleted: true }]);
  }

  flush(): void {
    if (!this.dirty || this.fd < 0) return;
    this.dirty = false;
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}
