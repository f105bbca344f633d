import { encodeBatch } from '@lgsp/kafka-broker/testing/record-batches';

export interface BatchSpec {
  values: string[];
  producerId?: number;
  producerEpoch?: number;
  firstSequence?: number;
  timestamp?: number;
}

/** One real RecordBatch v2 (CRC included), as a record set for a hand-made Produce request. */
export function recordBatch(spec: BatchSpec): Buffer {
  return encodeBatch({
    records: spec.values,
    producerId: spec.producerId ?? -1,
    producerEpoch: spec.producerEpoch ?? (spec.producerId === undefined ? -1 : 0),
    baseSequence: spec.firstSequence ?? (spec.producerId === undefined ? -1 : 0),
    baseTimestamp: spec.timestamp ?? Date.now(),
  });
}

/** A Produce v3 request body for one partition. */
export function produceBody(topic: string, partition: number, acks: number, records: Buffer): Buffer {
  const name = Buffer.from(topic);
  const head = Buffer.alloc(2 + 2 + 4 + 4 + 2 + name.length + 4 + 4 + 4);
  let o = 0;
  o = head.writeInt16BE(-1, o); // transactional id: null
  o = head.writeInt16BE(acks, o);
  o = head.writeInt32BE(5000, o);
  o = head.writeInt32BE(1, o);
  o = head.writeInt16BE(name.length, o);
  o += name.copy(head, o);
  o = head.writeInt32BE(1, o);
  o = head.writeInt32BE(partition, o);
  head.writeInt32BE(records.length, o);
  return Buffer.concat([head, records]);
}

/** Reads the first partition's (error code, base offset) from a Produce v3 response (after the correlation id). */
export function produceResult(response: Buffer, topic: string): { errorCode: number; baseOffset: number } {
  const at = 4 + 4 + 2 + Buffer.byteLength(topic) + 4 + 4;
  return { errorCode: response.readInt16BE(at), baseOffset: Number(response.readBigInt64BE(at + 2)) };
}

/** A Fetch v4 request body for one partition. */
export function fetchBody(topic: string, partition: number, offset: number, maxWaitMs: number, minBytes = 1): Buffer {
  const name = Buffer.from(topic);
  const b = Buffer.alloc(4 + 4 + 4 + 4 + 1 + 4 + 2 + name.length + 4 + 4 + 8 + 4);
  let o = 0;
  o = b.writeInt32BE(-1, o);
  o = b.writeInt32BE(maxWaitMs, o);
  o = b.writeInt32BE(minBytes, o);
  o = b.writeInt32BE(1024 * 1024, o);
  o = b.writeInt8(0, o);
  o = b.writeInt32BE(1, o);
  o = b.writeInt16BE(name.length, o);
  o += name.copy(b, o);
  o = b.writeInt32BE(1, o);
  o = b.writeInt32BE(partition, o);
  o = b.writeBigInt64BE(BigInt(offset), o);
  b.writeInt32BE(1024 * 1024, o);
  return b;
}

/** From a Fetch v4 response for one partition: error code, high watermark and the record-set size. */
export function fetchResult(response: Buffer, topic: string): { errorCode: number; highWatermark: number; recordBytes: number } {
  // correlation(4) throttle(4) topics(4) name(2+n) partitions(4) index(4)
  const at = 4 + 4 + 4 + 2 + Buffer.byteLength(topic) + 4 + 4;
  const errorCode = response.readInt16BE(at);
  const highWatermark = Number(response.readBigInt64BE(at + 2));
  // last_stable(8) aborted(4) then records length
  const recordBytes = response.readInt32BE(at + 2 + 8 + 8 + 4);
  return { errorCode, highWatermark, recordBytes };
}
