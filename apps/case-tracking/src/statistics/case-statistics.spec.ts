import { parsePlatformConfig, Registry } from '@lgsp/registry';
import { CaseBook } from '../cases/case-book';
import { CaseEvent, CaseReceived } from '../cases/case-events';
import { CaseStatistics } from './case-statistics';

const PROVINCE = '000.00.00.H56';
const DISTRICT = '000.00.31.H56';
const COMMUNE = '000.01.31.H56';
const OTHER_COMMUNE = '000.02.31.H56';

/** Epoch ms of a Vietnam-time date and hour. */
const at = (date: string, hour = 9) => Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00+07:00`);
const by = { clientId: 'c', agency: COMMUNE, officer: 'Hoa' };

function received(code: string, agency: string, date: string, procedure = '1.000001.000.00.00.H56', level: 1 | 2 | 3 | 4 = 4): CaseReceived {
  return {
    type: 'case.received', code, at: at(date), receivedAt: at(date), clientId: 'c', externalId: code, intakeHash: 'h', receivingAgency: agency,
    procedure: { code: procedure, name: 'P', fieldCode: 'HT', fieldName: 'Hộ tịch', level, tier: 'commune', dayKind: 'working', processingDays: 3 },
    channel: 1, applicant: { name: 'A', kind: 'citizen' }, summary: 's', documents: [], fees: [], status: 2,
    plan: [{ index: 0, name: 'x', agency, days: 3 }], appointment: '2026-12-10', stepDue: '2026-12-10', by,
  };
}
const moved = (code: string, from: number, to: number, date: string, onTime?: boolean): CaseEvent =>
  ({ type: 'case.status-changed', code, at: at(date, 15), from, to, by, ...(onTime === undefined ? {} : { onTime }) }) as CaseEvent;

describe('case statistics, kept as events arrive', () => {
  let registry: Registry;
  beforeAll(() => {
    registry = new Registry(
      parsePlatformConfig({
        platform: { role: 'lgsp', code: PROVINCE, name: 'T', instance: 'lgsp-t56' },
        members: [
          { code: PROVINCE, name: 'UBND tỉnh', kind: 'province' },
          { code: DISTRICT, name: 'UBND huyện', kind: 'district', parent: PROVINCE },
          { code: COMMUNE, name: 'UBND xã 1', kind: 'commune', parent: DISTRICT },
          { code: OTHER_COMMUNE, name: 'UBND xã 2', kind: 'commune', parent: DISTRICT },
        ],
        clients: [],
        services: [],
        grants: [],
      }),
    );
  });

  const build = (events: CaseEvent[]) => {
    const book = new CaseBook();
    const statistics = new CaseStatistics(registry);
    book.observe(statistics.observe);
    for (const e of events) book.apply(e);
    return statistics;
  };

  it('counts received by receipt period, done on time or late by finishing period, and what is open now', () => {
    const s = build([
      received('A-1', COMMUNE, '2026-11-30'),
      received('A-2', COMMUNE, '2026-12-01'),
      received('A-3', OTHER_COMMUNE, '2026-12-01', '1.000002.000.00.00.H56', 3),
      moved('A-1', 2, 9, '2026-12-02', true),
      moved('A-1', 9, 10, '2026-12-03'),
      moved('A-2', 2, 9, '2026-12-15', false),
      moved('A-3', 2, 7, '2026-12-02'),
    ]);
    expect(s.query('agency', '2026-11', COMMUNE)).toEqual([
      { key: COMMUNE, received: 1, doneOnTime: 0, doneLate: 0, cancelled: 0, inProgress: 0, overdueNow: 0, onTimeRate: null },
    ]);
    expect(s.query('agency', '2026-12', COMMUNE)[0]).toMatchObject({ received: 1, doneOnTime: 1, doneLate: 1, onTimeRate: 0.5 });
    // The district's unit row holds both communes; the province's too.
    expect(s.query('unit', '2026', DISTRICT)[0]).toMatchObject({ received: 3, doneOnTime: 1, doneLate: 1, cancelled: 1, inProgress: 0 });
    expect(s.query('unit', '2026-Q4', PROVINCE)[0]).toMatchObject({ received: 3 });
    expect(s.query('level', '2026-12-01', '3')[0]).toMatchObject({ received: 1, cancelled: 0 });
    expect(s.query('procedure', '2026', '1.000001.000.00.00.H56')[0]).toMatchObject({ received: 2, doneOnTime: 1, doneLate: 1 });
    // 9 → 10 is not a second finish.
    expect(s.query('all', '2026')[0]).toMatchObject({ received: 3, doneOnTime: 1, doneLate: 1, cancelled: 1 });
  });

  it('keeps overdue-now for open cases alerted overdue, once, until they finish', () => {
    const overdue = (code: string): CaseEvent => ({ type: 'case.alerted', code, at: at('2026-12-11'), threshold: 'overdue', due: '2026-12-10', agency: COMMUNE });
    const open = build([received('B-1', COMMUNE, '2026-12-01'), received('B-2', COMMUNE, '2026-12-01'), overdue('B-1'), overdue('B-1'), overdue('B-2')]);
    expect(open.query('agency', '2026', COMMUNE)[0]).toMatchObject({ inProgress: 2, overdueNow: 2 });
    const later = build([received('B-1', COMMUNE, '2026-12-01'), overdue('B-1'), moved('B-1', 2, 9, '2026-12-14', false)]);
    expect(later.query('agency', '2026', COMMUNE)[0]).toMatchObject({ inProgress: 0, overdueNow: 0, doneLate: 1 });
  });

  it('lists every value of a dimension when none is named', () => {
    const s = build([received('C-1', COMMUNE, '2026-12-01'), received('C-2', OTHER_COMMUNE, '2026-12-01')]);
    expect(s.query('agency', '2026').map((r) => r.key).sort()).toEqual([COMMUNE, OTHER_COMMUNE]);
    expect(s.query('agency', '2025').every((r) => r.received === 0)).toBe(true);
  });
});
