import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerLogger } from '../broker-logger';
import { ErrorCode, KafkaProtocolError } from '../protocol/error-codes';
import { readBatchHeader } from '../protocol/record-batch';
import { TEST_BASE_TIMESTAMP, TestBatch, encodeBatch, producedRecords } from '../testing/record-batches';
import { LogConfig } from './log-config';
import { AppendResult, PartitionLog } from './partition-log';
import { segmentFileName } from './segment';

const BIG: LogConfig = {
  segmentBytes: 1 << 30,
  segmentMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  retentionMs: -1,
  maxMessageBytes: 1 << 20,
};

/** Every batch built from this spec has the same size, so segment sizes can be planned. */
const ONE = (value = 'r0', baseTimestamp = TEST_BASE_TIMESTAMP): TestBatch => ({ records: [value], baseTimestamp });
const BATCH_SIZE = encodeBatch(ONE()).length;

function recordingLogger(): BrokerLogger & { [K in keyof BrokerLogger]: jest.Mock } {
  return { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

function produce(log: PartitionLog, ...specs: TestBatch[]): AppendResult {
  const { records, batches } = producedRecords(...specs);
  return log.append(records, batches);
}

function baseOffsets(buf: Buffer | null): number[] {
  const out: number[] = [];
  let pos = 0;
  while (buf && pos < buf.length) {
    const h = readBatchHeader(buf, pos)!;
    out.push(h.baseOffset);
    pos += h.size;
  }
  return out;
}

function codeOf(run: () => unknown): ErrorCode | string {
  try {
    run();
  } catch (err) {
    return err instanceof KafkaProtocolError ? err.code : String(err);
  }
  return 'no error';
}

describe('PartitionLog', () => {
  let dir: string;
  let logger: ReturnType<typeof recordingLogger>;
  let log: PartitionLog | undefined;

  const openLog = (config: Partial<LogConfig> = {}): PartitionLog => {
    log = PartitionLog.open('orders', 0, dir, { ...BIG, ...config }, logger);
    return log;
  };
  const reopen = (config: Partial<LogConfig> = {}): PartitionLog => {
    log?.close();
    return openLog(config);
  };
  /** Segment files only; bytes cut off or set aside by recovery are kept beside them under other names. */
  const files = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  const setAside = (): string[] => readdirSync(dir).filter((f) => !f.endsWith('.log')).sort();
  const lastSegmentPath = (l: PartitionLog): string => join(dir, segmentFileName(l.activeSegment.baseOffset));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-partition-'));
    logger = recordingLogger();
    log = undefined;
  });

  afterEach(() => {
    jest.restoreAllMocks();
    log?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('append and read', () => {
    it('starts empty, with one segment at offset 0', () => {
      const l = openLog();
      expect([l.logStartOffset, l.highWatermark, l.segmentCount, l.sizeBytes]).toEqual([0, 0, 1, 0]);
      expect(files()).toEqual([segmentFileName(0)]);
    });

    it('assigns consecutive offsets by record count and stamps them into the stored batches', () => {
      const l = openLog();
      expect(produce(l, { records: ['a', 'b', 'c'], baseOffset: 999, partitionLeaderEpoch: 7 })).toEqual({ baseOffset: 0, logStartOffset: 0 });
      expect(produce(l, { records: ['d'] }).baseOffset).toBe(3);
      // Two batches in one request get consecutive ranges.
      expect(produce(l, { records: ['e', 'f'] }, { records: ['g', 'h'] }).baseOffset).toBe(4);
      expect(l.highWatermark).toBe(8);

      const { records, highWatermark, logStartOffset } = l.read(0, 1 << 20, false);
      expect([highWatermark, logStartOffset]).toEqual([8, 0]);
      expect(baseOffsets(records)).toEqual([0, 3, 4, 6]);
      expect(records!.readInt32BE(12)).toBe(0); // partition leader epoch reset by the broker
      expect(readFileSync(lastSegmentPath(l)).equals(records!)).toBe(true);
    });

    it('reads from the batch containing the offset; at the high watermark there is nothing, beyond it an error', () => {
      const l = openLog();
      produce(l, { records: ['a', 'b'] });
      produce(l, { records: ['c'] });
      expect(baseOffsets(l.read(1, 1 << 20, false).records)).toEqual([0, 2]);
      expect(baseOffsets(l.read(2, 1 << 20, false).records)).toEqual([2]);
      expect(l.read(3, 1 << 20, false)).toEqual({ records: null, highWatermark: 3, logStartOffset: 0 });
      expect(codeOf(() => l.read(4, 1 << 20, false))).toBe(ErrorCode.OffsetOutOfRange);
      expect(codeOf(() => l.read(-1, 1 << 20, false))).toBe(ErrorCode.OffsetOutOfRange);
      expect(ErrorCode.OffsetOutOfRange).toBe(1);
    });

    it('returns one whole batch larger than maxBytes only when at least one is asked for (KIP-74)', () => {
      const l = openLog();
      produce(l, { records: ['x'.repeat(1000)] });
      produce(l, ONE());
      const first = l.read(0, 10, true).records!;
      expect(baseOffsets(first)).toEqual([0]);
      expect(first.length).toBeGreaterThan(1000);
      expect(l.read(0, 10, false).records).toBeNull();
      expect(baseOffsets(l.read(0, first.length + BATCH_SIZE - 1, false).records)).toEqual([0]);
      expect(baseOffsets(l.read(0, first.length + BATCH_SIZE, false).records)).toEqual([0, 1]);
    });

    it('reports how many bytes a fetch could return', () => {
      const l = openLog();
      produce(l, ONE());
      produce(l, ONE());
      expect(l.bytesAvailable(0)).toBe(2 * BATCH_SIZE);
      expect(l.bytesAvailable(1)).toBe(BATCH_SIZE);
      expect(l.bytesAvailable(2)).toBe(0);
      expect(l.bytesAvailable(50)).toBe(0);
    });
  });

  describe('segment rolling', () => {
    it('rolls when the active segment would exceed segmentBytes; reads stop at a segment border', () => {
      const l = openLog({ segmentBytes: 2 * BATCH_SIZE + BATCH_SIZE / 2 });
      for (let i = 0; i < 5; i++) expect(produce(l, ONE(`r${i}`)).baseOffset).toBe(i);
      expect(l.segmentCount).toBe(3);
      expect(files()).toEqual([segmentFileName(0), segmentFileName(2), segmentFileName(4)]);
      expect(l.sizeBytes).toBe(5 * BATCH_SIZE);
      expect(baseOffsets(l.read(0, 1 << 20, false).records)).toEqual([0, 1]);
      expect(baseOffsets(l.read(2, 1 << 20, false).records)).toEqual([2, 3]);
      expect(baseOffsets(l.read(3, 1 << 20, false).records)).toEqual([3]);
      expect(baseOffsets(l.read(4, 1 << 20, false).records)).toEqual([4]);
      expect(l.bytesAvailable(2)).toBe(2 * BATCH_SIZE);
      expect(l.highWatermark).toBe(5);
    });

    it('never rolls an empty segment, even for a batch larger than segmentBytes', () => {
      const l = openLog({ segmentBytes: 10 });
      produce(l, ONE());
      expect(l.segmentCount).toBe(1);
      produce(l, ONE());
      expect(l.segmentCount).toBe(2);
    });

    it('rolls once the first batch of the active segment is segmentMs old', () => {
      const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
      const l = openLog({ segmentMs: 1000 });
      produce(l, ONE());
      now.mockReturnValue(1_000_999);
      produce(l, ONE());
      expect(l.segmentCount).toBe(1);
      now.mockReturnValue(1_001_000);
      produce(l, ONE());
      expect(l.segmentCount).toBe(2);
      expect(l.activeSegment.baseOffset).toBe(2);
    });

    it('follows a new config', () => {
      const l = openLog();
      produce(l, ONE());
      l.setConfig({ ...BIG, segmentBytes: BATCH_SIZE });
      expect(l.config.segmentBytes).toBe(BATCH_SIZE);
      produce(l, ONE());
      expect(l.segmentCount).toBe(2);
    });
  });

  describe('recovery', () => {
    it('reopens with the same segments, high watermark and bytes, and keeps appending', () => {
      let l = openLog({ segmentBytes: 2 * BATCH_SIZE });
      for (let i = 0; i < 5; i++) produce(l, ONE(`r${i}`));
      const before = l.read(0, 1 << 20, false).records!;
      const later = l.read(2, 1 << 20, false).records!;
      l = reopen({ segmentBytes: 2 * BATCH_SIZE });
      expect([l.logStartOffset, l.highWatermark, l.segmentCount, l.sizeBytes]).toEqual([0, 5, 3, 5 * BATCH_SIZE]);
      expect(l.read(0, 1 << 20, false).records!.equals(before)).toBe(true);
      expect(l.read(2, 1 << 20, false).records!.equals(later)).toBe(true);
      expect(logger.warn).not.toHaveBeenCalled();
      expect(produce(l, ONE()).baseOffset).toBe(5);
    });

    it('truncates garbage at the end of the last segment and logs a warning', () => {
      let l = openLog();
      produce(l, { records: ['a', 'b'] });
      produce(l, ONE());
      const path = lastSegmentPath(l);
      const size = l.sizeBytes;
      l.close();
      log = undefined;
      appendFileSync(path, Buffer.from('torn write!'));

      l = openLog();
      expect(l.highWatermark).toBe(3);
      expect(statSync(path).size).toBe(size);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.objectContaining({ topic: 'orders', partition: 0, truncatedBytes: 11 }),
        'truncated a torn tail left by an interrupted write',
      );
      expect(produce(l, ONE()).baseOffset).toBe(3);
      expect(baseOffsets(l.read(0, 1 << 20, false).records)).toEqual([0, 2, 3]);
    });

    it('truncates a half-written batch', () => {
      let l = openLog();
      produce(l, ONE());
      const path = lastSegmentPath(l);
      l.close();
      log = undefined;
      const next = producedRecords({ baseOffset: 1, records: ['y'.repeat(500)] }).records;
      appendFileSync(path, next.subarray(0, 100));

      l = openLog();
      expect(l.highWatermark).toBe(1);
      expect(statSync(path).size).toBe(BATCH_SIZE);
      expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ truncatedBytes: 100 }), expect.any(String));
    });

    it('truncates the last segment from a batch whose CRC fails', () => {
      let l = openLog({ segmentBytes: 2 * BATCH_SIZE });
      for (let i = 0; i < 4; i++) produce(l, { records: [`v${i}`, `w${i}`] }); // 2 records each
      const path = lastSegmentPath(l);
      const activeBase = l.activeSegment.baseOffset;
      l.close();
      log = undefined;
      const bytes = readFileSync(path);
      bytes[bytes.length - 4] ^= 0x20;
      writeFileSync(path, bytes);

      l = openLog({ segmentBytes: 2 * BATCH_SIZE });
      expect(l.highWatermark).toBe(6);
      expect(l.activeSegment.baseOffset).toBe(activeBase);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(produce(l, ONE()).baseOffset).toBe(6);
    });

    it('drops a segment file that does not continue the log', () => {
      let l = openLog();
      produce(l, ONE());
      l.close();
      log = undefined;
      const stray = join(dir, segmentFileName(100));
      writeFileSync(stray, producedRecords({ baseOffset: 100, records: ['x'] }).records);

      l = openLog();
      expect(l.highWatermark).toBe(1);
      expect(l.segmentCount).toBe(1);
      expect(existsSync(stray)).toBe(false);
      expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ segment: stray }), expect.stringContaining('does not continue'));
    });

    it('keeps the log contiguous: a torn middle segment drops the segments after it', () => {
      let l = openLog({ segmentBytes: BATCH_SIZE });
      for (let i = 0; i < 3; i++) produce(l, ONE());
      expect(files()).toEqual([0, 1, 2].map(segmentFileName));
      l.close();
      log = undefined;
      appendFileSync(join(dir, segmentFileName(1)), Buffer.alloc(5));

      l = openLog({ segmentBytes: BATCH_SIZE });
      expect(l.highWatermark).toBe(2);
      expect(files()).toEqual([0, 1].map(segmentFileName));
      // Nothing is destroyed: the torn bytes and the segment after them are kept under other names.
      expect(setAside()).toEqual([expect.stringMatching(new RegExp(`^${segmentFileName(1)}\\.truncated-\\d+$`)), expect.stringMatching(new RegExp(`^${segmentFileName(2)}\\.dropped-\\d+$`))]);
      expect(produce(l, ONE()).baseOffset).toBe(2);
    });
  });

  describe('retention', () => {
    /** One batch per segment: segmentBytes equal to a batch makes every append after the first roll. */
    function fourSegments(config: Partial<LogConfig>, timestamps = [0, 0, 0, 0]): PartitionLog {
      const l = openLog({ segmentBytes: BATCH_SIZE, ...config });
      timestamps.forEach((t, i) => produce(l, ONE(`r${i}`, TEST_BASE_TIMESTAMP + t)));
      expect(l.segmentCount).toBe(4);
      return l;
    }

    it('by bytes: deletes the oldest whole segments while the rest still hold retentionBytes', () => {
      const l = fourSegments({ retentionBytes: 2 * BATCH_SIZE });
      expect(l.applyRetention(Date.now())).toBe(2);
      expect([l.segmentCount, l.logStartOffset, l.highWatermark, l.sizeBytes]).toEqual([2, 2, 4, 2 * BATCH_SIZE]);
      expect(files()).toEqual([2, 3].map(segmentFileName));
      expect(codeOf(() => l.read(1, 1 << 20, false))).toBe(ErrorCode.OffsetOutOfRange);
      expect(baseOffsets(l.read(2, 1 << 20, false).records)).toEqual([2]);
      expect(logger.info).toHaveBeenCalledWith(expect.objectContaining({ deletedSegments: 2, logStartOffset: 2 }), 'retention deleted old segments');
      expect(l.applyRetention(Date.now())).toBe(0);
    });

    it('by bytes: never deletes the active segment', () => {
      const l = fourSegments({ retentionBytes: 0 });
      expect(l.applyRetention(Date.now())).toBe(3);
      expect([l.segmentCount, l.logStartOffset, l.highWatermark]).toEqual([1, 3, 4]);
      expect(l.applyRetention(Date.now())).toBe(0);
    });

    it('by time: deletes non-active segments whose newest record is older than retentionMs', () => {
      const l = fourSegments({ retentionMs: 10_000 }, [0, 1000, 2000, 60_000]);
      const t = TEST_BASE_TIMESTAMP;
      expect(l.applyRetention(t + 1000 + 10_000)).toBe(1); // exactly retentionMs old is kept
      expect(l.logStartOffset).toBe(1);
      expect(l.applyRetention(t + 2000 + 10_001)).toBe(2);
      expect([l.segmentCount, l.logStartOffset, l.highWatermark]).toEqual([1, 3, 4]);
      expect(files()).toEqual([segmentFileName(3)]);
    });

    it('by time: a segment is kept while its newest record is young, whatever its older ones', () => {
      const l = openLog({ segmentBytes: 2 * BATCH_SIZE, retentionMs: 10_000 });
      const t = TEST_BASE_TIMESTAMP;
      produce(l, ONE('a', t)); // old
      produce(l, ONE('b', t + 50_000)); // young, same segment
      produce(l, ONE('c', t));
      expect(l.segmentCount).toBe(2);
      expect(l.applyRetention(t + 20_000)).toBe(0);
      expect(l.logStartOffset).toBe(0);
    });

    it('by time: when even the active segment has expired, rolls an empty one and deletes the rest', () => {
      let l = fourSegments({ retentionMs: 10_000 });
      expect(l.applyRetention(TEST_BASE_TIMESTAMP + 10_001)).toBe(4);
      expect([l.segmentCount, l.logStartOffset, l.highWatermark, l.sizeBytes]).toEqual([1, 4, 4, 0]);
      expect(files()).toEqual([segmentFileName(4)]);
      expect(l.read(4, 1 << 20, true).records).toBeNull();
      expect(codeOf(() => l.read(3, 1 << 20, true))).toBe(ErrorCode.OffsetOutOfRange);
      expect(produce(l, ONE()).baseOffset).toBe(4);
      l = reopen({ segmentBytes: BATCH_SIZE, retentionMs: 10_000 });
      expect([l.logStartOffset, l.highWatermark]).toEqual([4, 5]);
    });

    it('keeps everything with both limits off', () => {
      const l = fourSegments({});
      expect(l.applyRetention(Number.MAX_SAFE_INTEGER)).toBe(0);
      expect(l.segmentCount).toBe(4);
      expect(logger.info).not.toHaveBeenCalled();
    });

    it('survives a reopen after retention', () => {
      let l = fourSegments({ retentionBytes: BATCH_SIZE });
      l.applyRetention(Date.now());
      l = reopen({ segmentBytes: BATCH_SIZE });
      expect([l.logStartOffset, l.highWatermark, l.segmentCount]).toEqual([3, 4, 1]);
      expect(logger.warn).not.toHaveBeenCalled();
    });
  });

  describe('idempotent producers', () => {
    const idem = (baseSequence: number, values: string[], producerEpoch = 0): TestBatch => ({
      records: values,
      producerId: 4000,
      producerEpoch,
      baseSequence,
    });

    it('answers a retried batch with its original offset and writes nothing', () => {
      const l = openLog();
      expect(produce(l, idem(0, ['a', 'b', 'c'])).baseOffset).toBe(0);
      expect(produce(l, idem(3, ['d'])).baseOffset).toBe(3);
      const size = l.sizeBytes;
      expect(produce(l, idem(0, ['a', 'b', 'c']))).toEqual({ baseOffset: 0, logStartOffset: 0 });
      expect(produce(l, idem(3, ['d'])).baseOffset).toBe(3);
      expect([l.highWatermark, l.sizeBytes]).toEqual([4, size]);
      expect(codeOf(() => produce(l, idem(9, ['x'])))).toBe(ErrorCode.OutOfOrderSequenceNumber);
      expect(codeOf(() => produce(l, { ...idem(4, ['x']), producerEpoch: -1 }))).toBe(ErrorCode.InvalidProducerEpoch);
      expect(l.highWatermark).toBe(4);
    });

    it('rebuilds the producer table on reopen: a retry after a restart is still a duplicate', () => {
      let l = openLog({ segmentBytes: 2 * BATCH_SIZE });
      produce(l, idem(0, ['a', 'b']));
      produce(l, idem(2, ['c']));
      produce(l, ONE()); // a non-idempotent batch in between
      produce(l, idem(3, ['d', 'e']));
      expect(l.segmentCount).toBeGreaterThan(1);
      l = reopen({ segmentBytes: 2 * BATCH_SIZE });

      expect(produce(l, idem(3, ['d', 'e']))).toEqual({ baseOffset: 4, logStartOffset: 0 });
      expect(produce(l, idem(2, ['c'])).baseOffset).toBe(2);
      expect(l.highWatermark).toBe(6);
      expect(codeOf(() => produce(l, idem(7, ['x'])))).toBe(ErrorCode.OutOfOrderSequenceNumber);
      expect(produce(l, idem(5, ['f'])).baseOffset).toBe(6);
      expect(l.highWatermark).toBe(7);
    });

    it('does not remember batches that were truncated away as a torn tail', () => {
      let l = openLog();
      produce(l, idem(0, ['a']));
      produce(l, idem(1, ['b']));
      const path = lastSegmentPath(l);
      l.close();
      log = undefined;
      const bytes = readFileSync(path);
      bytes[bytes.length - 2] ^= 1; // break the CRC of the second batch
      writeFileSync(path, bytes);

      l = openLog();
      expect(l.highWatermark).toBe(1);
      // The retry of sequence 1 must be written again, not answered from a batch that is gone.
      expect(produce(l, idem(1, ['b'])).baseOffset).toBe(1);
      expect(l.highWatermark).toBe(2);
    });
  });

  describe('offsetForTimestamp', () => {
    it('finds the first record at or after a timestamp across batches and segments, or -1', () => {
      const l = openLog({ segmentBytes: 1 });
      const t = 5_000_000;
      produce(l, { baseTimestamp: t, records: [{ value: 'a', timestampDelta: 0 }, { value: 'b', timestampDelta: 10 }, { value: 'c', timestampDelta: 20 }] });
      produce(l, { baseTimestamp: t + 30, records: [{ value: 'd', timestampDelta: 0 }, { value: 'e', timestampDelta: 10 }] });
      expect(l.segmentCount).toBe(2);
      expect(l.offsetForTimestamp(t - 5)).toBe(0);
      expect(l.offsetForTimestamp(t + 10)).toBe(1);
      expect(l.offsetForTimestamp(t + 15)).toBe(2);
      expect(l.offsetForTimestamp(t + 21)).toBe(3);
      expect(l.offsetForTimestamp(t + 35)).toBe(4);
      expect(l.offsetForTimestamp(t + 40)).toBe(4);
      expect(l.offsetForTimestamp(t + 41)).toBe(-1);
    });

    it('answers -1 for an empty log', () => {
      expect(openLog().offsetForTimestamp(0)).toBe(-1);
    });
  });
});
