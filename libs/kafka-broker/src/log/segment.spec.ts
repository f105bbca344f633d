import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_BASE_TIMESTAMP, TestBatch, producedRecords } from '../testing/record-batches';
import { readBatchHeader } from '../protocol/record-batch';
import { Segment, segmentFileName } from './segment';

/** Appends one record set whose batches already carry their offsets, as PartitionLog does after stamping. */
function append(segment: Segment, ...specs: TestBatch[]): Buffer {
  const { records, batches } = producedRecords(...specs);
  segment.append(records, batches);
  return records;
}

/** Base offsets of the whole batches in a read result. */
function baseOffsets(buf: Buffer | null): number[] {
  const out: number[] = [];
  let pos = 0;
  while (buf && pos < buf.length) {
    const h = readBatchHeader(buf, pos);
    if (!h) throw new Error(`not a whole batch at ${pos}`);
    out.push(h.baseOffset);
    pos += h.size;
  }
  return out;
}

describe('Segment', () => {
  let dir: string;
  const open: Segment[] = [];
  const track = (s: Segment): Segment => {
    open.push(s);
    return s;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-segment-'));
  });

  afterEach(() => {
    for (const s of open.splice(0)) {
      try {
        s.close();
      } catch {
        // already closed by the test
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('names files by zero-padded base offset', () => {
    expect(segmentFileName(0)).toBe('00000000000000000000.log');
    expect(segmentFileName(1234)).toBe('00000000000000001234.log');
  });

  describe('append and read', () => {
    let segment: Segment;
    let a: Buffer; // offsets 0..2
    let b: Buffer; // offset 3
    let c: Buffer; // offsets 4..5

    beforeEach(() => {
      segment = track(Segment.create(dir, 0));
      a = append(segment, { baseOffset: 0, records: ['a0', 'a1', 'a2'], baseTimestamp: 1000 });
      b = append(segment, { baseOffset: 3, records: ['b'.repeat(100)], baseTimestamp: 3000 });
      c = append(segment, { baseOffset: 4, records: ['c4', 'c5'], baseTimestamp: 2000 });
    });

    it('tracks the next offset, batch count, size and file contents', () => {
      expect(segment.nextOffset).toBe(6);
      expect(segment.batchCount).toBe(3);
      expect(segment.sizeBytes).toBe(a.length + b.length + c.length);
      expect(segment.maxTimestamp).toBe(3000);
      expect(readFileSync(segment.path).equals(Buffer.concat([a, b, c]))).toBe(true);
    });

    it('reads whole batches starting with the one that contains the offset', () => {
      expect(segment.read(0, 1 << 20, false)!.equals(Buffer.concat([a, b, c]))).toBe(true);
      expect(baseOffsets(segment.read(2, 1 << 20, false))).toEqual([0, 3, 4]);
      expect(segment.read(3, 1 << 20, false)!.equals(Buffer.concat([b, c]))).toBe(true);
      expect(baseOffsets(segment.read(5, 1 << 20, false))).toEqual([4]);
    });

    it('returns null at or beyond the next offset', () => {
      expect(segment.read(6, 1 << 20, true)).toBeNull();
      expect(segment.read(100, 1 << 20, true)).toBeNull();
    });

    it('stops before the batch that would exceed maxBytes', () => {
      expect(baseOffsets(segment.read(0, a.length + b.length, false))).toEqual([0, 3]);
      expect(baseOffsets(segment.read(0, a.length + b.length - 1, false))).toEqual([0]);
      expect(baseOffsets(segment.read(0, a.length, false))).toEqual([0]);
      expect(baseOffsets(segment.read(3, b.length + c.length - 1, false))).toEqual([3]);
    });

    it('returns the first batch even when it alone exceeds maxBytes, only with atLeastOne (KIP-74)', () => {
      expect(segment.read(3, b.length - 1, false)).toBeNull();
      expect(segment.read(3, b.length - 1, true)!.equals(b)).toBe(true);
      expect(segment.read(0, 0, true)!.equals(a)).toBe(true);
    });

    it('counts the bytes a fetch could return from an offset', () => {
      expect(segment.bytesFrom(0)).toBe(a.length + b.length + c.length);
      expect(segment.bytesFrom(4)).toBe(c.length);
      expect(segment.bytesFrom(5)).toBe(c.length);
      expect(segment.bytesFrom(6)).toBe(0);
    });

    it('finds the first batch whose max timestamp reaches a timestamp', () => {
      expect(segment.readBatchAtTimestamp(500)!.equals(a)).toBe(true);
      expect(segment.readBatchAtTimestamp(1500)!.equals(b)).toBe(true);
      expect(segment.readBatchAtTimestamp(3000)!.equals(b)).toBe(true);
      expect(segment.readBatchAtTimestamp(3001)).toBeNull();
    });
  });

  it('returns null for offsets below its base', () => {
    const segment = track(Segment.create(dir, 10));
    append(segment, { baseOffset: 10, records: ['x'] });
    expect(segment.read(9, 1000, true)).toBeNull();
    expect(segment.read(10, 1000, true)).not.toBeNull();
    expect(segment.nextOffset).toBe(11);
  });

  it('reports -1 as the max timestamp of an empty segment', () => {
    const segment = track(Segment.create(dir, 0));
    expect(segment.maxTimestamp).toBe(-1);
    expect(segment.batchCount).toBe(0);
    expect(segment.read(0, 1000, true)).toBeNull();
  });

  describe('recovery', () => {
    function writeThree(): { segment: Segment; whole: Buffer; sizes: number[] } {
      const segment = Segment.create(dir, 5);
      const parts = [
        append(segment, { baseOffset: 5, records: ['a', 'b'] }),
        append(segment, { baseOffset: 7, records: ['c'] }),
        append(segment, { baseOffset: 8, records: ['d', 'e', 'f'], baseTimestamp: TEST_BASE_TIMESTAMP + 9 }),
      ];
      segment.close();
      return { segment, whole: Buffer.concat(parts), sizes: parts.map((p) => p.length) };
    }

    it('rebuilds the index of a clean file', () => {
      const { whole, sizes } = writeThree();
      const { segment, result } = Segment.recover(dir, 5, true);
      track(segment);
      expect(result.truncatedBytes).toBe(0);
      expect(result.headers.map((h) => [h.baseOffset, h.position])).toEqual([
        [5, 0],
        [7, sizes[0]],
        [8, sizes[0] + sizes[1]],
      ]);
      expect(segment.nextOffset).toBe(11);
      expect(segment.batchCount).toBe(3);
      expect(segment.sizeBytes).toBe(whole.length);
      expect(segment.maxTimestamp).toBe(TEST_BASE_TIMESTAMP + 9);
      expect(segment.read(7, 1 << 20, false)!.equals(whole.subarray(sizes[0]))).toBe(true);
      expect(segment.createdAtMs).toBe(statSync(segment.path).mtimeMs);
    });

    it('appends after the recovered batches', () => {
      writeThree();
      const { segment } = Segment.recover(dir, 5, true);
      track(segment);
      const d = append(segment, { baseOffset: 11, records: ['g'] });
      expect(segment.nextOffset).toBe(12);
      expect(segment.read(11, 1000, false)!.equals(d)).toBe(true);
    });

    it('truncates garbage after the last whole batch', () => {
      const { whole } = writeThree();
      const path = join(dir, segmentFileName(5));
      appendFileSync(path, Buffer.alloc(30, 0xee));
      const { segment, result } = Segment.recover(dir, 5, true);
      track(segment);
      expect(result.truncatedBytes).toBe(30);
      expect(result.headers).toHaveLength(3);
      expect(statSync(path).size).toBe(whole.length);
      expect(segment.nextOffset).toBe(11);
      // New appends land right after the last whole batch, not after the cut garbage.
      const next = append(segment, { baseOffset: 11, records: ['g'] });
      expect(readFileSync(path).equals(Buffer.concat([whole, next]))).toBe(true);
    });

    it('truncates a partially written batch (header complete, body missing)', () => {
      const { whole } = writeThree();
      const path = join(dir, segmentFileName(5));
      const partial = producedRecords({ baseOffset: 11, records: ['g'.repeat(200)] }).records;
      appendFileSync(path, partial.subarray(0, partial.length - 50));
      const { segment, result } = Segment.recover(dir, 5, true);
      track(segment);
      expect(result.truncatedBytes).toBe(partial.length - 50);
      expect(statSync(path).size).toBe(whole.length);
      expect(segment.nextOffset).toBe(11);
    });

    it('truncates from a batch whose CRC fails when asked to verify, and keeps it otherwise', () => {
      const { whole, sizes } = writeThree();
      const path = join(dir, segmentFileName(5));
      const bytes = readFileSync(path);
      bytes[bytes.length - 3] ^= 0x55; // inside the last batch's records
      writeFileSync(path, bytes);

      const trusted = Segment.recover(dir, 5, false);
      expect(trusted.result.truncatedBytes).toBe(0);
      expect(trusted.segment.nextOffset).toBe(11);
      trusted.segment.close();

      const { segment, result } = Segment.recover(dir, 5, true);
      track(segment);
      expect(result.truncatedBytes).toBe(sizes[2]);
      expect(segment.nextOffset).toBe(8);
      expect(segment.batchCount).toBe(2);
      expect(statSync(path).size).toBe(whole.length - sizes[2]);
    });

    it('stops at a batch that does not continue the offsets', () => {
      const { whole } = writeThree();
      const path = join(dir, segmentFileName(5));
      const stray = producedRecords({ baseOffset: 40, records: ['x'] }).records;
      appendFileSync(path, stray);
      const { segment, result } = Segment.recover(dir, 5, true);
      track(segment);
      expect(result.truncatedBytes).toBe(stray.length);
      expect(segment.nextOffset).toBe(11);
      expect(statSync(path).size).toBe(whole.length);
    });

    it('recovers an empty file as an empty segment', () => {
      writeFileSync(join(dir, segmentFileName(3)), '');
      const { segment, result } = Segment.recover(dir, 3, true);
      track(segment);
      expect(result).toEqual({ truncatedBytes: 0, headers: [] });
      expect(segment.nextOffset).toBe(3);
      expect(segment.sizeBytes).toBe(0);
    });

    it('scans files larger than its read chunk, with batches across chunk borders and larger than a chunk', () => {
      const segment = Segment.create(dir, 0);
      const big = 'x'.repeat(300_000);
      const parts: Buffer[] = [];
      let next = 0;
      for (let i = 0; i < 5; i++) {
        parts.push(append(segment, { baseOffset: next, records: [big, 'y'] }));
        next += 2;
      }
      parts.push(append(segment, { baseOffset: next, records: ['z'.repeat(1_500_000)] })); // > 1 MiB chunk
      next += 1;
      parts.push(append(segment, { baseOffset: next, records: ['tail'] }));
      next += 1;
      segment.close();
      const whole = Buffer.concat(parts);
      appendFileSync(segment.path, Buffer.alloc(7, 1));

      const recovered = Segment.recover(dir, 0, true);
      track(recovered.segment);
      expect(recovered.result.truncatedBytes).toBe(7);
      expect(recovered.result.headers).toHaveLength(7);
      expect(recovered.segment.nextOffset).toBe(next);
      expect(recovered.segment.sizeBytes).toBe(whole.length);
      expect(recovered.segment.read(10, 0, true)!.equals(parts[5])).toBe(true);
      expect(recovered.segment.read(11, 1 << 20, false)!.equals(parts[6])).toBe(true);
    });
  });

  it('deletes its file', () => {
    const segment = Segment.create(dir, 0);
    append(segment, { baseOffset: 0 });
    segment.closeAndDelete();
    expect(() => statSync(segment.path)).toThrow(/ENOENT/);
  });
});
