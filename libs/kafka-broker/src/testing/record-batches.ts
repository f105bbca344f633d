import { crc32c } from '@node-rs/crc32';
import { BatchHeader, validateProducedRecords } from '../protocol/record-batch';

/**
 * Test-only: real RecordBatch v2 bytes (KAFKA-BROKER.md layout), records encoded as Kafka clients encode them
 * and the CRC-32C computed over attributes..end. Every header field can be overridden to build broken batches.
 */
export const TEST_BASE_TIMESTAMP = 1_700_000_000_000;

export interface TestRecord {
  readonly value: string | Buffer | null;
  readonly key?: string | Buffer | null;
  readonly timestampDelta?: number;
  /** Defaults to the record's index in the batch. */
  readonly offsetDelta?: number;
}

export interface TestBatch {
  /** Defaults to one record, 'v0'. */
  readonly records?: ReadonlyArray<string | TestRecord>;
  readonly baseOffset?: number;
  readonly partitionLeaderEpoch?: number;
  readonly magic?: number;
  readonly attributes?: number;
  readonly baseTimestamp?: number;
  /** Defaults to baseTimestamp + the largest timestampDelta. */
  readonly maxTimestamp?: number;
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  /** Defaults to the last record's offsetDelta. */
  readonly lastOffsetDelta?: number;
  /** Defaults to the number of records. */
  readonly recordsCount?: number;
  /** Replaces the encoded records (a compressed payload, say). */
  readonly payload?: Buffer;
}

function unsignedVarint(v: bigint): Buffer {
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

/** Kafka's signed (zig-zag) varint/varlong. */
export function zigzag(n: number): Buffer {
  const v = BigInt.asIntN(64, BigInt(n));
  return unsignedVarint(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
}

function bytesField(b: string | Buffer | null | undefined): Buffer {
  if (b === null || b === undefined) return zigzag(-1);
  const buf = typeof b === 'string' ? Buffer.from(b) : b;
  return Buffer.concat([zigzag(buf.length), buf]);
}

export function encodeRecord(r: TestRecord, index: number): Buffer {
  const body = Buffer.concat([
    Buffer.from([0]), // attributes
    zigzag(r.timestampDelta ?? 0),
    zigzag(r.offsetDelta ?? index),
    bytesField(r.key),
    bytesField(r.value),
    zigzag(0), // headers
  ]);
  return Buffer.concat([zigzag(body.length), body]);
}

/** One whole batch: baseOffset and batchLength prefix included, so it is also a one-batch record set. */
export function encodeBatch(spec: TestBatch = {}): Buffer {
  const records: TestRecord[] = (spec.records ?? ['v0']).map((r) => (typeof r === 'string' ? { value: r } : r));
  const baseTimestamp = spec.baseTimestamp ?? TEST_BASE_TIMESTAMP;
  const maxDelta = records.reduce((m, r) => Math.max(m, r.timestampDelta ?? 0), 0);
  const lastRecord = records[records.length - 1];
  const payload = spec.payload ?? Buffer.concat(records.map(encodeRecord));

  const head = Buffer.alloc(40);
  let o = 0;
  o = head.writeInt16BE(spec.attributes ?? 0, o);
  o = head.writeInt32BE(spec.lastOffsetDelta ?? (lastRecord ? (lastRecord.offsetDelta ?? records.length - 1) : 0), o);
  o = head.writeBigInt64BE(BigInt(baseTimestamp), o);
  o = head.writeBigInt64BE(BigInt(spec.maxTimestamp ?? baseTimestamp + maxDelta), o);
  o = head.writeBigInt64BE(BigInt(spec.producerId ?? -1), o);
  o = head.writeInt16BE(spec.producerEpoch ?? -1, o);
  o = head.writeInt32BE(spec.baseSequence ?? -1, o);
  head.writeInt32BE(spec.recordsCount ?? records.length, o);
  const crcd = Buffer.concat([head, payload]);

  const prefix = Buffer.alloc(21);
  prefix.writeBigInt64BE(BigInt(spec.baseOffset ?? 0), 0);
  prefix.writeInt32BE(21 + crcd.length - 12, 8);
  prefix.writeInt32BE(spec.partitionLeaderEpoch ?? 0, 12);
  prefix.writeInt8(spec.magic ?? 2, 16);
  prefix.writeUInt32BE(crc32c(crcd), 17);
  return Buffer.concat([prefix, crcd]);
}

/** A produced record set of several batches, with the headers validation yields (as the Produce handler has). */
export function producedRecords(...specs: TestBatch[]): { records: Buffer; batches: BatchHeader[] } {
  const records = Buffer.concat(specs.map((s) => encodeBatch(s)));
  return { records, batches: validateProducedRecords(records, Number.MAX_SAFE_INTEGER) };
}
