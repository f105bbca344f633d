import {
  checkProcedure,
  levelOfOnlineMode,
  onlineModeOfLevel,
  parseProcedure,
  parseProcedureCode,
  parseProcedureList,
} from './procedure';
import { ProcedureCatalogError } from './procedure-catalog-error';

/** A district-tier procedure as a file may give it: no onlineMode, no dayKind. */
function input(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: '1.001612.000.00.00.H56',
    name: 'Đăng ký khai sinh có yếu tố nước ngoài',
    field: { code: 'TP-HT', name: 'Hộ tịch' },
    tier: 'district',
    level: 4,
    processingDays: 15,
    receivers: { scope: 'districts-and-communes' },
    steps: [
      { name: 'Tiếp nhận hồ sơ', handler: 'receiver', days: 1 },
      { name: 'Thẩm định, quyết định', handler: 'district', days: 14 },
      { name: 'Trả kết quả', handler: 'receiver', days: 0 },
    ],
    ...overrides,
  };
}

function issuesOf(value: unknown): { path: string; message: string }[] {
  const checked = checkProcedure(value, 'procedures[3]');
  if (checked.ok) throw new Error('expected the procedure to be refused');
  return checked.issues.map(({ path, message }) => ({ path, message }));
}

describe('procedure schema', () => {
  it('completes a procedure: the mode from the level, working days by default', () => {
    expect(parseProcedure(input())).toEqual({
      code: '1.001612.000.00.00.H56',
      name: 'Đăng ký khai sinh có yếu tố nước ngoài',
      field: { code: 'TP-HT', name: 'Hộ tịch' },
      tier: 'district',
      level: 4,
      onlineMode: 'toan-trinh',
      processingDays: 15,
      dayKind: 'working',
      receivers: { scope: 'districts-and-communes' },
      steps: [
        { name: 'Tiếp nhận hồ sơ', handler: 'receiver', days: 1 },
        { name: 'Thẩm định, quyết định', handler: 'district', days: 14 },
        { name: 'Trả kết quả', handler: 'receiver', days: 0 },
      ],
    });
  });

  it('reads either online vocabulary: a Decree 42 mode alone (also in Vietnamese) implies the level', () => {
    expect(parseProcedure(input({ level: undefined, onlineMode: 'Toàn trình' }))).toMatchObject({ level: 4, onlineMode: 'toan-trinh' });
    expect(parseProcedure(input({ level: undefined, onlineMode: 'một phần' }))).toMatchObject({ level: 3, onlineMode: 'mot-phan' });
    expect(parseProcedure(input({ level: undefined, onlineMode: 'truc-tiep' }))).toMatchObject({ level: 2, onlineMode: 'truc-tiep' });
    expect(parseProcedure(input({ level: 1 }))).toMatchObject({ level: 1, onlineMode: 'truc-tiep' });
    expect([1, 2, 3, 4].map((level) => onlineModeOfLevel(level as never))).toEqual(['truc-tiep', 'truc-tiep', 'mot-phan', 'toan-trinh']);
    expect((['toan-trinh', 'mot-phan', 'truc-tiep'] as const).map(levelOfOnlineMode)).toEqual([4, 3, 2]);
  });

  it('keeps level 4 with onlineMode truc-tiep as written: procedures were reclassified under Decree 42 without their level changing', () => {
    expect(parseProcedure(input({ level: 4, onlineMode: 'truc-tiep' }))).toMatchObject({ level: 4, onlineMode: 'truc-tiep' });
  });

  it('requires a level or an online mode', () => {
    expect(issuesOf(input({ level: undefined }))).toEqual([
      { path: 'procedures[3].level', message: 'is required unless onlineMode is given (a level 1–4, or an onlineMode, or both)' },
    ]);
  });

  it('refuses steps whose days do not add up to processingDays', () => {
    expect(issuesOf(input({ processingDays: 20 }))).toEqual([
      { path: 'procedures[3].steps', message: "the steps' days add up to 15, but processingDays is 20; they must be equal" },
    ]);
  });

  it.each([
    ['1.0016.000.00.00.H56', '"1.0016.000.00.00.H56" is not a procedure code: expected the national number and the publishing agency\'s QCVN 102 code, like 1.001612.000.00.00.H56'],
    ['1.001612', '"1.001612" is not a procedure code: expected the national number and the publishing agency\'s QCVN 102 code, like 1.001612.000.00.00.H56'],
    ['1.001612.000.00.00.H5', 'the publishing agency after 1.001612. is wrong: "000.00.00.H5" is not a valid QCVN 102 agency code: expected four dot-separated segments like 000.00.00.H56 or 000.17.22.H56 (3 digits, 2 or 3 digits, 2 digits, then an uppercase letter and 2 digits)'],
  ])('refuses the procedure code %s, naming the code field', (code, message) => {
    expect(issuesOf(input({ code }))).toEqual([{ path: 'procedures[3].code', message }]);
    expect(parseProcedureCode(code)).toBeNull();
  });

  it('splits a good code into its national number and publisher', () => {
    expect(parseProcedureCode('1.001612.000.00.23.H56')).toEqual({ number: '1.001612', publisher: '000.00.23.H56' });
  });

  it('makes the first and last steps the receiver’s and keeps "district" out of the province tier', () => {
    expect(
      issuesOf(
        input({
          tier: 'province',
          receivers: { scope: 'agencies', agencies: ['000.00.02.H56'] },
          steps: [
            { name: 'Thẩm định', handler: 'district', days: 14 },
            { name: 'Trả kết quả', handler: { agency: '000.00.00.H56' }, days: 1 },
          ],
        }),
      ),
    ).toEqual([
      { path: 'procedures[3].steps[0].handler', message: 'must be "receiver": a case starts at the one-stop shop that received it' },
      { path: 'procedures[3].steps[0].handler', message: 'cannot be "district" in a province-tier procedure, whose receivers are departments' },
      { path: 'procedures[3].steps[1].handler', message: 'must be "receiver": a case returns its result to the one-stop shop that received it' },
    ]);
  });

  it('ties the receivers’ scope to the tier', () => {
    expect(issuesOf(input({ tier: 'commune' }))).toEqual([
      { path: 'procedures[3].receivers.scope', message: '"districts-and-communes" does not fit a commune-tier procedure: use "communes"' },
    ]);
    expect(issuesOf(input({ tier: 'province', steps: [{ name: 'Giải quyết', handler: 'receiver', days: 15 }] }))).toEqual([
      {
        path: 'procedures[3].receivers.scope',
        message: '"districts-and-communes" does not fit a province-tier procedure: use "agencies" and list the receiving department(s) in agencies',
      },
    ]);
  });

  it('names the scope it got when the scope is unknown, and each listed agency that is wrong', () => {
    expect(issuesOf(input({ receivers: { scope: 'villages' } }))).toEqual([
      { path: 'procedures[3].receivers.scope', message: 'must be one of "agencies", "districts", "districts-and-communes", "communes" (got "villages")' },
    ]);
    expect(issuesOf(input({ receivers: {} }))).toEqual([
      { path: 'procedures[3].receivers.scope', message: 'is required: one of "agencies", "districts", "districts-and-communes", "communes"' },
    ]);
    expect(issuesOf(input({ tier: 'province', receivers: { scope: 'agencies', agencies: ['000.00.02.H56', 'tu-phap', '000.00.02.H56'] }, steps: [{ name: 'Giải quyết', handler: 'receiver', days: 15 }] }))).toEqual([
      {
        path: 'procedures[3].receivers.agencies[1]',
        message: '"tu-phap" is not a valid QCVN 102 agency code: it has 1 segment; expected four dot-separated segments like 000.00.00.H56 or 000.17.22.H56 (3 digits, 2 or 3 digits, 2 digits, then an uppercase letter and 2 digits)',
      },
      { path: 'procedures[3].receivers.agencies[2]', message: 'lists 000.00.02.H56 more than once' },
    ]);
    expect(issuesOf(input({ tier: 'province', receivers: { scope: 'agencies', agencies: ['000.00.02.H56', '000.00.02.H56'] }, steps: [{ name: 'Giải quyết', handler: 'receiver', days: 15 }] }))).toEqual([
      { path: 'procedures[3].receivers.agencies[1]', message: 'lists 000.00.02.H56 more than once' },
    ]);
  });

  it('names every malformed field at once', () => {
    expect(
      issuesOf(
        input({
          name: '  ',
          field: { code: 'TP HT', name: 'Hộ tịch' },
          level: 5,
          onlineMode: 'online',
          dayKind: 'weekdays',
          processingDays: 1.5,
          steps: [{ name: 'Tiếp nhận hồ sơ', handler: 'someone', days: -1 }],
          fee: 8000,
        }),
      ),
    ).toEqual([
      { path: 'procedures[3].name', message: 'must not be empty' },
      { path: 'procedures[3].field.code', message: '"TP HT" is not a field code: it must have no spaces' },
      { path: 'procedures[3].level', message: 'must be one of 1, 2, 3, 4 (got 5)' },
      {
        path: 'procedures[3].onlineMode',
        message: 'must be one of "toan-trinh" (toàn trình, fully online), "mot-phan" (một phần, partly online) or "truc-tiep" (trực tiếp, in person only) (got "online")',
      },
      { path: 'procedures[3].processingDays', message: 'must be an integer (got 1.5)' },
      { path: 'procedures[3].dayKind', message: 'must be one of "working", "calendar" (got "weekdays")' },
      { path: 'procedures[3].steps[0].handler', message: 'must be "receiver", "district" or { agency: <QCVN 102 code> } (got "someone")' },
      { path: 'procedures[3].steps[0].days', message: 'must be at least 0 (got -1)' },
      { path: 'procedures[3].fee', message: 'is not a known field' },
    ]);
  });

  it('throws INVALID_PROCEDURE on one line for an API body', () => {
    let error: unknown;
    try {
      parseProcedure(input({ processingDays: 16 }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProcedureCatalogError);
    expect((error as ProcedureCatalogError).code).toBe('INVALID_PROCEDURE');
    expect((error as ProcedureCatalogError).status).toBe(422);
    expect((error as ProcedureCatalogError).message).toBe("Invalid procedure: steps: the steps' days add up to 15, but processingDays is 16; they must be equal");
  });
});

describe('parseProcedureList', () => {
  it('takes a bare list or { procedures: [...] }', () => {
    const second = input({ code: '1.001613.000.00.00.H56', name: 'Đăng ký kết hôn có yếu tố nước ngoài' });
    expect(parseProcedureList([input(), second]).map((procedure) => procedure.code)).toEqual(['1.001612.000.00.00.H56', '1.001613.000.00.00.H56']);
    expect(parseProcedureList({ procedures: [input(), second] })).toEqual(parseProcedureList([input(), second]));
  });

  it('lists every problem of every procedure, each under its index, on its own line', () => {
    let error: ProcedureCatalogError | undefined;
    try {
      parseProcedureList({ procedures: [input(), input({ code: 'x' }), input({ steps: [] })] }, 'catalog.yaml');
    } catch (caught) {
      error = caught as ProcedureCatalogError;
    }
    expect(error?.code).toBe('INVALID_CATALOG');
    expect(error?.issues.map((issue) => issue.path)).toEqual(['procedures[1].code', 'procedures[2].steps']);
    expect(error?.message.split('\n')).toEqual([
      'Invalid procedure catalog in catalog.yaml (2 problems):',
      '  - procedures[1].code: "x" is not a procedure code: expected the national number and the publishing agency\'s QCVN 102 code, like 1.001612.000.00.00.H56',
      '  - procedures[2].steps: must list at least 1 item',
    ]);
  });

  it('refuses other shapes, and other sections beside procedures', () => {
    const message = (value: unknown) => {
      try {
        parseProcedureList(value);
      } catch (caught) {
        return (caught as ProcedureCatalogError).issues.map(({ path, message: text }) => `${path}: ${text}`);
      }
      throw new Error('expected a refusal');
    };
    expect(message('procedures')).toEqual([': must be a list of procedures or an object with a procedures list (got "procedures")']);
    expect(message({ procedures: {} })).toEqual(['procedures: must be a list (got an object)']);
    expect(message({ procedures: [], version: 2 })).toEqual(['version: is not a known field (a catalog holds procedures)']);
  });
});
