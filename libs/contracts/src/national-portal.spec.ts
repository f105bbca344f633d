import { fromPortalDateTime, isPortalDateTime, toPortalDateTime } from './national-portal';

describe('portal date-times (yyyyMMddHHmmss, Vietnam time)', () => {
  it('writes an instant in UTC+7', () => {
    expect(toPortalDateTime(Date.UTC(2024, 2, 15, 1, 30, 0))).toBe('20240315083000');
  });

  it('moves to the next Vietnamese day from 17:00 UTC', () => {
    expect(toPortalDateTime(Date.UTC(2023, 11, 31, 16, 59, 59))).toBe('20231231235959');
    expect(toPortalDateTime(Date.UTC(2023, 11, 31, 17, 0, 0))).toBe('20240101000000');
  });

  it('drops milliseconds rather than rounding into the next second', () => {
    expect(toPortalDateTime(Date.UTC(2024, 0, 1, 0, 0, 0, 999))).toBe('20240101070000');
  });

  it('reads a portal date-time back to the same instant', () => {
    expect(fromPortalDateTime('20240315083000')).toBe(Date.UTC(2024, 2, 15, 1, 30, 0));
    expect(fromPortalDateTime('20240101000000')).toBe(Date.UTC(2023, 11, 31, 17, 0, 0));
  });

  it('round-trips any whole second', () => {
    for (const epochMs of [0, 951_782_400_000, 1_709_251_199_000, 4_102_444_799_000]) {
      expect(fromPortalDateTime(toPortalDateTime(epochMs))).toBe(epochMs);
    }
  });

  it('accepts 29 February only in a leap year', () => {
    expect(isPortalDateTime('20240229120000')).toBe(true);
    expect(isPortalDateTime('20230229120000')).toBe(false);
  });

  it.each([
    ['a day that does not exist', '20240230120000'],
    ['month 13', '20241301120000'],
    ['hour 24', '20240301240000'],
    ['minute 60', '20240301126000'],
    ['second 60', '20240301120060'],
    ['an ISO string', '2024-03-01T12:00:00'],
    ['a date without time', '20240301'],
    ['an empty string', ''],
    ['trailing text', '20240301120000Z'],
  ])('refuses %s', (_what, value) => {
    expect(isPortalDateTime(value)).toBe(false);
    expect(() => fromPortalDateTime(value)).toThrow(new RegExp(`${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a portal date-time`));
  });

  it('refuses what is not a string', () => {
    expect(isPortalDateTime(20240301120000)).toBe(false);
    expect(isPortalDateTime(null)).toBe(false);
  });

  it('refuses to write an instant that is not a number or has no four-digit year', () => {
    expect(() => toPortalDateTime(Number.NaN)).toThrow(RangeError);
    expect(() => toPortalDateTime(Date.UTC(10_000, 0, 1))).toThrow(/four-digit year/);
  });
});
