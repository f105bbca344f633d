import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, KafkaProtocolError } from '../protocol/error-codes';
import { BatchHeader, assignBaseOffset, firstOffsetAtOrAfter } from '../protocol/record-batch';
import { BrokerLogger } from '../broker-logger';
import { LogConfig } from './log-config';
import { ProducerStateTable } from './producer-state';
import { Segment, segmentFileName } from './segment';

export interface AppendResult {
  readonly baseOffset: number;
  readonly logStartOffset: number;
}

export interface FetchedRecords {
  /** Whole batches, concatenated; the first may start before the requested offset. */
  readonly records: Buffer | null;
  readonly highWatermark: number;
  readonly logStartOffset: number;
}

/** Segments that no longer continue the log are renamed, never deleted: they may be evidence of damage. */
function setAside(path: string): void {
  renameSync(path, `${path}.dropped-${Date.now()}`);
}

/**
 * One partition: an ordered list of segments, the last one active. Single-node, so the high watermark is the
 * log end offset: a batch is committed the moment it is written.
 */
export class PartitionLog {
  private segments: Segment[] = [];
  private readonly producers = new ProducerStateTable();

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    private currentConfig: LogConfig,
    private readonly logger: BrokerLogger,
  ) {}

  /** Opens (recovering) or creates the partition's directory. */
  static open(topic: string, partition: number, dir: string, config: LogConfig, logger: BrokerLogger): PartitionLog {
    const log = new PartitionLog(topic, partition, dir, config, logger);
    mkdirSync(dir, { recursive: true });
    const bases = readdirSync(dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b);
    for (let i = 0; i < bases.length; i++) {
      const isLast = i === bases.length - 1;
      // Only the active segment can hold a torn write; its CRCs are checked, older segments are trusted.
      const { segment, result } = Segment.recover(dir, bases[i], isLast);
      const expected = log.segments.length ? log.segments[log.segments.length - 1].nextOffset : bases[i];
      if (segment.baseOffset !== expected) {
        logger.warn({ topic, partition, segment: segment.path }, 'segment does not continue the log; dropping it and later ones');
        segment.close();
        for (const dropped of bases.slice(i)) setAside(join(dir, segmentFileName(dropped)));
        break;
      }
      log.segments.push(segment);
      for (const h of result.headers) log.producers.record(h, h.baseOffset);
      if (result.truncatedBytes > 0) {
        logger.warn(
          { topic, partition, segment: segment.path, truncatedBytes: result.truncatedBytes },
          'truncated a torn tail left by an interrupted write',
        );
        for (const later of bases.slice(i + 1)) setAside(join(dir, segmentFileName(later)));
        break;
      }
    }
    if (log.segments.length === 0) log.segments.push(Segment.create(dir, 0));
    return log;
  }

  get activeSegment(): Segment {
    return this.segments[this.segments.length - 1];
  }

  get logStartOffset(): number {
    return this.segments[0].baseOffset;
  }

  get highWatermark(): number {
    return this.activeSegment.nextOffset;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.sizeBytes;
    return total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  get config(): LogConfig {
    return this.currentConfig;
  }

  setConfig(config: LogConfig): void {
    this.currentConfig = config;
  }

  /**
   * Validated batches from one produce request. Offsets are stamped in place, then the whole record set is
   * written with one call. A retried idempotent batch is answered with the offset it got the first time.
   */
  append(records: Buffer, batches: readonly BatchHeader[]): AppendResult {
    let duplicateOf: number | null = null;
    for (const b of batches) {
      const check = this.producers.check(b);
      if (check.kind === 'duplicate') duplicateOf ??= check.baseOffset;
    }
    if (duplicateOf !== null) {
      // Producers retry whole requests; with idempotence a partition gets one batch per request.
      return { baseOffset: duplicateOf, logStartOffset: this.logStartOffset };
    }
    this.maybeRoll(records.length);
    const segment = this.activeSegment;
    const baseOffset = segment.nextOffset;
    let next = baseOffset;
    const stamped: BatchHeader[] = [];
    for (const b of batches) {
      assignBaseOffset(records, b.position, next);
      stamped.push({ ...b, baseOffset: next });
      next += b.lastOffsetDelta + 1;
    }
    try {
      segment.append(records, stamped);
    } catch (err) {
      this.logger.error({ topic: this.topic, partition: this.partition, err }, 'write to the log failed');
      throw new KafkaProtocolError(ErrorCode.KafkaStorageError, `cannot write to the log: ${(err as Error).message}`);
    }
    for (const b of stamped) this.producers.record(b, b.baseOffset);
    return { baseOffset, logStartOffset: this.logStartOffset };
  }

  private maybeRoll(incomingBytes: number): void {
    const active = this.activeSegment;
    if (active.batchCount === 0) return;
    const full = active.sizeBytes + incomingBytes > this.currentConfig.segmentBytes;
    const old = Date.now() - active.createdAtMs >= this.currentConfig.segmentMs;
    if (full || old) this.segments.push(Segment.create(this.dir, active.nextOffset));
  }

  /** Reads from `offset`; throws OFFSET_OUT_OF_RANGE for offsets outside [logStart, highWatermark]. */
  read(offset: number, maxBytes: number, atLeastOne: boolean): FetchedRecords {
    const highWatermark = this.highWatermark;
    const logStartOffset = this.logStartOffset;
    if (offset < logStartOffset || offset > highWatermark) {
      throw new KafkaProtocolError(
        ErrorCode.OffsetOutOfRange,
        `offset ${offset} is outside [${logStartOffset}, ${highWatermark}] of ${this.topic}-${this.partition}`,
      );
    }
    const segment = this.segmentFor(offset);
    const records = segment ? segment.read(offset, maxBytes, atLeastOne) : null;
    return { records, highWatermark, logStartOffset };
  }

  /** Bytes a fetch from `offset` could return now; used to decide whether a long-poll can be answered. */
  bytesAvailable(offset: number): number {
    if (offset >= this.highWatermark) return 0;
    const segment = this.segmentFor(offset);
    return segment ? segment.bytesFrom(Math.max(offset, this.logStartOffset)) : 0;
  }

  private segmentFor(offset: number): Segment | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      if (this.segments[i].baseOffset <= offset) {
        // An offset at the very end of a rolled segment belongs to the next one.
        const s = this.segments[i];
        if (offset >= s.nextOffset && i + 1 < this.segments.length) return this.segments[i + 1];
        return s;
      }
    }
    return this.segments[0];
  }

  /** ListOffsets by timestamp: the first offset whose record timestamp is ≥ `timestamp`, or -1 if none. */
  offsetForTimestamp(timestamp: number): number {
    for (const s of this.segments) {
      if (s.maxTimestamp < timestamp) continue;
      const batch = s.readBatchAtTimestamp(timestamp);
      if (batch) return firstOffsetAtOrAfter(batch, timestamp);
    }
    return -1;
  }

  /** Deletes whole old segments beyond the size or age limit; never the active one. */
  applyRetention(now: number): number {
    let deleted = 0;
    const active = this.activeSegment;
    if (this.currentConfig.retentionMs >= 0 && active.batchCount > 0 && now - this.newestTimestamp(active) > this.currentConfig.retentionMs) {
      // Everything is expired: roll an empty segment so that the old active one can go too.
      this.segments.push(Segment.create(this.dir, active.nextOffset));
    }
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      const { retentionBytes, retentionMs } = this.currentConfig;
      const overSize = retentionBytes >= 0 && this.sizeBytes - oldest.sizeBytes >= retentionBytes;
      const expired = retentionMs >= 0 && now - this.newestTimestamp(oldest) > retentionMs;
      if (!overSize && !expired) break;
      this.segments.shift();
      oldest.closeAndDelete();
      deleted++;
    }
    if (deleted > 0) {
      this.logger.info(
        { topic: this.topic, partition: this.partition, deletedSegments: deleted, logStartOffset: this.logStartOffset },
        'retention deleted old segments',
      );
    }
    return deleted;
  }

  /** Record timestamps decide age, as in Kafka; a segment without usable ones falls back to its file time. */
  private newestTimestamp(segment: Segment): number {
    const t = segment.maxTimestamp;
    return t > 0 ? t : segment.createdAtMs;
  }

  flush(): void {
    for (const s of this.segments) s.flush();
  }

  close(): void {
    for (const s of this.segments) s.close();
  }
}
