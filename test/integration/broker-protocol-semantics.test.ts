import { ApiKey } from '@lgsp/kafka-broker';
import { RawClient } from '@lgsp/test-support/raw-client';
import { fetchBody, fetchResult, produceBody, produceResult, recordBatch } from '@lgsp/test-support/record-batches';
import { startTestBroker, TestBroker } from '@lgsp/test-support/test-broker';

/** Protocol behaviour that client libraries hide: checked on the wire with hand-made requests. */
describe('broker protocol semantics', () => {
  let tb: TestBroker;

  beforeAll(async () => {
    tb = await startTestBroker();
    const admin = tb.kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'wire', numPartitions: 1 }, { topic: 'poll', numPartitions: 1 }] });
    await admin.disconnect();
  });
  afterAll(() => tb.stop());

  async function highWatermark(topic: string): Promise<number> {
    const admin = tb.kafka().admin();
    await admin.connect();
    const [p] = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    return Number(p.high);
  }

  it('sends no response to acks=0, but still writes the batch', async () => {
    const before = await highWatermark('wire');
    const c = await RawClient.open(tb.port);
    c.send(RawClient.frame(ApiKey.Produce, 3, 1, produceBody('wire', 0, 0, recordBatch({ values: ['fire', 'and', 'forget'] }))));
    c.send(RawClient.frame(ApiKey.ApiVersions, 0, 2));
    const first = await c.response();
    expect(first!.readInt32BE(0)).toBe(2); // the ApiVersions answer comes first: the produce got none
    c.destroy();
    expect(await highWatermark('wire')).toBe(before + 3);
  });

  it('answers a retried idempotent batch with its original offset and does not write it twice', async () => {
    const c = await RawClient.open(tb.port);
    const init = RawClient.frame(ApiKey.InitProducerId, 0, 1, Buffer.from([0xff, 0xff, 0, 0, 0x03, 0xe8])); // null txn id, 1000 ms
    c.send(init);
    const res = await c.response();
    expect(res!.readInt16BE(8)).toBe(0);
    const producerId = Number(res!.readBigInt64BE(10));

    const batch0 = recordBatch({ values: ['a', 'b'], producerId, firstSequence: 0 });
    c.send(RawClient.frame(ApiKey.Produce, 3, 2, produceBody('wire', 0, -1, batch0)));
    const first = produceResult((await c.response())!, 'wire');
    expect(first.errorCode).toBe(0);
    const hw = await highWatermark('wire');

    // The same batch again (a retry after a lost response).
    c.send(RawClient.frame(ApiKey.Produce, 3, 3, produceBody('wire', 0, -1, recordBatch({ values: ['a', 'b'], producerId, firstSequence: 0 }))));
    expect(produceResult((await c.response())!, 'wire')).toEqual(first);
    expect(await highWatermark('wire')).toBe(hw);

    // A gap in the sequence is refused with OUT_OF_ORDER_SEQUENCE_NUMBER (45).
    c.send(RawClient.frame(ApiKey.Produce, 3, 4, produceBody('wire', 0, -1, recordBatch({ values: ['z'], producerId, firstSequence: 7 }))));
    expect(produceResult((await c.response())!, 'wire').errorCode).toBe(45);

    // The next sequence is appended after the first batch.
    c.send(RawClient.frame(ApiKey.Produce, 3, 5, produceBody('wire', 0, -1, recordBatch({ values: ['c'], producerId, firstSequence: 2 }))));
    expect(produceResult((await c.response())!, 'wire')).toEqual({ errorCode: 0, baseOffset: first.baseOffset + 2 });
    c.destroy();
  });

  it('holds a fetch with nothing to read until a produce arrives, then answers with the new records', async () => {
    const offset = await highWatermark('poll');
    const c = await RawClient.open(tb.port);
    c.send(RawClient.frame(ApiKey.Fetch, 4, 10, fetchBody('poll', 0, offset, 60_000)));
    // Still parked: nothing to read yet (a response now would be an empty, early answer).
    await expect(c.response(300)).rejects.toThrow('no response and no close');

    const producer = tb.kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'poll', messages: [{ value: 'wake up' }] });
    await producer.disconnect();
    const res = await c.response(10_000); // long before the 60 s max_wait
    const r = fetchResult(res!, 'poll');
    expect(r.errorCode).toBe(0);
    expect(r.highWatermark).toBe(offset + 1);
    expect(r.recordBytes).toBeGreaterThan(0);
    c.destroy();
  });

  it('answers a fetch whose max_wait passes with an empty record set, not null', async () => {
    const offset = await highWatermark('poll');
    const c = await RawClient.open(tb.port);
    c.send(RawClient.frame(ApiKey.Fetch, 4, 11, fetchBody('poll', 0, offset, 200)));
    const r = fetchResult((await c.response(5000))!, 'poll');
    expect(r).toEqual({ errorCode: 0, highWatermark: offset, recordBytes: 0 });
    c.destroy();
  });

  it('answers OFFSET_OUT_OF_RANGE for a fetch beyond the end of the log', async () => {
    const offset = await highWatermark('poll');
    const c = await RawClient.open(tb.port);
    c.send(RawClient.frame(ApiKey.Fetch, 4, 12, fetchBody('poll', 0, offset + 100, 0)));
    expect(fetchResult((await c.response())!, 'poll').errorCode).toBe(1);
    c.destroy();
  });
});
