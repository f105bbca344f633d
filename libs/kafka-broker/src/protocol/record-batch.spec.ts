import { gzipSync } from 'node:zlib';
import { crc32c } from '@node-rs/crc32';
import { TEST_BASE_TIMESTAMP, encodeBatch, encodeRecord } from '../testing/record-batches';
import { ErrorCode, KafkaProtocolError } from './error-codes';
import {
  BATCH_HEADER_SIZE,
  assignBaseOffset,
  batchCrcIsValid,
  firstOffsetAtOrAfter,
  isCompressed,
  readBatchHeader,
  validateProducedRecords,
} from './record-batch';

const MAX = 1_000_000;

function codeOf(run: () => unknown): ErrorCode | 'no error' | string {
  try {
    run();
  } catch (err) {
    return err instanceof KafkaProtocolError ? err.code : `not a KafkaProtocolError: ${String(err)}`;
  }
  return 'no error';
}

describe('the test encoder', () => {
  it('matches the RecordBatch v2 layout', () => {
    const batch = encodeBatch({ records: ['a', 'bb'], baseOffset: 7, partitionLeaderEpoch: 3, producerId: 99, producerEpoch: 2, baseSequence: 10 });
    expect(batch.readBigInt64BE(0)).toBe(7n);
    expect(batch.readInt32BE(8)).toBe(batch.length - 12);
    expect(batch.readInt32BE(12)).toBe(3);
    expect(batch.readInt8(16)).toBe(2);
    expect(batch.readUInt32BE(17)).toBe(crc32c(batch.subarray(21)));
    expect(batch.readInt32BE(57)).toBe(2);
    // First record: length, attributes 0, timestampDelta 0, offsetDelta 0, key null (-1), value "a", no headers.
    expect(batch.subarray(61, 61 + 8).toString('hex')).toBe('0e' + '00' + '00' + '00' + '01' + '02' + '61' + '00');
  });
});

describe('readBatchHeader', () => {
  it('reads every header field', () => {
    const batch = encodeBatch({
      records: [{ value: 'x', timestampDelta: 0 }, { value: 'y', timestampDelta: 25 }, { value: 'z', timestampDelta: 10 }],
      baseOffset: 1234,
      attributes: 0,
      baseTimestamp: TEST_BASE_TIMESTAMP,
      producerId: 4242,
      producerEpoch: 3,
      baseSequence: 17,
    });
    const prefix = Buffer.from('junk');
    const buf = Buffer.concat([prefix, batch]);
    expect(readBatchHeader(buf, 4)).toEqual({
      position: 4,
      size: batch.length,
      baseOffset: 1234,
      lastOffsetDelta: 2,
      attributes: 0,
      baseTimestamp: TEST_BASE_TIMESTAMP,
      maxTimestamp: TEST_BASE_TIMESTAMP + 25,
      producerId: 4242,
      producerEpoch: 3,
      baseSequence: 17,
      recordsCount: 3,
    });
  });

  it('returns null for anything but a whole magic-2 batch', () => {
    const batch = encodeBatch();
    expect(readBatchHeader(batch.subarray(0, BATCH_HEADER_SIZE - 1), 0)).toBeNull();
    expect(readBatchHeader(batch, 0, batch.length - 1)).toBeNull();
    expect(readBatchHeader(encodeBatch({ magic: 1 }), 0)).toBeNull();
    const tooShort = Buffer.from(batch);
    tooShort.writeInt32BE(BATCH_HEADER_SIZE - 13, 8);
    expect(readBatchHeader(tooShort, 0)).toBeNull();
    const negative = Buffer.from(batch);
    negative.writeInt32BE(-100, 8);
    expect(readBatchHeader(negative, 0)).toBeNull();
  });
});

describe('validateProducedRecords', () => {
  it('accepts one valid batch', () => {
    const batch = encodeBatch({ records: ['a', 'b', 'c'] });
    const headers = validateProducedRecords(batch, MAX);
    expect(headers).toHaveLength(1);
    expect(headers[0]).toMatchObject({ position: 0, size: batch.length, lastOffsetDelta: 2, recordsCount: 3 });
  });

  it('accepts several batches back to back, with their positions', () => {
    const a = encodeBatch({ records: ['a'] });
    const b = encodeBatch({ records: ['b1', 'b2'] });
    const c = encodeBatch({ records: ['c'.repeat(300)] });
    const headers = validateProducedRecords(Buffer.concat([a, b, c]), MAX);
    expect(headers.map((h) => [h.position, h.size, h.recordsCount])).toEqual([
      [0, a.length, 1],
      [a.length, b.length, 2],
      [a.length + b.length, c.length, 1],
    ]);
  });

  it('rejects a batch whose records do not match its CRC with CORRUPT_MESSAGE', () => {
    const batch = encodeBatch({ records: ['hello'] });
    batch[batch.length - 2] ^= 0x01;
    expect(codeOf(() => validateProducedRecords(batch, MAX))).toBe(ErrorCode.CorruptMessage);
    expect(ErrorCode.CorruptMessage).toBe(2);
  });

  it('rejects a batch whose stored CRC is wrong', () => {
    const batch = encodeBatch();
    batch.writeUInt32BE((batch.readUInt32BE(17) + 1) >>> 0, 17);
    expect(codeOf(() => validateProducedRecords(batch, MAX))).toBe(ErrorCode.CorruptMessage);
  });

  it('checks the CRC of every batch, not only the first', () => {
    const good = encodeBatch();
    const bad = encodeBatch({ records: ['second'] });
    bad[bad.length - 3] ^= 0xff;
    expect(codeOf(() => validateProducedRecords(Buffer.concat([good, bad]), MAX))).toBe(ErrorCode.CorruptMessage);
  });

  it('rejects truncated record sets with CORRUPT_MESSAGE', () => {
    const batch = encodeBatch({ records: ['a', 'b'] });
    expect(codeOf(() => validateProducedRecords(batch.subarray(0, batch.length - 1), MAX))).toBe(ErrorCode.CorruptMessage);
    expect(codeOf(() => validateProducedRecords(batch.subarray(0, 30), MAX))).toBe(ErrorCode.CorruptMessage);
    expect(codeOf(() => validateProducedRecords(batch.subarray(0, 10), MAX))).toBe(ErrorCode.CorruptMessage);
    const withTail = Buffer.concat([batch, encodeBatch().subarray(0, 20)]);
    expect(codeOf(() => validateProducedRecords(withTail, MAX))).toBe(ErrorCode.CorruptMessage);
  });

  it('rejects an empty record set', () => {
    expect(codeOf(() => validateProducedRecords(Buffer.alloc(0), MAX))).toBe(ErrorCode.CorruptMessage);
  });

  it('rejects magic other than 2 with UNSUPPORTED_VERSION', () => {
    expect(codeOf(() => validateProducedRecords(encodeBatch({ magic: 1 }), MAX))).toBe(ErrorCode.UnsupportedVersion);
    expect(codeOf(() => validateProducedRecords(encodeBatch({ magic: 0 }), MAX))).toBe(ErrorCode.UnsupportedVersion);
    const second = Buffer.concat([encodeBatch(), encodeBatch({ magic: 1 })]);
    expect(codeOf(() => validateProducedRecords(second, MAX))).toBe(ErrorCode.UnsupportedVersion);
  });

  it('rejects transactional and control batches with INVALID_REQUEST (even with a valid CRC)', () => {
    const transactional = encodeBatch({ attributes: 0x10, producerId: 5, producerEpoch: 0, baseSequence: 0 });
    expect(batchCrcIsValid(transactional, readBatchHeader(transactional, 0)!)).toBe(true);
    expect(codeOf(() => validateProducedRecords(transactional, MAX))).toBe(ErrorCode.InvalidRequest);
    expect(codeOf(() => validateProducedRecords(encodeBatch({ attributes: 0x20 }), MAX))).toBe(ErrorCode.InvalidRequest);
  });

  it('rejects a batch larger than the limit with MESSAGE_TOO_LARGE, and accepts one exactly at it', () => {
    const batch = encodeBatch({ records: ['x'.repeat(500)] });
    expect(codeOf(() => validateProducedRecords(batch, batch.length - 1))).toBe(ErrorCode.MessageTooLarge);
    expect(validateProducedRecords(batch, batch.length)).toHaveLength(1);
  });

  it('rejects inconsistent record counts', () => {
    expect(codeOf(() => validateProducedRecords(encodeBatch({ recordsCount: 0 }), MAX))).toBe(ErrorCode.CorruptMessage);
    expect(codeOf(() => validateProducedRecords(encodeBatch({ lastOffsetDelta: -1 }), MAX))).toBe(ErrorCode.CorruptMessage);
    expect(codeOf(() => validateProducedRecords(encodeBatch({ records: ['a', 'b', 'c'], lastOffsetDelta: 1 }), MAX))).toBe(
      ErrorCode.CorruptMessage,
    );
  });

  it('accepts a compressed batch without decoding it', () => {
    const payload = gzipSync(Buffer.concat([encodeRecord({ value: 'a' }, 0), encodeRecord({ value: 'b' }, 1)]));
    const batch = encodeBatch({ attributes: 1, records: ['a', 'b'], payload });
    const [header] = validateProducedRecords(batch, MAX);
    expect(isCompressed(header.attributes)).toBe(true);
    expect(header.recordsCount).toBe(2);
  });
});

describe('assignBaseOffset', () => {
  it('stamps offset and leader epoch outside the CRC, so the batch stays valid', () => {
    const a = encodeBatch({ records: ['a', 'b'], partitionLeaderEpoch: 9 });
    const b = encodeBatch({ records: ['c'], partitionLeaderEpoch: 9 });
    const set = Buffer.concat([a, b]);
    const before = Buffer.from(set);
    const [, second] = validateProducedRecords(set, MAX);
    assignBaseOffset(set, second.position, 2 ** 40 + 5);
    const stamped = readBatchHeader(set, second.position)!;
    expect(stamped.baseOffset).toBe(2 ** 40 + 5);
    expect(set.readInt32BE(second.position + 12)).toBe(0);
    expect(batchCrcIsValid(set, stamped)).toBe(true);
    expect(validateProducedRecords(set, MAX)).toHaveLength(2);
    // Only those 12 bytes changed; the first batch is untouched.
    expect(set.subarray(0, a.length).equals(before.subarray(0, a.length))).toBe(true);
    expect(set.subarray(second.position + 16).equals(before.subarray(second.position + 16))).toBe(true);
  });
});

describe('firstOffsetAtOrAfter', () => {
  const base = 1_000_000;
  const batch = encodeBatch({
    baseOffset: 100,
    baseTimestamp: base,
    records: [
      { value: 'first', timestampDelta: 0 },
      // A long value makes the record's length varint two bytes; a big delta makes a multi-byte varlong.
      { value: 'v'.repeat(300), timestampDelta: 100_000 },
      { value: 'third', timestampDelta: 200_000 },
      { value: 'fourth', timestampDelta: 300_000 },
    ],
  });

  it.each([
    [base - 50, 100],
    [base, 100],
    [base + 1, 101],
    [base + 100_000, 101],
    [base + 100_001, 102],
    [base + 250_000, 103],
    [base + 300_000, 103],
  ])('for timestamp %d in an uncompressed batch returns %d', (timestamp, offset) => {
    expect(firstOffsetAtOrAfter(batch, timestamp)).toBe(offset);
  });

  it('decodes negative (zig-zag) timestamp deltas', () => {
    const b = encodeBatch({
      baseOffset: 10,
      baseTimestamp: base,
      records: [
        { value: 'a', timestampDelta: -10 },
        { value: 'b', timestampDelta: -3 },
        { value: 'c', timestampDelta: 20 },
      ],
    });
    expect(firstOffsetAtOrAfter(b, base - 10)).toBe(10);
    expect(firstOffsetAtOrAfter(b, base - 5)).toBe(11);
    expect(firstOffsetAtOrAfter(b, base - 2)).toBe(12);
  });

  it('uses each record’s offset delta, not its position', () => {
    const b = encodeBatch({
      baseOffset: 50,
      baseTimestamp: base,
      records: [
        { value: 'a', timestampDelta: 0, offsetDelta: 0 },
        { value: 'b', timestampDelta: 10, offsetDelta: 4 },
      ],
    });
    expect(firstOffsetAtOrAfter(b, base + 5)).toBe(54);
  });

  it('returns the base offset of a compressed batch', () => {
    const payload = gzipSync(Buffer.concat([encodeRecord({ value: 'a', timestampDelta: 0 }, 0), encodeRecord({ value: 'b', timestampDelta: 50 }, 1)]));
    const compressed = encodeBatch({
      baseOffset: 300,
      baseTimestamp: base,
      attributes: 1,
      records: [{ value: 'a' }, { value: 'b', timestampDelta: 50 }],
      payload,
    });
    expect(firstOffsetAtOrAfter(compressed, base + 40)).toBe(300);
    // Never walked, even when its payload happens to parse as plain records.
    const plain = Buffer.concat([encodeRecord({ value: 'a', timestampDelta: 0 }, 0), encodeRecord({ value: 'b', timestampDelta: 50 }, 1)]);
    const lookalike = encodeBatch({ baseOffset: 300, baseTimestamp: base, attributes: 4, records: [{ value: 'a' }, { value: 'b', timestampDelta: 50 }], payload: plain });
    expect(firstOffsetAtOrAfter(lookalike, base + 40)).toBe(300);
  });

  it('falls back to the base offset when the records cannot be walked', () => {
    const b = encodeBatch({ baseOffset: 70, records: ['a', 'b'], payload: Buffer.from([0xff, 0xff]) });
    expect(firstOffsetAtOrAfter(b, TEST_BASE_TIMESTAMP + 1)).toBe(70);
  });
});
