import { ErrorCode, KafkaProtocolError } from '../protocol/error-codes';
import { BatchHeader } from '../protocol/record-batch';

/** Kafka keeps the last five batches of each idempotent producer, matching max.in.flight ≤ 5. */
const REMEMBERED_BATCHES = 5;
const NO_PRODUCER_ID = -1;

interface RememberedBatch {
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: RememberedBatch[];
}

export type SequenceCheck = { kind: 'append' } | { kind: 'duplicate'; baseOffset: number };

const SEQUENCE_LIMIT = 2 ** 31;

/** Sequences are int32 and wrap from 2^31-1 back to 0, as in Kafka. */
function addSequence(sequence: number, delta: number): number {
  return (sequence + delta) % SEQUENCE_LIMIT;
}

function nextSequence(sequence: number): number {
  return addSequence(sequence, 1);
}

/**
 * Per-partition state of idempotent producers: a retried batch (same producer id, epoch and sequence) is
 * answered with its original offset instead of being written twice. Rebuilt from batch headers on recovery,
 * so de-duplication keeps working across a broker restart.
 */
export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  check(header: BatchHeader): SequenceCheck {
    if (header.producerId === NO_PRODUCER_ID) return { kind: 'append' };
    const entry = this.producers.get(header.producerId);
    // Unknown producer: its earlier batches may have aged out by retention, so any sequence starts it afresh.
    if (!entry) return { kind: 'append' };
    if (header.producerEpoch < entry.epoch) {
      throw new KafkaProtocolError(
        ErrorCode.InvalidProducerEpoch,
        `producer ${header.producerId} epoch ${header.producerEpoch} is older than ${entry.epoch}`,
      );
    }
    if (header.producerEpoch > entry.epoch) return { kind: 'append' };
    const lastSequence = addSequence(header.baseSequence, header.lastOffsetDelta);
    const duplicate = entry.batches.find(
      (b) => b.firstSequence === header.baseSequence && b.lastSequence === lastSequence,
    );
    if (duplicate) return { kind: 'duplicate', baseOffset: duplicate.baseOffset };
    const last = entry.batches[entry.batches.length - 1];
    if (last && header.baseSequence !== nextSequence(last.lastSequence)) {
      throw new KafkaProtocolError(
        ErrorCode.OutOfOrderSequenceNumber,
        `producer ${header.producerId} sent sequence ${header.baseSequence}, expected ${nextSequence(last.lastSequence)}`,
      );
    }
    return { kind: 'append' };
  }

  /** Records a batch that is now in the log (with its assigned base offset). */
  record(header: BatchHeader, baseOffset: number): void {
    if (header.producerId === NO_PRODUCER_ID) return;
    let entry = this.producers.get(header.producerId);
    if (!entry || header.producerEpoch > entry.epoch) {
      entry = { epoch: header.producerEpoch, batches: [] };
      this.producers.set(header.producerId, entry);
    }
    entry.batches.push({
      firstSequence: header.baseSequence,
      lastSequence: addSequence(header.baseSequence, header.lastOffsetDelta),
      baseOffset,
    });
    if (entry.batches.length > REMEMBERED_BATCHES) entry.batches.shift();
  }

  get size(): number {
    return this.producers.size;
  }
}
