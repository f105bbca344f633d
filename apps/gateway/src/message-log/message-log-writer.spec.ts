import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MessageLogCheckpoint, MessageLogEntry, MessageLogRecord, isCheckpoint, savedHeadPath, verifyRecords } from '@lgsp/message-log';
import { EventPublisher, OutgoingMessage } from '@lgsp/messaging';
import { SigningKeys, loadOrCreateSigningKeys } from '../auth/signing-keys';
import { InMemoryMessageLogIndex } from './message-log-index';
import { MessageLogWriter, MessageLogWriterOptions } from './message-log-writer';
import { exchangeFields as exchange } from '../../../../libs/message-log/src/testing/exchange-fields';

const TOPIC = 'lgsp-t.gateway.message-log';


/** The topic as a list, and each publishMany call as it was made; `failNext` makes the next call fail like Kafka down. */
class FakePublisher {
  readonly topic: MessageLogEntry[] = [];
  readonly calls: MessageLogEntry[][] = [];
  failNext = false;

  async publishMany(topic: string, messages: OutgoingMessage[]): Promise<{ partition: number; offset: string }[]> {
    expect(topic).toBe(TOPIC);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('broker unavailable');
    }
    const entries = messages.map((m) => JSON.parse(String(m.value)) as MessageLogEntry);
    this.calls.push(entries);
    return entries.map((e) => ({ partition: 0, offset: String(this.topic.push(e) - 1) }));
  }

  checkpoints(): MessageLogCheckpoint[] {
    return this.topic.filter(isCheckpoint);
  }
}

describe('MessageLogWriter checkpoints', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-writer-'));
  const headDir = join(dataDir, 'gateway');
  let keys: SigningKeys;
  let publisher: FakePublisher;
  let index: InMemoryMessageLogIndex;

  const writer = (options: MessageLogWriterOptions = {}) =>
    new MessageLogWriter(publisher as unknown as EventPublisher, TOPIC, index, 'gw-1', { signingKey: keys, checkpointAfterMs: 60_000, ...options });
  const verify = () => verifyRecords(publisher.topic, { keys: [keys.publicJwk] });
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met within 5 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  beforeAll(async () => {
    keys = await loadOrCreateSigningKeys(join(headDir, 'token-signing-key.jwk.json'));
  });
  beforeEach(() => {
    publisher = new FakePublisher();
    index = new InMemoryMessageLogIndex();
    rmSync(savedHeadPath(headDir, 'gw-1'), { force: true });
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes a signed checkpoint every N records, in the same write as the record it covers, and never indexes it', async () => {
    const w = writer({ checkpointEvery: 3 });
    for (let i = 0; i < 7; i++) await w.record(exchange(i));
    expect(publisher.checkpoints().map((c) => c.seq)).toEqual([2, 5]);
    const withCheckpoint = publisher.calls.filter((call) => call.some(isCheckpoint));
    expect(withCheckpoint.map((call) => call.map((e) => (isCheckpoint(e) ? 'checkpoint' : e.seq)))).toEqual([[2, 'checkpoint'], [5, 'checkpoint']]);
    const report = verify();
    expect(report).toMatchObject({ ok: true, records: 7, checkpoints: 2, signatures: 'verified', chains: [{ checkpointedSeq: 5, unsigned: 1 }] });
    // Records keep contiguous seqs; the index holds exchanges only.
    expect(publisher.topic.filter((e) => !isCheckpoint(e)).map((r) => (r as MessageLogRecord).seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await index.size()).toBe(7);
  });

  it('covers a group-committed batch with one checkpoint after its last record', async () => {
    const w = writer({ checkpointEvery: 4 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => w.record(exchange(i))));
    const report = verify();
    expect(report.ok).toBe(true);
    for (const c of publisher.checkpoints()) {
      const at = publisher.topic.indexOf(c);
      expect(publisher.topic[at - 1]).toMatchObject({ seq: c.seq, hash: c.hash });
    }
    expect(report.chains[0].checkpointedSeq + report.chains[0].unsigned).toBe(9);
  });

  it('writes a checkpoint a set time after the first record it does not cover yet', async () => {
    const w = writer({ checkpointAfterMs: 30 });
    await w.record(exchange(0));
    await w.record(exchange(1));
    expect(publisher.checkpoints()).toHaveLength(0);
    await until(() => publisher.checkpoints().length === 1);
    expect(publisher.checkpoints()[0]).toMatchObject({ seq: 1, chain: 'gw-1', kid: keys.kid });
    await new Promise((r) => setTimeout(r, 80));
    expect(publisher.checkpoints()).toHaveLength(1); // nothing new written: no new checkpoint
    await w.stop();
  });

  it('writes a last checkpoint on stop, only if records were written since the previous one, and signs what comes after', async () => {
    const w = writer();
    await w.record(exchange(0));
    await w.record(exchange(1));
    await w.stop();
    expect(publisher.topic[publisher.topic.length - 1]).toMatchObject({ type: 'checkpoint', seq: 1 });
    const written = publisher.topic.length;
    await w.stop();
    expect(publisher.topic).toHaveLength(written);
    // An exchange finishing during shutdown is not left unsigned.
    await w.record(exchange(2));
    expect(publisher.topic[publisher.topic.length - 1]).toMatchObject({ type: 'checkpoint', seq: 2 });
    expect(verify()).toMatchObject({ ok: true, chains: [{ checkpointedSeq: 2, unsigned: 0 }] });
  });

  it('waits on stop for a write under way', async () => {
    const w = writer();
    const pending = w.record(exchange(0));
    await w.stop();
    await pending;
    expect(publisher.topic.map((e) => (isCheckpoint(e) ? 'checkpoint' : e.seq))).toEqual([0, 'checkpoint']);
  });

  it('is stopped by Nest before the application shuts down', async () => {
    const w = writer();
    const app = await Test.createTestingModule({ providers: [{ provide: 'writer', useFactory: () => w }] }).compile();
    await app.init();
    await w.record(exchange(0));
    await app.close();
    expect(publisher.checkpoints().map((c) => c.seq)).toEqual([0]);
  });

  it('writes no checkpoint without a signing key', async () => {
    const w = writer({ signingKey: undefined, checkpointEvery: 1 });
    await w.record(exchange(0));
    await w.stop();
    expect(publisher.topic).toHaveLength(1);
  });

  it('writes no checkpoint with a failed write, and covers the records with the next one', async () => {
    const w = writer({ checkpointEvery: 2 });
    await w.record(exchange(0));
    publisher.failNext = true;
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await expect(w.record(exchange(1))).rejects.toThrow('broker unavailable');
    errors.mockRestore();
    expect(publisher.checkpoints()).toHaveLength(0);
    await w.record(exchange(1));
    expect(publisher.checkpoints().map((c) => c.seq)).toEqual([1]);
    expect(verify().ok).toBe(true);
  });

  it('saves the latest checkpoint in the data directory, replacing the previous one', async () => {
    const w = writer({ checkpointEvery: 2, headDir });
    for (let i = 0; i < 4; i++) await w.record(exchange(i));
    await w.headSaved();
    const saved = JSON.parse(readFileSync(savedHeadPath(headDir, 'gw-1'), 'utf8'));
    expect(saved).toEqual({ topic: TOPIC, checkpoint: publisher.checkpoints()[1] });
    expect(saved.checkpoint.seq).toBe(3);
    expect(existsSync(`${savedHeadPath(headDir, 'gw-1')}.tmp`)).toBe(false);
  });

  describe('resume', () => {
    it('continues the chain after records and checkpoints, indexing only records, and signs a tail left unsigned by a crash', async () => {
      const first = writer({ checkpointEvery: 2 });
      for (let i = 0; i < 3; i++) await first.record(exchange(i)); // checkpoint at 1; record 2 unsigned ("crash")
      const log = [...publisher.topic];
      index = new InMemoryMessageLogIndex();
      const second = writer({ checkpointEvery: 2, checkpointAfterMs: 20 });
      await second.resume(log);
      expect(await index.size()).toBe(3);
      await until(() => publisher.checkpoints().length === 2);
      expect(publisher.checkpoints()[1].seq).toBe(2);
      await second.record(exchange(3));
      expect(publisher.topic.filter((e) => !isCheckpoint(e)).map((r) => (r as MessageLogRecord).seq)).toEqual([0, 1, 2, 3]);
      await second.stop();
      expect(verify()).toMatchObject({ ok: true, chains: [{ checkpointedSeq: 3, unsigned: 0 }] });
    });

    it('keeps the saved head as evidence when the log no longer holds its record, and says so', async () => {
      const first = writer({ checkpointEvery: 2, headDir });
      for (let i = 0; i < 4; i++) await first.record(exchange(i));
      await first.headSaved();
      const headBefore = readFileSync(savedHeadPath(headDir, 'gw-1'), 'utf8');
      // Someone cuts records 2 and 3 and the checkpoint after them from the topic while the gateway is down.
      const cut = publisher.topic.slice(0, 3);
      expect(cut.map((e) => (isCheckpoint(e) ? 'checkpoint' : e.seq))).toEqual([0, 1, 'checkpoint']);
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        publisher = new FakePublisher();
        publisher.topic.push(...cut);
        const second = writer({ checkpointEvery: 2, headDir });
        await second.resume(cut);
        expect(errors).toHaveBeenCalledWith(expect.stringMatching(/chain gw-1 does not hold record 3 with the hash saved in .*message-log-head\.gw-1\.json/));
        for (let i = 10; i < 14; i++) await second.record(exchange(i));
        await second.headSaved();
        expect(publisher.checkpoints().length).toBeGreaterThan(1);
      } finally {
        errors.mockRestore();
      }
      expect(readFileSync(savedHeadPath(headDir, 'gw-1'), 'utf8')).toBe(headBefore);
      // And the verifier, given the saved head, names what happened.
      const head = JSON.parse(headBefore).checkpoint as MessageLogCheckpoint;
      expect(verifyRecords(publisher.topic, { keys: [keys.publicJwk], savedHeads: [head] }).problems).toEqual([
        { kind: 'rewritten', chain: 'gw-1', seq: 3, fromSeq: 2, evidence: 'saved head' },
      ]);
    });
  });
});
