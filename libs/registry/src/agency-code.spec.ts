import { AGENCY_CODE_PATTERN, agencyAncestors, InvalidAgencyCodeError, isAgencyCode, parseAgencyCode } from './agency-code';

describe('parseAgencyCode', () => {
  it.each([
    ['000.00.00.H49', 1, 'H49', null],
    ['000.00.00.G22', 1, 'G22', null],
    ['000.00.53.H48', 2, 'H48', '000.00.00.H48'],
    ['000.00.14.H56', 2, 'H56', '000.00.00.H56'],
    ['000.17.22.H56', 3, 'H56', '000.00.22.H56'],
    ['999.010.01.H22', 4, 'H22', '000.010.01.H22'],
    ['001.17.22.H56', 4, 'H56', '000.17.22.H56'],
  ])('reads %s as level %i of group %s with parent %s', (code, level, group, parent) => {
    expect(parseAgencyCode(code)).toEqual({ code, level, group, parent });
  });

  it('gives a three-digit level 3 a two-digit zero when it walks up to level 2', () => {
    expect(parseAgencyCode('000.010.01.H22').parent).toBe('000.00.01.H22');
  });

  it('walks from a commune up to the province', () => {
    expect(agencyAncestors('000.17.22.H56')).toEqual(['000.00.22.H56', '000.00.00.H56']);
    expect(agencyAncestors('999.010.01.H22')).toEqual(['000.010.01.H22', '000.00.01.H22', '000.00.00.H22']);
    expect(agencyAncestors('000.00.00.H56')).toEqual([]);
  });

  it.each([
    ['28.22.H17', /3 segments/],
    ['000.00.00.h56', /uppercase \(000\.00\.00\.H56\)/],
    ['000.00.00. H56', /whitespace/],
    [' 000.00.00.H56', /whitespace/],
    ['000.00.00.H56\n', /whitespace/],
    ['', /empty/],
    ['000.00.00.HH6', /four dot-separated segments/],
    ['0000.00.00.H56', /four dot-separated segments/],
    ['000.0000.00.H56', /four dot-separated segments/],
    ['000.00.000.H56', /four dot-separated segments/],
    ['000.17.00.H56', /level 2 is 0 but a lower level is set/],
    ['001.00.22.H56', /level 3 is 0 but a lower level is set/],
    ['000.000.01.H22', /written 00, not 000/],
  ])('rejects %j with a sentence saying why', (code, reason) => {
    expect(() => parseAgencyCode(code)).toThrow(InvalidAgencyCodeError);
    expect(() => parseAgencyCode(code)).toThrow(reason);
    expect(() => parseAgencyCode(code)).toThrow(`${JSON.stringify(code)} is not a valid QCVN 102 agency code`);
  });

  it('rejects what is not a string instead of crashing on it', () => {
    expect(() => parseAgencyCode(56 as unknown as string)).toThrow(InvalidAgencyCodeError);
    expect(isAgencyCode(undefined)).toBe(false);
  });

  it('exports the pattern the rest of the platform validates with', () => {
    expect(AGENCY_CODE_PATTERN.test('999.010.01.H22')).toBe(true);
    expect(AGENCY_CODE_PATTERN.test('28.22.H17')).toBe(false);
    expect(isAgencyCode('000.17.22.H56')).toBe(true);
  });
});
