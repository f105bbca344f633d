import { closeSync, fstatSync, ftruncateSync, fsyncSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BATCH_HEADER_SIZE, BatchHeader, batchCrcIsValid, readBatchHeader } from '../protocol/record-batch';

/** Segment files are named by their base offset, zero-padded so that a directory listing sorts them. */
export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

export interface RecoveryResult {
  /** Bytes cut off the end because they did not form a whole, valid batch (a torn write). */
  readonly truncatedBytes: number;
  /** Headers of every batch kept, in order: the partition rebuilds its producer table from them. */
  readonly headers: BatchHeader[];
}

const SCAN_CHUNK = 1 << 20;

/**
 * One append-only file of whole record batches, exactly as clients sent them (offsets stamped in), plus an
 * in-memory index of batch start positions. Kafka keeps a sparse index file; a dense in-memory index is simpler,
 * costs ~24 bytes per batch, and is rebuilt by scanning the file at start-up.
 */
export class Segment {
  private readonly fd: number;
  private size = 0;
  private readonly batchOffsets: number[] = [];
  private readonly batchPositions: number[] = [];
  private readonly batchMaxTimestamps: number[] = [];
  private nextOffsetValue: number;
  private dirty = false;
  /** Wall-clock time of the first append (or the file's mtime after a restart), for time-based rolling. */
  createdAtMs: number;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
  ) {
    this.fd = openSync(this.path, 'a+');
    this.nextOffsetValue = baseOffset;
    this.createdAtMs = Date.now();
  }

  get path(): string {
    return join(this.dir, segmentFileName(this.baseOffset));
  }

  get sizeBytes(): number {
    return this.size;
  }

  get nextOffset(): number {
    return this.nextOffsetValue;
  }

  get batchCount(): number {
    return this.batchOffsets.length;
  }

  get maxTimestamp(): number {
    let max = -1;
    for (const t of this.batchMaxTimestamps) if (t > max) max = t;
    return max;
  }

  static create(dir: string, baseOffset: number): Segment {
    return new Segment(dir, baseOffset);
  }

  /**
   * Opens an existing file and rebuilds its index. Scanning stops at the first bytes that are not a whole batch
   * with the expected offset (and, when `verifyCrc`, a valid CRC); everything from there on is truncated.
   */
  static recover(dir: string, baseOffset: number, verifyCrc: boolean): { segment: Segment; result: RecoveryResult } {
    const segment = new Segment(dir, baseOffset);
    const stat = fstatSync(segment.fd);
    segment.createdAtMs = stat.mtimeMs;
    const fileSize = stat.size;
    const headers: BatchHeader[] = [];
    let chunk = Buffer.allocUnsafe(SCAN_CHUNK);
    let chunkStart = 0;
    let chunkLength = 0;
    let pos = 0;
    for (;;) {
      if (pos + BATCH_HEADER_SIZE > fileSize) break;
      // Make sure the chunk holds the header, then the whole batch.
      if (pos + BATCH_HEADER_SIZE > chunkStart + chunkLength) {
        chunkStart = pos;
        chunkLength = readSync(segment.fd, chunk, 0, chunk.length, pos);
      }
      const batchLength = chunk.readInt32BE(pos - chunkStart + 8);
      const size = batchLength + 12;
      if (size < BATCH_HEADER_SIZE || pos + size > fileSize) break;
      if (pos + size > chunkStart + chunkLength) {
        if (size > chunk.length) chunk = Buffer.allocUnsafe(size);
        chunkStart = pos;
        chunkLength = readSync(segment.fd, chunk, 0, chunk.length, pos);
      }
      const header = readBatchHeader(chunk, pos - chunkStart, chunkLength);
      if (!header || header.baseOffset !== segment.nextOffsetValue) break;
      if (verifyCrc && !batchCrcIsValid(chunk, header)) break;
      headers.push({ ...header, position: pos });
      segment.indexBatch(header.baseOffset, pos, header.maxTimestamp, header.lastOffsetDelta);
      pos += size;
    }
    segment.size = pos;
    const truncatedBytes = fileSize - pos;
    if (truncatedBytes > 0) {
      // What is cut off is kept beside the segment: a torn write is harmless to keep, and anything else (a batch
      // damaged on disk, or edited) is evidence that must not disappear with the truncation.
      const tail = Buffer.allocUnsafe(truncatedBytes);
      readSync(segment.fd, tail, 0, truncatedBytes, pos);
      writeFileSync(`${segment.path}.truncated-${Date.now()}`, tail);
      ftruncateSync(segment.fd, pos);
      fsyncSync(segment.fd);
    }
    return { segment, result: { truncatedBytes, headers } };
  }

  private indexBatch(baseOffset: number, position: number, maxTimestamp: number, lastOffsetDelta: number): void {
    this.batchOffsets.push(baseOffset);
    this.batchPositions.push(position);
    this.batchMaxTimestamps.push(maxTimestamp);
    this.nextOffsetValue = baseOffset + lastOffsetDelta + 1;
  }

  /**
   * Appends batches whose offsets are already stamped into `records`. The write reaches the OS before this
   * returns, so an acknowledged produce survives the broker being killed; a failed write is rolled back.
   */
  append(records: Buffer, batches: readonly BatchHeader[]): void {
    const start = this.size;
    if (this.batchOffsets.length === 0) this.createdAtMs = Date.now();
    try {
      let written = 0;
      while (written < records.length) written += writeSync(this.fd, records, written, records.length - written);
    } catch (err) {
      try {
        ftruncateSync(this.fd, start);
      } catch {
        // The original error is the one worth reporting.
      }
      throw err;
    }
    for (const b of batches) this.indexBatch(b.baseOffset, start + b.position, b.maxTimestamp, b.lastOffsetDelta);
    this.size += records.length;
    this.dirty = true;
  }

  /** Index of the batch that contains `offset` (the last batch starting at or before it), or -1. */
  private batchIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.batchOffsets.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batchOffsets[mid] <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private batchEnd(i: number): number {
    return i + 1 < this.batchPositions.length ? this.batchPositions[i + 1] : this.size;
  }

  /**
   * Whole batches from the one containing `offset`, up to `maxBytes`; with `atLeastOne` the first batch is
   * returned even when it alone is larger (KIP-74), so a consumer can never get stuck behind a big batch.
   */
  read(offset: number, maxBytes: number, atLeastOne: boolean): Buffer | null {
    if (offset >= this.nextOffsetValue) return null;
    const first = this.batchIndexFor(offset);
    if (first < 0) return null;
    const start = this.batchPositions[first];
    let end = this.batchEnd(first);
    if (end - start > maxBytes && !atLeastOne) return null;
    for (let i = first + 1; i < this.batchPositions.length; i++) {
      const next = this.batchEnd(i);
      if (next - start > maxBytes) break;
      end = next;
    }
    const out = Buffer.allocUnsafe(end - start);
    let got = 0;
    while (got < out.length) {
      const n = readSync(this.fd, out, got, out.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return got === out.length ? out : out.subarray(0, got);
  }

  /** Bytes between the batch containing `offset` and the end of the segment (what a fetch could return). */
  bytesFrom(offset: number): number {
    if (offset >= this.nextOffsetValue) return 0;
    const i = this.batchIndexFor(offset);
    return i < 0 ? this.size : this.size - this.batchPositions[i];
  }

  /** The first batch whose max timestamp reaches `timestamp`, read whole, or null if none does. */
  readBatchAtTimestamp(timestamp: number): Buffer | null {
    const i = this.batchMaxTimestamps.findIndex((t) => t >= timestamp);
    if (i < 0) return null;
    return this.read(this.batchOffsets[i], 0, true);
  }

  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    fsyncSync(this.fd);
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  closeAndDelete(): void {
    closeSync(this.fd);
    rmSync(this.path, { force: true });
  }
}
