import { caseCodeProblem, formatCaseCode, parseCaseCode } from './case-code';

describe('case codes {agency}-{YYMMDD}-{NNNN}', () => {
  it('formats the receiving agency, the receipt day and a four-digit sequence', () => {
    expect(formatCaseCode('000.17.22.H56', '2021-05-31', 1)).toBe('000.17.22.H56-210531-0001');
    expect(formatCaseCode('000.00.53.H48', '2022-09-21', 99)).toBe('000.00.53.H48-220921-0099');
  });

  it('reads back the examples of DOMAIN.md', () => {
    expect(parseCaseCode('000.17.22.H56-210531-0001')).toEqual({ agency: '000.17.22.H56', day: '210531', sequence: 1 });
    expect(parseCaseCode('000.00.53.H48-220921-0099')).toEqual({ agency: '000.00.53.H48', day: '220921', sequence: 99 });
  });

  it.each([
    ['', /required/],
    ['000.17.22.H56-210531-001', /not a case code/],
    ['000.17.22.H56/210531/0001', /not a case code/],
    ['000.17.22.h56-210531-0001', /not a case code/],
    ['000.17.22.H56-210231-0001', /no real receipt day/],
    ['000.17.22.H56-211301-0001', /no real receipt day/],
    ['000.17.22.H56-210531-0000', /sequence 0000/],
    ['000.22.00.H56-210531-0001', /valid QCVN 102 agency code/],
  ])('refuses %j with a sentence', (input, reason) => {
    expect(caseCodeProblem(input)).toMatch(reason);
    expect(parseCaseCode(input)).toBeNull();
  });

  it('accepts the real-data quirk of a three-digit level 3', () => {
    expect(caseCodeProblem('999.010.01.H22-240101-0007')).toBeNull();
  });
});
