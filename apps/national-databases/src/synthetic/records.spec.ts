import fc from 'fast-check';
import { completeEnterpriseCode, formatPersonalId, parseEnterpriseCode, parseHealthInsuranceCard, parseLandParcelRef, parsePersonalId, PROVINCES } from '@lgsp/identifiers';
import { Draw, isAbsent } from './draw';
import { citizenRecord, enterpriseRecord, healthInsuranceCardRecord, insuranceParticipantRecord, landParcelRecord } from './records';

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
});
