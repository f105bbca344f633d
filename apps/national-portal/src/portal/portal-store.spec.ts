import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleCase, sampleProgress } from '../testing/sample-records';
import { PortalJournal, PortalJournalError } from './portal-journal';
import { PortalStore } from './portal-store';

const SECOND_CASE = '000.00.02.H56-240315-0002';

describe('PortalStore', () => {
  const now = () => Date.UTC(2024, 2, 16, 2, 0, 0);

  it('creates, replaces and recognizes an unchanged case record', () => {
    const store = new PortalStore(null, now);
    expect(store.pushCases([sampleCase(), sampleCase({ MaHoSo: SECOND_CASE })]).map((o) => o.outcome)).toEqual(['created', 'created']);
    expect(store.pushCases([sampleCase({ TrangThaiHoSo: 4 }), sampleCase({ MaHoSo: SECOND_CASE })]).map((o) => o.outcome)).toEqual(['updated', 'unchanged']);
    expect(store.caseCount).toBe(2);
    expect(store.lookup(sampleCase().MaHoSo)?.HoSo.TrangThaiHoSo).toBe(4);
  });

  it('lets the later of two records with one MaHoSo in a batch win', () => {
    const store = new PortalStore(null, now);
    const outcomes = store.pushCases([sampleCase({ TrangThaiHoSo: 2 }), sampleCase({ TrangThaiHoSo: 4 })]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['created', 'updated']);
    expect(store.lookup(sampleCase().MaHoSo)?.HoSo.TrangThaiHoSo).toBe(4);
  });

  it('stores a progress record once, whether it comes again later or twice in one batch', () => {
    const store = new PortalStore(null, now);
    store.pushCases([sampleCase()]);
    const first = sampleProgress();
    const second = sampleProgress({ ThoiDiemXuLy: '20240317100000', NoiDungXuLy: 'Trình ký' });
    expect(store.pushProgress([first, first]).map((o) => o.outcome)).toEqual(['stored', 'duplicate']);
    expect(store.pushProgress([first, second]).map((o) => o.outcome)).toEqual(['duplicate', 'stored']);
    expect(store.progressCount).toBe(2);
    expect(store.lookup(first.MaHoSo)?.TienDo).toEqual([first, second]);
  });

  it('counts a record that differs in any field as new progress', () => {
    const store = new PortalStore(null, now);
    store.pushCases([sampleCase()]);
    store.pushProgress([sampleProgress()]);
    expect(store.pushProgress([sampleProgress({ NoiDungXuLy: 'Chuyển thẩm định hồ sơ (sửa)' })])[0]!.outcome).toBe('stored');
  });

  it('names the progress records whose case it does not hold, and refuses to store them', () => {
    const store = new PortalStore(null, now);
    store.pushCases([sampleCase()]);
    const batch = [sampleProgress(), sampleProgress({ MaHoSo: SECOND_CASE })];
    expect(store.unknownCases(batch)).toEqual([1]);
    expect(() => store.pushProgress(batch)).toThrow(/unknown cases at 1/);
    expect(store.progressCount).toBe(0);
  });

  it('answers a look-up with the record, the progress and when it last changed, in portal time', () => {
    const store = new PortalStore(null, now);
    store.pushCases([sampleCase()]);
    expect(store.lookup(sampleCase().MaHoSo)).toEqual({ HoSo: sampleCase(), TienDo: [], NgayCapNhat: '20240316090000' });
    expect(store.lookup(SECOND_CASE)).toBeNull();
  });
});

describe('PortalStore with a data file', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'national-portal-'));
    file = join(dir, 'nested', 'portal.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const reopen = () => {
    const opened = PortalJournal.open(file);
    return { opened, store: new PortalStore(opened.journal, Date.now, opened.entries) };
  };

  it('restores cases, progress and duplicate detection from the file', () => {
    const first = reopen();
    first.store.pushCases([sampleCase(), sampleCase({ MaHoSo: SECOND_CASE })]);
    first.store.pushCases([sampleCase({ TrangThaiHoSo: 4 })]);
    first.store.pushProgress([sampleProgress()]);
    first.opened.journal.close();

    const second = reopen();
    expect(second.store.caseCount).toBe(2);
    expect(second.store.progressCount).toBe(1);
    expect(second.store.lookup(sampleCase().MaHoSo)?.HoSo.TrangThaiHoSo).toBe(4);
    expect(second.store.pushProgress([sampleProgress()])[0]!.outcome).toBe('duplicate');
    expect(second.store.pushCases([sampleCase({ MaHoSo: SECOND_CASE })])[0]!.outcome).toBe('unchanged');
    second.opened.journal.close();
  });

  it('writes only what changed: an all-duplicate batch adds no line', () => {
    const { opened, store } = reopen();
    store.pushCases([sampleCase()]);
    store.pushProgress([sampleProgress()]);
    const before = readFileSync(file, 'utf8');
    store.pushProgress([sampleProgress()]);
    store.pushCases([sampleCase()]);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(before.trim().split('\n')).toHaveLength(2);
    opened.journal.close();
  });

  it('cuts off a last line left unfinished by a crash, and appends cleanly after it', () => {
    const first = reopen();
    first.store.pushCases([sampleCase()]);
    first.opened.journal.close();
    appendFileSync(file, '{"v":1,"kind":"progress","at":17');

    const second = reopen();
    expect(second.opened.discardedBytes).toBe('{"v":1,"kind":"progress","at":17'.length);
    second.store.pushProgress([sampleProgress()]);
    second.opened.journal.close();

    const third = reopen();
    expect(third.store.caseCount).toBe(1);
    expect(third.store.progressCount).toBe(1);
    third.opened.journal.close();
  });

  it('refuses to start from a file damaged in the middle, naming the line', () => {
    const first = reopen();
    first.store.pushCases([sampleCase()]);
    first.opened.journal.close();
    writeFileSync(file, `not json\n${readFileSync(file, 'utf8')}`);
    expect(() => PortalJournal.open(file)).toThrow(PortalJournalError);
    expect(() => PortalJournal.open(file)).toThrow(/line 1 is not JSON/);
  });

  it('refuses a line that is JSON but not a portal entry', () => {
    const other = join(dir, 'other.jsonl');
    writeFileSync(other, '{"kind":"cases"}\n');
    expect(() => PortalJournal.open(other)).toThrow(/line 1 is not a portal data entry/);
  });

  it('changes nothing in memory when the file cannot take the batch', () => {
    const { opened, store } = reopen();
    store.pushCases([sampleCase()]);
    opened.journal.close();
    expect(() => store.pushCases([sampleCase({ MaHoSo: SECOND_CASE })])).toThrow(/is closed/);
    expect(() => store.pushProgress([sampleProgress()])).toThrow(/is closed/);
    expect(store.caseCount).toBe(1);
    expect(store.progressCount).toBe(0);
  });
});
