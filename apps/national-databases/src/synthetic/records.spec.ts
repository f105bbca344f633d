import fc from 'fast-check';
import {
  completeEnterpriseCode,
  formatPersonalId,
  parseEnterpriseCode,
  parseHealthInsuranceCard,
  parseLandParcelRef,
  parsePersonalId,
  provinceAddressName,
  PROVINCES,
} from '@lgsp/identifiers';
import { Draw, isAbsent } from './draw';
import { birthExtractRecord, citizenRecord, enterpriseRecord, healthInsuranceCardRecord, insuranceParticipantRecord, landParcelRecord } from './records';

const SEED = 'spec-seed';
const TODAY = new Date('2026-03-15T00:00:00Z');

describe('Draw', () => {
  it('gives the same stream for the same seed and another for another', () => {
    const take = (d: Draw) => Array.from({ length: 20 }, () => d.uint32());
    expect(take(Draw.for(SEED, 'population', '038095001234'))).toEqual(take(Draw.for(SEED, 'population', '038095001234')));
    expect(take(Draw.for(SEED, 'population', '038095001234'))).not.toEqual(take(Draw.for('other', 'population', '038095001234')));
    expect(take(Draw.for(SEED, 'population', '038095001234'))).not.toEqual(take(Draw.for(SEED, 'insurance', '038095001234')));
  });

  it('keeps int() within bounds', () => {
    const d = new Draw('bounds');
    for (let i = 0; i < 1000; i++) expect(d.int(3, 7)).toBeGreaterThanOrEqual(3);
    const values = new Set(Array.from({ length: 1000 }, () => d.int(3, 7)));
    expect([...values].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('marks about the asked share absent, and none at share 0', () => {
    const keys = Array.from({ length: 4000 }, (_, i) => String(1_000_000 + i));
    const share = keys.filter((k) => isAbsent(SEED, 'budget-units', k, 0.05)).length / keys.length;
    expect(share).toBeGreaterThan(0.035);
    expect(share).toBeLessThan(0.065);
    expect(keys.some((k) => isAbsent(SEED, 'budget-units', k, 0))).toBe(false);
  });
});

describe('synthetic records agree with their identifiers', () => {
  it('a citizen has the number’s birth year, sex and province, and a real date not after today', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVINCES),
        fc.integer({ min: 1900, max: 2026 }),
        fc.constantFrom('male' as const, 'female' as const),
        fc.stringMatching(/^\d{6}$/),
        (province, birthYear, sex, serial) => {
          const id = parsePersonalId(formatPersonalId({ provinceGso: province.gso, birthYear, sex, serial }), { now: TODAY });
          const record = citizenRecord(SEED, id, TODAY);
          expect(record).toMatchObject({ personalId: id.value, sex, birthRegistration: { province: province.name } });
          expect(record.birthDate).toMatch(new RegExp(`^${birthYear}-\\d{2}-\\d{2}$`));
          expect(new Date(`${record.birthDate}T00:00:00Z`).toISOString().slice(0, 10)).toBe(record.birthDate);
          expect(Date.parse(record.birthDate)).toBeLessThanOrEqual(TODAY.getTime());
          expect(citizenRecord(SEED, id, TODAY)).toEqual(record);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an enterprise carries its code; its shares add up to 100', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), (nine) => {
        const record = enterpriseRecord(SEED, parseEnterpriseCode(completeEnterpriseCode(nine)), TODAY);
        expect(record.enterpriseCode).toBe(completeEnterpriseCode(nine));
        expect(record.members.reduce((sum, m) => sum + m.sharePercent, 0)).toBe(100);
        expect(record.members.every((m) => m.sharePercent >= 1)).toBe(true);
        expect(record.businessLines.filter((l) => l.main)).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it('a card’s holder is the participant of its code', () => {
    const card = parseHealthInsuranceCard('DN1520123456789');
    const record = healthInsuranceCardRecord(SEED, card, TODAY);
    expect(record).toMatchObject({ ...insuranceParticipantRecord(SEED, '0123456789', TODAY), card: { issuingProvince: 'Bình Định', benefitLevel: 1, group: 'DN' } });
    expect(record.birthDate.length).toBe({ day: 10, month: 7, year: 4 }[record.birthDatePrecision]);
  });

  it('every parcel of one commune lies in one province, and its holders have valid numbers', () => {
    const provinces = new Set<string>();
    for (let parcel = 1; parcel <= 30; parcel++) {
      const record = landParcelRecord(SEED, parseLandParcelRef(`14755/3/${parcel}`), TODAY);
      provinces.add(record.address.province);
      for (const holder of record.holders) expect(() => parsePersonalId(holder.personalId, { now: TODAY })).not.toThrow();
    }
    expect(provinces.size).toBe(1);
  });

  describe('a birth extract', () => {
    const DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
    /** `dd/MM/yyyy` → epoch ms, checking that the day exists (31/02 would roll over and not read back the same). */
    const readDate = (text: string): number => {
      const [, day, month, year] = DATE.exec(text) ?? [];
      expect(day).toBeDefined();
      const ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
      const back = new Date(ms);
      expect([back.getUTCDate(), back.getUTCMonth() + 1, back.getUTCFullYear()]).toEqual([Number(day), Number(month), Number(year)]);
      return ms;
    };
    const anyId = fc
      .tuple(fc.constantFrom(...PROVINCES), fc.integer({ min: 1900, max: 2026 }), fc.constantFrom('male' as const, 'female' as const), fc.stringMatching(/^\d{6}$/))
      .map(([province, birthYear, sex, serial]) => parsePersonalId(formatPersonalId({ provinceGso: province.gso, birthYear, sex, serial }), { now: TODAY }));

    it('is the population system’s person: same number, name, birth date and sex', () => {
      fc.assert(
        fc.property(anyId, (id) => {
          const citizen = citizenRecord(SEED, id, TODAY);
          const extract = birthExtractRecord(SEED, id, TODAY);
          expect(extract.soDinhDanh).toBe(id.value);
          expect(extract.hoTen).toBe(citizen.fullName);
          expect(extract.ngaySinh).toBe(citizen.birthDate.split('-').reverse().join('/'));
          expect(extract.gioiTinh).toBe(citizen.sex === 'male' ? 'Nam' : 'Nữ');
        }),
        { numRuns: 300 },
      );
    });

    it('writes dates as dd/MM/yyyy and registers the birth within 60 days after it, never after today', () => {
      fc.assert(
        fc.property(anyId, (id) => {
          const extract = birthExtractRecord(SEED, id, TODAY);
          const born = readDate(extract.ngaySinh);
          const registered = readDate(extract.ngayDangKy);
          expect(registered).toBeGreaterThanOrEqual(born);
          expect(registered - born).toBeLessThanOrEqual(60 * 86_400_000);
          expect(registered).toBeLessThanOrEqual(TODAY.getTime());
          // The book is the registration year's; the office is in the number's province.
          expect(extract.quyenSo).toMatch(new RegExp(`^\\d{2}/${extract.ngayDangKy.slice(6)}$`));
          expect(extract.soDangKy).toMatch(/^[1-9]\d*$/);
          expect(extract.noiDangKy).toMatch(/^UBND (xã|phường) .+, (huyện|thành phố|quận) .+, (tỉnh|thành phố) /);
          expect(extract.noiDangKy.endsWith(provinceAddressName(id.province))).toBe(true);
          expect(extract.noiSinh.endsWith(provinceAddressName(id.province))).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    it('for someone born today, registers the birth today at the latest', () => {
      const id = parsePersonalId(formatPersonalId({ provinceGso: '01', birthYear: 2026, sex: 'female', serial: '000001' }), { now: TODAY });
      // Dates of the current year are drawn up to today, so move "today" to each day the record could be born on.
      for (const day of ['2026-01-01', '2026-01-20', '2026-03-15']) {
        const today = new Date(`${day}T12:00:00Z`);
        const extract = birthExtractRecord(SEED, id, today);
        expect(readDate(extract.ngayDangKy)).toBeLessThanOrEqual(today.getTime());
        expect(readDate(extract.ngayDangKy)).toBeGreaterThanOrEqual(readDate(extract.ngaySinh));
      }
    });

    it('has parents 18–45 years older, a mother always, a father for nearly everyone, and mostly his family name', () => {
      const ids = Array.from({ length: 2000 }, (_, i) => parsePersonalId(formatPersonalId({ provinceGso: '38', birthYear: 1950 + (i % 70), sex: i % 2 ? 'male' : 'female', serial: String(100000 + i) }), { now: TODAY }));
      const extracts = ids.map((id) => birthExtractRecord(SEED, id, TODAY));
      const family = (name: string) => name.split(' ')[0];
      for (const e of extracts) {
        const born = Number(e.ngaySinh.slice(6));
        for (const parent of [e.cha, e.me]) {
          if (parent === null) continue;
          expect(born - parent.namSinh).toBeGreaterThanOrEqual(18);
          expect(born - parent.namSinh).toBeLessThanOrEqual(45);
        }
        // A mother's middle name is never the male "Văn", a father's never "Thị".
        expect(e.me.hoTen.split(' ')[1]).not.toBe('Văn');
        if (e.cha) expect(e.cha.hoTen.split(' ')[1]).not.toBe('Thị');
      }
      const fatherless = extracts.filter((e) => e.cha === null).length / extracts.length;
      expect(fatherless).toBeGreaterThan(0.01);
      expect(fatherless).toBeLessThan(0.06);
      const withFather = extracts.filter((e) => e.cha !== null);
      expect(withFather.filter((e) => family(e.cha!.hoTen) === family(e.hoTen)).length / withFather.length).toBeGreaterThan(0.9);
    });

    it('is the same every time for one seed, and another for another seed', () => {
      const id = parsePersonalId('038095001234', { now: TODAY });
      const extract = birthExtractRecord(SEED, id, TODAY);
      expect(birthExtractRecord(SEED, id, TODAY)).toEqual(extract);
      expect(birthExtractRecord('other-seed', id, TODAY)).not.toEqual(extract);
    });
  });
});
