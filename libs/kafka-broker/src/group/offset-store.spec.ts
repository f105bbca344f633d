import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerLogger } from '../broker-logger';
import { OffsetStore } from './offset-store';

function recordingLogger(): BrokerLogger & { [K in keyof BrokerLogger]: jest.Mock } {
  return { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

describe('OffsetStore', () => {
  let dir: string;
  let path: string;
  let logger: ReturnType<typeof recordingLogger>;
  let store: OffsetStore | undefined;

  const open = (): OffsetStore => {
    store = new OffsetStore(path, logger);
    store.open();
    return store;
  };
  const reopen = (): OffsetStore => {
    store?.close();
    return open();
  };
  const lines = (): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-offsets-'));
    path = join(dir, 'group-offsets.jsonl');
    logger = recordingLogger();
    store = undefined;
  });

  afterEach(() => {
    jest.restoreAllMocks();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts empty and creates its file', () => {
    const s = open();
    expect(existsSync(path)).toBe(true);
    expect(s.get('g', 't', 0)).toBeUndefined();
    expect(s.all('g')).toEqual([]);
    expect(s.hasGroup('g')).toBe(false);
    expect(s.groupIds()).toEqual([]);
  });

  it('keeps commits across a reopen, with metadata and commit time', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_500);
    let s = open();
    s.commit('g1', [
      { topic: 'orders', partition: 0, offset: 10, metadata: null },
      { topic: 'orders', partition: 1, offset: 20, metadata: 'meta' },
    ]);
    now.mockReturnValue(1_700_000_009_000);
    s.commit('g2', [{ topic: 'payments', partition: 3, offset: 7, metadata: '' }]);
    s = reopen();
    expect(s.get('g1', 'orders', 0)).toEqual({ offset: 10, metadata: null, commitTimestamp: 1_700_000_000_500 });
    expect(s.get('g1', 'orders', 1)).toEqual({ offset: 20, metadata: 'meta', commitTimestamp: 1_700_000_000_500 });
    expect(s.get('g2', 'payments', 3)).toEqual({ offset: 7, metadata: '', commitTimestamp: 1_700_000_009_000 });
    expect(s.get('g2', 'orders', 0)).toBeUndefined();
    expect(s.all('g1').map((e) => [e.topic, e.partition, e.committed.offset])).toEqual([
      ['orders', 0, 10],
      ['orders', 1, 20],
    ]);
    expect(s.groupIds().sort()).toEqual(['g1', 'g2']);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('keeps the latest commit of a partition', () => {
    let s = open();
    s.commit('g', [{ topic: 't', partition: 0, offset: 5, metadata: null }]);
    s.commit('g', [{ topic: 't', partition: 0, offset: 9, metadata: null }]);
    expect(s.get('g', 't', 0)?.offset).toBe(9);
    s = reopen();
    expect(s.get('g', 't', 0)?.offset).toBe(9);
  });

  it('ignores a torn last line, and commits after it survive the next reopen', () => {
    let s = open();
    s.commit('g', [{ topic: 't', partition: 0, offset: 5, metadata: null }]);
    s.close();
    store = undefined;
    appendFileSync(path, '{"g":"g","t":"t","p":0,"o":99,"m":nu');

    s = open();
    expect(s.get('g', 't', 0)?.offset).toBe(5);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ path, torn: 1 }), expect.any(String));
    s.commit('g', [{ topic: 't', partition: 1, offset: 6, metadata: null }]);

    logger.warn.mockClear();
    s = reopen();
    expect(s.get('g', 't', 0)?.offset).toBe(5);
    expect(s.get('g', 't', 1)?.offset).toBe(6);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(lines().every((l) => JSON.parse(l))).toBe(true);
  });

  it('persists a group deletion', () => {
    let s = open();
    s.commit('g1', [{ topic: 't', partition: 0, offset: 1, metadata: null }]);
    s.commit('g2', [{ topic: 't', partition: 0, offset: 2, metadata: null }]);
    s.deleteGroup('g1');
    expect(s.hasGroup('g1')).toBe(false);
    s = reopen();
    expect(s.hasGroup('g1')).toBe(false);
    expect(s.get('g1', 't', 0)).toBeUndefined();
    expect(s.get('g2', 't', 0)?.offset).toBe(2);
    expect(s.groupIds()).toEqual(['g2']);
  });

  it('applies a commit made after a group deletion', () => {
    let s = open();
    s.commit('g', [{ topic: 't', partition: 0, offset: 1, metadata: null }]);
    s.deleteGroup('g');
    s.commit('g', [{ topic: 't', partition: 1, offset: 3, metadata: null }]);
    s = reopen();
    expect(s.get('g', 't', 0)).toBeUndefined();
    expect(s.get('g', 't', 1)?.offset).toBe(3);
  });

  it('persists a topic deletion for every group, and only for that exact topic', () => {
    let s = open();
    s.commit('g1', [
      { topic: 'orders', partition: 0, offset: 1, metadata: null },
      { topic: 'orders', partition: 1, offset: 2, metadata: null },
      { topic: 'orders.reply', partition: 0, offset: 3, metadata: null },
      { topic: 'orders2', partition: 0, offset: 4, metadata: null },
    ]);
    s.commit('g2', [{ topic: 'orders', partition: 0, offset: 5, metadata: null }]);
    s.deleteTopic('orders');
    s = reopen();
    expect(s.all('g1').map((e) => `${e.topic}/${e.partition}`).sort()).toEqual(['orders.reply/0', 'orders2/0']);
    expect(s.get('g2', 'orders', 0)).toBeUndefined();
    expect(s.hasGroup('g2')).toBe(false);
    expect(s.groupIds()).toEqual(['g1']);
  });

  it('compacts the file to the live entries on open', () => {
    let s = open();
    for (let i = 0; i < 20; i++) s.commit('g', [{ topic: 't', partition: i % 2, offset: i, metadata: null }]);
    s.commit('gone', [{ topic: 't', partition: 0, offset: 1, metadata: null }]);
    s.deleteGroup('gone');
    expect(lines()).toHaveLength(22);
    s = reopen();
    expect(lines()).toHaveLength(2);
    expect(s.get('g', 't', 0)?.offset).toBe(18);
    expect(s.get('g', 't', 1)?.offset).toBe(19);
    expect(s.hasGroup('gone')).toBe(false);
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('compacts while running once dead lines pile up, keeping the latest offsets', () => {
    let s = open();
    s.commit('g', [{ topic: 'other', partition: 0, offset: 77, metadata: 'keep' }]);
    for (let i = 0; i <= 10_000; i++) s.commit('g', [{ topic: 't', partition: 0, offset: i, metadata: null }]);
    // 10,002 lines wrote 2 live entries: compacted when the count passed 10,000, then one more commit appended.
    expect(lines().map((l) => JSON.parse(l) as { t: string; o: number }).map((l) => [l.t, l.o])).toEqual([
      ['other', 77],
      ['t', 9_999],
      ['t', 10_000],
    ]);
    expect(s.get('g', 't', 0)?.offset).toBe(10_000);
    s.commit('g', [{ topic: 't', partition: 0, offset: 10_001, metadata: null }]);
    s = reopen();
    expect(s.get('g', 't', 0)?.offset).toBe(10_001);
    expect(s.get('g', 'other', 0)).toMatchObject({ offset: 77, metadata: 'keep' });
  });
});
