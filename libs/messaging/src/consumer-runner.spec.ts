import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { ConsumerRunner } from './consumer-runner';
import type { ConnectionCore } from './messaging-connection';
import type { IncomingMessage } from './messages';

/** Drives the unordered batch handler directly with a fetched batch, as kafkajs would. */
function runBatch(offsets: string[], onMessage: (m: IncomingMessage) => Promise<void>, limit = 4) {
  const runner = new ConsumerRunner({} as ConnectionCore, {
    groupId: 'g',
    topics: ['t'],
    fromBeginning: true,
    autoCommit: true,
    maxWaitMs: 100,
    concurrency: 1,
    unorderedWithinPartition: limit,
    onMessage,
  });
  const resolved: string[] = [];
  const messages = offsets.map((offset) => ({ offset, key: null, value: Buffer.from(offset), headers: {}, timestamp: '0' }) as unknown as KafkaMessage);
  const payload = {
    batch: { topic: 't', partition: 0, messages },
    resolveOffset: (o: string) => void resolved.push(o),
    heartbeat: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
  const done = (runner as unknown as { eachUnordered(p: EachBatchPayload, l: number): Promise<void> }).eachUnordered(payload, limit);
  return { done, resolved };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ConsumerRunner, requests handled out of order within a partition', () => {
  it('handles up to the limit at once and resolves every offset, in order, once all are done', async () => {
    let atOnce = 0;
    let most = 0;
    const { done, resolved } = runBatch(['10', '11', '12', '13', '14', '15'], async (m) => {
      most = Math.max(most, ++atOnce);
      await tick(m.offset === '10' ? 30 : 5);
      atOnce--;
    }, 3);
    await done;
    expect(most).toBe(3);
    expect(resolved).toEqual(['10', '11', '12', '13', '14', '15']);
  });

  it('resolves nothing past a message still in hand, even when later ones are finished', async () => {
    let releaseFirst!: () => void;
    const first = new Promise<void>((r) => (releaseFirst = r));
    const { done, resolved } = runBatch(['0', '1', '2'], async (m) => (m.offset === '0' ? first : undefined));
    await tick(20);
    expect(resolved).toEqual([]);
    releaseFirst();
    await done;
    expect(resolved).toEqual(['0', '1', '2']);
  });

  it('stops at a failure: offsets stay below the failed message, so it and those after it are redelivered', async () => {
    const handled: string[] = [];
    const { done, resolved } = runBatch(['0', '1', '2', '3', '4', '5'], async (m) => {
      handled.push(m.offset);
      if (m.offset === '1') throw new Error('reply could not be written');
    }, 1);
    await expect(done).rejects.toThrow('reply could not be written');
    expect(resolved).toEqual(['0']);
    expect(handled).toEqual(['0', '1']);
  });
});
