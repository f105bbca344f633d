import { ErrorCode, KafkaProtocolError } from '../protocol/error-codes';
import { BatchHeader } from '../protocol/record-batch';
import { ProducerStateTable } from './producer-state';

/** A header for `count` records from producer `producerId`, as validation would return it. */
function batch(producerId: number, producerEpoch: number, baseSequence: number, count = 1): BatchHeader {
  return {
    position: 0,
    size: 100,
    baseOffset: 0,
    lastOffsetDelta: count - 1,
    attributes: 0,
    baseTimestamp: 0,
    maxTimestamp: 0,
    producerId,
    producerEpoch,
    baseSequence,
    recordsCount: count,
  };
}

function codeOf(run: () => unknown): ErrorCode | string {
  try {
    run();
  } catch (err) {
    return err instanceof KafkaProtocolError ? err.code : String(err);
  }
  return 'no error';
}

describe('ProducerStateTable', () => {
  let table: ProducerStateTable;

  beforeEach(() => {
    table = new ProducerStateTable();
  });

  it('ignores non-idempotent batches (producer id -1), whatever their sequence', () => {
    table.record(batch(-1, -1, -1), 0);
    table.record(batch(-1, 0, 0), 1);
    expect(table.size).toBe(0);
    expect(table.check(batch(-1, -1, -1))).toEqual({ kind: 'append' });
    expect(table.check(batch(-1, 0, 0))).toEqual({ kind: 'append' });
  });

  it('accepts any sequence from a producer it does not know', () => {
    expect(table.check(batch(7, 0, 0))).toEqual({ kind: 'append' });
    expect(table.check(batch(7, 0, 42))).toEqual({ kind: 'append' });
  });

  it('answers a retried batch with the offset it was written at', () => {
    table.record(batch(7, 0, 0, 5), 100);
    table.record(batch(7, 0, 5, 3), 105);
    expect(table.size).toBe(1);
    expect(table.check(batch(7, 0, 0, 5))).toEqual({ kind: 'duplicate', baseOffset: 100 });
    expect(table.check(batch(7, 0, 5, 3))).toEqual({ kind: 'duplicate', baseOffset: 105 });
  });

  it('accepts the next sequence and rejects gaps and partial overlaps with OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    table.record(batch(7, 0, 0, 5), 0);
    expect(table.check(batch(7, 0, 5))).toEqual({ kind: 'append' });
    expect(codeOf(() => table.check(batch(7, 0, 6)))).toBe(ErrorCode.OutOfOrderSequenceNumber);
    expect(codeOf(() => table.check(batch(7, 0, 4)))).toBe(ErrorCode.OutOfOrderSequenceNumber);
    expect(codeOf(() => table.check(batch(7, 0, 0, 3)))).toBe(ErrorCode.OutOfOrderSequenceNumber); // same start, other length
    expect(ErrorCode.OutOfOrderSequenceNumber).toBe(45);
  });

  it('keeps producers apart', () => {
    table.record(batch(1, 0, 0), 0);
    table.record(batch(2, 0, 0), 1);
    expect(table.check(batch(1, 0, 0))).toEqual({ kind: 'duplicate', baseOffset: 0 });
    expect(table.check(batch(2, 0, 0))).toEqual({ kind: 'duplicate', baseOffset: 1 });
    expect(table.check(batch(2, 0, 1))).toEqual({ kind: 'append' });
    expect(table.size).toBe(2);
  });

  it('fences an older epoch with INVALID_PRODUCER_EPOCH', () => {
    table.record(batch(7, 3, 0), 0);
    expect(codeOf(() => table.check(batch(7, 2, 1)))).toBe(ErrorCode.InvalidProducerEpoch);
    expect(codeOf(() => table.check(batch(7, 2, 0)))).toBe(ErrorCode.InvalidProducerEpoch);
    expect(ErrorCode.InvalidProducerEpoch).toBe(47);
  });

  it('starts afresh with a newer epoch and forgets the old epoch’s batches', () => {
    table.record(batch(7, 0, 0, 2), 0);
    table.record(batch(7, 0, 2, 2), 2);
    expect(table.check(batch(7, 1, 0, 2))).toEqual({ kind: 'append' }); // same sequence, new epoch: not a duplicate
    expect(table.check(batch(7, 1, 99))).toEqual({ kind: 'append' });
    table.record(batch(7, 1, 0, 2), 4);
    expect(table.check(batch(7, 1, 0, 2))).toEqual({ kind: 'duplicate', baseOffset: 4 });
    expect(table.check(batch(7, 1, 2))).toEqual({ kind: 'append' });
    expect(codeOf(() => table.check(batch(7, 1, 4)))).toBe(ErrorCode.OutOfOrderSequenceNumber);
    expect(codeOf(() => table.check(batch(7, 0, 2, 2)))).toBe(ErrorCode.InvalidProducerEpoch);
    expect(table.size).toBe(1);
  });

  it('remembers only the last five batches of a producer', () => {
    for (let seq = 0; seq < 6; seq++) table.record(batch(7, 0, seq), 10 + seq);
    // The first batch is forgotten: a retry of it no longer matches and is out of order.
    expect(codeOf(() => table.check(batch(7, 0, 0)))).toBe(ErrorCode.OutOfOrderSequenceNumber);
    for (let seq = 1; seq < 6; seq++) expect(table.check(batch(7, 0, seq))).toEqual({ kind: 'duplicate', baseOffset: 10 + seq });
    expect(table.check(batch(7, 0, 6))).toEqual({ kind: 'append' });
  });

  it('wraps the expected sequence after 2^31 - 1', () => {
    table.record(batch(7, 0, 0x7fffffff), 0);
    expect(table.check(batch(7, 0, 0))).toEqual({ kind: 'append' });
    expect(codeOf(() => table.check(batch(7, 0, 0x7fffffff + 1)))).toBe(ErrorCode.OutOfOrderSequenceNumber);
  });

  it('wraps sequences from 2^31-1 back to 0, as Kafka does', () => {
    const max = 2 ** 31 - 1;
    table.record(batch(9, 0, max - 1, 2), 100); // sequences max-1 and max
    expect(table.check(batch(9, 0, 0, 3))).toEqual({ kind: 'append' });
    expect(codeOf(() => table.check(batch(9, 0, max + 1, 1)))).toBe(ErrorCode.OutOfOrderSequenceNumber);
    table.record(batch(9, 0, max, 3), 102); // a batch that crosses the wrap: max, 0, 1
    expect(table.check(batch(9, 0, max, 3))).toEqual({ kind: 'duplicate', baseOffset: 102 });
    expect(table.check(batch(9, 0, 2, 1))).toEqual({ kind: 'append' });
  });
});
