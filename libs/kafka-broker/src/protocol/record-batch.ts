import { crc32c } from '@node-rs/crc32';
import { ErrorCode, KafkaProtocolError } from './error-codes';

/**
 * RecordBatch v2 header layout (KAFKA-BROKER.md). The broker stores client batches as bytes: it rewrites
 * only baseOffset and partitionLeaderEpoch, which lie outside the CRC, so compressed batches need no decoding.
 */
export const BATCH_HEADER_SIZE = 61;
const LOG_OVERHEAD = 12; // baseOffset + batchLength
const OFF_BATCH_LENGTH = 8;
const OFF_LEADER_EPOCH = 12;
const OFF_MAGIC = 16;
const OFF_CRC = 17;
const OFF_ATTRIBUTES = 21;
const OFF_LAST_OFFSET_DELTA = 23;
const OFF_BASE_TIMESTAMP = 27;
const OFF_MAX_TIMESTAMP = 35;
const OFF_PRODUCER_ID = 43;
const OFF_PRODUCER_EPOCH = 51;
const OFF_BASE_SEQUENCE = 53;
const OFF_RECORDS_COUNT = 57;

const ATTR_COMPRESSION_MASK = 0x07;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;

export interface BatchHeader {
  /** Position of the batch within the buffer it was read from. */
  readonly position: number;
  /** Whole batch size in bytes, LOG_OVERHEAD included. */
  readonly size: number;
  readonly baseOffset: number;
  readonly lastOffsetDelta: number;
  readonly attributes: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordsCount: number;
}

/** Reads one batch header at `pos`, or null when the bytes there are not a whole, well-formed batch. */
export function readBatchHeader(buf: Buffer, pos: number, end = buf.length): BatchHeader | null {
  if (end - pos < BATCH_HEADER_SIZE) return null;
  const batchLength = buf.readInt32BE(pos + OFF_BATCH_LENGTH);
  const size = batchLength + LOG_OVERHEAD;
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD || pos + size > end) return null;
  if (buf.readInt8(pos + OFF_MAGIC) !== 2) return null;
  return {
    position: pos,
    size,
    baseOffset: Number(buf.readBigInt64BE(pos)),
    lastOffsetDelta: buf.readInt32BE(pos + OFF_LAST_OFFSET_DELTA),
    attributes: buf.readInt16BE(pos + OFF_ATTRIBUTES),
    baseTimestamp: Number(buf.readBigInt64BE(pos + OFF_BASE_TIMESTAMP)),
    maxTimestamp: Number(buf.readBigInt64BE(pos + OFF_MAX_TIMESTAMP)),
    producerId: Number(buf.readBigInt64BE(pos + OFF_PRODUCER_ID)),
    producerEpoch: buf.readInt16BE(pos + OFF_PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + OFF_BASE_SEQUENCE),
    recordsCount: buf.readInt32BE(pos + OFF_RECORDS_COUNT),
  };
}

export function batchCrcIsValid(buf: Buffer, header: BatchHeader): boolean {
  const stored = buf.readUInt32BE(header.position + OFF_CRC);
  return crc32c(buf.subarray(header.position + OFF_ATTRIBUTES, header.position + header.size)) === stored;
}

/**
 * Splits a produced record set into batches and checks each one as Kafka's broker does before appending:
 * magic 2 only, whole batches, a valid CRC-32C, no transactional or control batches (transactions are not
 * offered), a sane record count, and the size limit. Throws with the protocol error to answer.
 */
export function validateProducedRecords(records: Buffer, maxBatchBytes: number): BatchHeader[] {
  const batches: BatchHeader[] = [];
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos >= OFF_MAGIC + 1 && records.readInt8(pos + OFF_MAGIC) !== 2) {
      throw new KafkaProtocolError(ErrorCode.UnsupportedVersion, 'only RecordBatch v2 (magic 2) is accepted');
    }
    const header = readBatchHeader(records, pos);
    if (!header) throw new KafkaProtocolError(ErrorCode.CorruptMessage, `incomplete record batch at byte ${pos}`);
    if (header.size > maxBatchBytes) {
      throw new KafkaProtocolError(ErrorCode.MessageTooLarge, `batch of ${header.size} bytes exceeds ${maxBatchBytes}`);
    }
    if (header.lastOffsetDelta < 0 || header.recordsCount <= 0 || header.lastOffsetDelta + 1 < header.recordsCount) {
      throw new KafkaProtocolError(ErrorCode.CorruptMessage, `record batch at byte ${pos} has inconsistent counts`);
    }
    if (header.attributes & (ATTR_TRANSACTIONAL | ATTR_CONTROL)) {
      throw new KafkaProtocolError(ErrorCode.InvalidRequest, 'transactional batches are not supported by this broker');
    }
    if (!batchCrcIsValid(records, header)) {
      throw new KafkaProtocolError(ErrorCode.CorruptMessage, `record batch at byte ${pos} fails its CRC-32C check`);
    }
    batches.push(header);
    pos += header.size;
  }
  if (batches.length === 0) throw new KafkaProtocolError(ErrorCode.CorruptMessage, 'empty record set');
  return batches;
}

/** Stamps the broker-assigned offset (and leader epoch 0) into a batch; both fields lie outside the CRC. */
export function assignBaseOffset(buf: Buffer, position: number, baseOffset: number): void {
  buf.writeBigInt64BE(BigInt(baseOffset), position);
  buf.writeInt32BE(0, position + OFF_LEADER_EPOCH);
}

export function isCompressed(attributes: number): boolean {
  return (attributes & ATTR_COMPRESSION_MASK) !== 0;
}

function readVarlong(buf: Buffer, state: { pos: number }): number {
  let raw = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[state.pos++];
    if (byte === undefined) throw new RangeError('varint past end');
    raw |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7n;
    if (shift > 63n) throw new RangeError('varint too long');
  }
  return Number((raw >> 1n) ^ -(raw & 1n)); // zig-zag
}

/**
 * The offset of the first record in an uncompressed batch whose timestamp is at or after `timestamp`, used by
 * ListOffsets. A compressed batch (or one that cannot be walked) answers with its base offset: the client skips
 * the earlier records of that batch itself, so the result is never later than the right one.
 */
export function firstOffsetAtOrAfter(batch: Buffer, timestamp: number): number {
  const header = readBatchHeader(batch, 0);
  if (!header) throw new RangeError('not a record batch');
  if (isCompressed(header.attributes)) return header.baseOffset;
  const state = { pos: BATCH_HEADER_SIZE };
  try {
    for (let i = 0; i < header.recordsCount; i++) {
      const length = readVarlong(batch, state);
      const recordStart = state.pos;
      state.pos += 1; // attributes
      const timestampDelta = readVarlong(batch, state);
      const offsetDelta = readVarlong(batch, state);
      if (header.baseTimestamp + timestampDelta >= timestamp) return header.baseOffset + offsetDelta;
      state.pos = recordStart + length;
    }
  } catch {
    return header.baseOffset;
  }
  return header.baseOffset + header.lastOffsetDelta;
}
