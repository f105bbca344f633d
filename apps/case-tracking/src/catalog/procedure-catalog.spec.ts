import { generateThanhHoaDemo, Registry, setSecretHashCost } from '@lgsp/registry';
import type { Procedure, ProcedureStep } from './procedure';
import { ProcedureCatalog, type ProcedureListFilter } from './procedure-catalog';
import { ProcedureCatalogError } from './procedure-catalog-error';

setSecretHashCost(1024);

// Codes of the Thanh Hóa demo registry: departments 01–21, districts 22–48, communes numbered within each district.
const PROVINCE = '000.00.00.H56';
const TU_PHAP = '000.00.02.H56';
const CONG_THUONG = '000.00.05.H56';
const Y_TE = '000.00.15.H56';
const THANH_HOA_CITY = '000.00.22.H56';
const BIM_SON = '000.00.23.H56';
const CITY_COMMUNE = '000.01.22.H56';
const BIM_SON_COMMUNE = '000.01.23.H56';
const BIM_SON_COMMUNE_2 = '000.02.23.H56';

const steps = (...rows: [string, ProcedureStep['handler'], number][]): ProcedureStep[] => rows.map(([name, handler, days]) => ({ name, handler, days }));

const LY_LICH: Procedure = {
  code: '1.000101.000.00.00.H56',
  name: 'Cấp phiếu lý lịch tư pháp cho công dân Việt Nam',
  field: { code: 'TP-LLTP', name: 'Lý lịch tư pháp' },
  tier: 'province',
  level: 4,
  onlineMode: 'toan-trinh',
  processingDays: 10,
  dayKind: 'working',
  receivers: { scope: 'agencies', agencies: [TU_PHAP] },
  steps: steps(['Tiếp nhận hồ sơ', 'receiver', 0], ['Thẩm định hồ sơ', 'receiver', 6], ['Phê duyệt', { agency: PROVINCE }, 3], ['Trả kết quả', 'receiver', 1]),
};
const KHAI_SINH_NN: Procedure = {
  code: '1.000102.000.00.00.H56',
  name: 'Đăng ký khai sinh có yếu tố nước ngoài',
  field: { code: 'TP-HT', name: 'Hộ tịch' },
  tier: 'district',
  level: 3,
  onlineMode: 'mot-phan',
  processingDays: 15,
  dayKind: 'working',
  receivers: { scope: 'districts-and-communes' },
  steps: steps(['Tiếp nhận hồ sơ', 'receiver', 1], ['Thẩm định, quyết định', 'district', 14], ['Trả kết quả', 'receiver', 0]),
};
const KHAI_SINH: Procedure = {
  code: '1.000103.000.00.00.H56',
  name: 'Đăng ký khai sinh',
  field: { code: 'TP-HT', name: 'Hộ tịch' },
  tier: 'commune',
  level: 4,
  onlineMode: 'toan-trinh',
  processingDays: 1,
  dayKind: 'working',
  receivers: { scope: 'communes' },
  steps: steps(['Tiếp nhận hồ sơ', 'receiver', 0], ['Giải quyết', 'receiver', 1], ['Trả kết quả', 'receiver', 0]),
};
const KET_HON: Procedure = {
  code: '1.000104.000.00.00.H56',
  name: 'Đăng ký kết hôn',
  field: { code: 'TP-HT', name: 'Hộ tịch' },
  tier: 'commune',
  level: 2,
  onlineMode: 'truc-tiep',
  processingDays: 5,
  dayKind: 'calendar',
  receivers: { scope: 'communes' },
  steps: steps(['Tiếp nhận hồ sơ', 'receiver', 0], ['Thẩm định, trình UBND cấp huyện', 'receiver', 2], ['Phê duyệt', 'district', 3], ['Trả kết quả', 'receiver', 0]),
};
/** Published by Bỉm Sơn itself: it applies in that district and its communes only. */
const GPXD_BIM_SON: Procedure = {
  code: '1.000105.000.00.23.H56',
  name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
  field: { code: 'XD-HDXD', name: 'Hoạt động xây dựng' },
  tier: 'district',
  level: 4,
  onlineMode: 'toan-trinh',
  processingDays: 15,
  dayKind: 'working',
  receivers: { scope: 'districts-and-communes' },
  steps: steps(['Tiếp nhận hồ sơ', 'receiver', 1], ['Thẩm định, cấp phép', 'district', 14], ['Trả kết quả', 'receiver', 0]),
};
const BAN_LE_RUOU: Procedure = {
  code: '1.000106.000.00.00.H56',
  name: 'Cấp giấy phép bán lẻ rượu',
  field: { code: 'CT-LTHH', name: 'Lưu thông hàng hóa trong nước' },
  tier: 'district',
  level: 3,
  onlineMode: 'mot-phan',
  processingDays: 10,
  dayKind: 'working',
  receivers: { scope: 'districts' },
  steps: steps(
    ['Tiếp nhận hồ sơ', 'receiver', 0],
    ['Thẩm định hồ sơ', 'district', 7],
    ['Lấy ý kiến Sở Công Thương', { agency: CONG_THUONG }, 2],
    ['Quyết định', 'district', 1],
    ['Trả kết quả', 'receiver', 0],
  ),
};
const NHAP_QUOC_TICH: Procedure = {
  code: '1.000107.000.00.00.H56',
  name: 'Giải quyết hồ sơ xin nhập quốc tịch Việt Nam',
  field: { code: 'TP-QT', name: 'Quốc tịch' },
  tier: 'province',
  level: 1,
  onlineMode: 'truc-tiep',
  processingDays: 30,
  dayKind: 'working',
  receivers: { scope: 'agencies', agencies: [TU_PHAP] },
  steps: steps(['Tiếp nhận hồ sơ', 'receiver', 0], ['Thẩm định hồ sơ', 'receiver', 30], ['Trả kết quả', 'receiver', 0]),
};
/** Given out of code order on purpose: listing must sort. */
const HAND_WRITTEN = [NHAP_QUOC_TICH, KET_HON, LY_LICH, GPXD_BIM_SON, KHAI_SINH_NN, BAN_LE_RUOU, KHAI_SINH];

let registry: Registry;
let catalog: ProcedureCatalog;

beforeAll(async () => {
  registry = new Registry((await generateThanhHoaDemo({ secrets: 'deterministic' })).config);
  catalog = new ProcedureCatalog(HAND_WRITTEN, registry);
});

function refusal(work: () => unknown): ProcedureCatalogError {
  try {
    work();
  } catch (error) {
    if (error instanceof ProcedureCatalogError) return error;
    throw error;
  }
  throw new Error('expected a ProcedureCatalogError, but nothing was thrown');
}

const codes = (filter: Partial<ProcedureListFilter> | Record<string, unknown>) => catalog.list({ limit: 50, ...filter } as ProcedureListFilter).items.map((item) => item.code);
const communeName = (code: string) => `${registry.member(code)!.name} (${code})`;

describe('ProcedureCatalog.plan', () => {
  it('sends a district-tier case received at a commune to that commune’s district and back, with the step days', () => {
    expect(catalog.plan(KHAI_SINH_NN, CITY_COMMUNE)).toEqual({
      steps: [
        { index: 0, name: 'Tiếp nhận hồ sơ', agency: CITY_COMMUNE, days: 1 },
        { index: 1, name: 'Thẩm định, quyết định', agency: THANH_HOA_CITY, days: 14 },
        { index: 2, name: 'Trả kết quả', agency: CITY_COMMUNE, days: 0 },
      ],
      agencies: [CITY_COMMUNE, THANH_HOA_CITY],
    });
  });

  it('keeps a case received at the district in one row, since nothing is handed over', () => {
    expect(catalog.plan(KHAI_SINH_NN, BIM_SON)).toEqual({
      steps: [{ index: 0, name: 'Tiếp nhận hồ sơ; Thẩm định, quyết định; Trả kết quả', agency: BIM_SON, days: 15 }],
      agencies: [BIM_SON],
    });
  });

  it('resolves fixed agencies and merges consecutive steps at one agency', () => {
    expect(catalog.plan(LY_LICH, TU_PHAP)).toEqual({
      steps: [
        { index: 0, name: 'Tiếp nhận hồ sơ; Thẩm định hồ sơ', agency: TU_PHAP, days: 6 },
        { index: 1, name: 'Phê duyệt', agency: PROVINCE, days: 3 },
        { index: 2, name: 'Trả kết quả', agency: TU_PHAP, days: 1 },
      ],
      agencies: [TU_PHAP, PROVINCE],
    });
    expect(catalog.plan(BAN_LE_RUOU, BIM_SON).steps).toEqual([
      { index: 0, name: 'Tiếp nhận hồ sơ; Thẩm định hồ sơ', agency: BIM_SON, days: 7 },
      { index: 1, name: 'Lấy ý kiến Sở Công Thương', agency: CONG_THUONG, days: 2 },
      { index: 2, name: 'Quyết định; Trả kết quả', agency: BIM_SON, days: 1 },
    ]);
  });

  it('sends a commune-tier step marked "district" to the receiving commune’s own district', () => {
    expect(catalog.plan(KET_HON, BIM_SON_COMMUNE_2).steps).toEqual([
      { index: 0, name: 'Tiếp nhận hồ sơ; Thẩm định, trình UBND cấp huyện', agency: BIM_SON_COMMUNE_2, days: 2 },
      { index: 1, name: 'Phê duyệt', agency: BIM_SON, days: 3 },
      { index: 2, name: 'Trả kết quả', agency: BIM_SON_COMMUNE_2, days: 0 },
    ]);
  });

  it('applies a district’s own procedure in that district and its communes only', () => {
    expect(catalog.plan(GPXD_BIM_SON, BIM_SON_COMMUNE).agencies).toEqual([BIM_SON_COMMUNE, BIM_SON]);
    const error = refusal(() => catalog.plan(GPXD_BIM_SON, CITY_COMMUNE));
    expect(error.code).toBe('AGENCY_NOT_INVOLVED');
    expect(error.message).toBe(
      `${communeName(CITY_COMMUNE)} may not receive procedure 1.000105.000.00.23.H56 (Cấp giấy phép xây dựng nhà ở riêng lẻ): it is a district-tier procedure received by Thị xã Bỉm Sơn (000.00.23.H56) or a commune under it, which forwards the case to it.`,
    );
    expect(refusal(() => catalog.plan(GPXD_BIM_SON, THANH_HOA_CITY)).code).toBe('AGENCY_NOT_INVOLVED');
  });

  it('refuses a department receiving a commune-tier case, naming the agency and the procedure', () => {
    const error = refusal(() => catalog.plan(KHAI_SINH, TU_PHAP));
    expect(error.code).toBe('AGENCY_NOT_INVOLVED');
    expect(error.status).toBe(422);
    expect(error.message).toBe(
      'Sở Tư pháp (000.00.02.H56) may not receive procedure 1.000103.000.00.00.H56 (Đăng ký khai sinh): it is a commune-tier procedure received by any commune.',
    );
  });

  it('refuses a district receiving a commune-tier case', () => {
    expect(refusal(() => catalog.plan(KHAI_SINH, BIM_SON)).message).toBe(
      'Thị xã Bỉm Sơn (000.00.23.H56) may not receive procedure 1.000103.000.00.00.H56 (Đăng ký khai sinh): it is a commune-tier procedure received by any commune.',
    );
  });

  it('refuses a department that is not the province-tier procedure’s receiver, and the province itself', () => {
    expect(refusal(() => catalog.plan(LY_LICH, Y_TE)).message).toBe(
      'Sở Y tế (000.00.15.H56) may not receive procedure 1.000101.000.00.00.H56 (Cấp phiếu lý lịch tư pháp cho công dân Việt Nam): it is a province-tier procedure received by Sở Tư pháp (000.00.02.H56) only.',
    );
    expect(refusal(() => catalog.plan(LY_LICH, PROVINCE)).code).toBe('AGENCY_NOT_INVOLVED');
  });

  it('refuses a department or a commune receiving a district-only procedure', () => {
    expect(refusal(() => catalog.plan(KHAI_SINH_NN, TU_PHAP)).message).toBe(
      'Sở Tư pháp (000.00.02.H56) may not receive procedure 1.000102.000.00.00.H56 (Đăng ký khai sinh có yếu tố nước ngoài): it is a district-tier procedure received by any district, or any commune, which forwards the case to its district.',
    );
    expect(refusal(() => catalog.plan(BAN_LE_RUOU, BIM_SON_COMMUNE)).message).toBe(
      `${communeName(BIM_SON_COMMUNE)} may not receive procedure 1.000106.000.00.00.H56 (Cấp giấy phép bán lẻ rượu): it is a district-tier procedure received by any district.`,
    );
  });

  it('refuses an agency the registry does not know', () => {
    const error = refusal(() => catalog.plan(KHAI_SINH, '000.99.48.H56'));
    expect(error.code).toBe('UNKNOWN_AGENCY');
    expect(error.status).toBe(422);
    expect(error.message).toBe('"000.99.48.H56" is not an agency of this platform\'s registry.');
  });

  it('answers mayReceive with the same rule', () => {
    expect(catalog.mayReceive(KHAI_SINH_NN, CITY_COMMUNE)).toBe(true);
    expect(catalog.mayReceive(KHAI_SINH_NN, TU_PHAP)).toBe(false);
    expect(catalog.mayReceive(LY_LICH, TU_PHAP)).toBe(true);
    expect(catalog.mayReceive(LY_LICH, '000.99.48.H56')).toBe(false);
  });
});

describe('ProcedureCatalog.get and all', () => {
  it('finds procedures by code and answers 404 for an unknown one', () => {
    expect(catalog.get(KHAI_SINH.code)).toEqual(KHAI_SINH);
    expect(catalog.get('1.999999.000.00.00.H56')).toBeUndefined();
    const error = refusal(() => catalog.getOrThrow('1.999999.000.00.00.H56'));
    expect(error.code).toBe('UNKNOWN_PROCEDURE');
    expect(error.status).toBe(404);
    expect(error.message).toBe('There is no procedure "1.999999.000.00.00.H56" in the catalog.');
  });

  it('keeps the given order in all(), and hands out frozen copies that the caller’s objects cannot change', () => {
    const input = structuredClone(HAND_WRITTEN);
    const own = new ProcedureCatalog(input, registry);
    expect(own.all().map((procedure) => procedure.code)).toEqual(HAND_WRITTEN.map((procedure) => procedure.code));
    expect(own.size).toBe(7);
    input[0]!.name = 'changed afterwards';
    input[0]!.steps[0]!.days = 99;
    expect(own.get(NHAP_QUOC_TICH.code)).toEqual(NHAP_QUOC_TICH);
    const held = own.get(NHAP_QUOC_TICH.code)!;
    expect(() => {
      (held as { name: string }).name = 'x';
    }).toThrow(TypeError);
    expect(() => {
      (held.steps[0] as { days: number }).days = 5;
    }).toThrow(TypeError);
  });
});

describe('ProcedureCatalog.list', () => {
  it('lists in code order, whatever order the catalog was given in', () => {
    expect(codes({})).toEqual([
      '1.000101.000.00.00.H56',
      '1.000102.000.00.00.H56',
      '1.000103.000.00.00.H56',
      '1.000104.000.00.00.H56',
      '1.000105.000.00.23.H56',
      '1.000106.000.00.00.H56',
      '1.000107.000.00.00.H56',
    ]);
  });

  it('filters by tier, level, online mode (in either spelling) and field', () => {
    expect(codes({ tier: 'commune' })).toEqual([KHAI_SINH.code, KET_HON.code]);
    expect(codes({ level: 4 })).toEqual([LY_LICH.code, KHAI_SINH.code, GPXD_BIM_SON.code]);
    expect(codes({ onlineMode: 'mot-phan' })).toEqual([KHAI_SINH_NN.code, BAN_LE_RUOU.code]);
    expect(codes({ onlineMode: 'Một phần' })).toEqual([KHAI_SINH_NN.code, BAN_LE_RUOU.code]);
    expect(codes({ field: 'TP-HT' })).toEqual([KHAI_SINH_NN.code, KHAI_SINH.code, KET_HON.code]);
    expect(codes({ tier: 'district', level: 3 })).toEqual([KHAI_SINH_NN.code, BAN_LE_RUOU.code]);
    expect(codes({ field: 'NO-SUCH-FIELD' })).toEqual([]);
  });

  it('filters by the agency that would receive the case, with the rule plan applies', () => {
    expect(codes({ agency: BIM_SON_COMMUNE })).toEqual([KHAI_SINH_NN.code, KHAI_SINH.code, KET_HON.code, GPXD_BIM_SON.code]);
    expect(codes({ agency: CITY_COMMUNE })).toEqual([KHAI_SINH_NN.code, KHAI_SINH.code, KET_HON.code]);
    expect(codes({ agency: BIM_SON })).toEqual([KHAI_SINH_NN.code, GPXD_BIM_SON.code, BAN_LE_RUOU.code]);
    expect(codes({ agency: TU_PHAP })).toEqual([LY_LICH.code, NHAP_QUOC_TICH.code]);
    expect(codes({ agency: Y_TE })).toEqual([]);
  });

  it('searches word beginnings in the name, the field’s name and the code, ignoring accents and case', () => {
    expect(codes({ search: 'dang ky khai sinh' })).toEqual([KHAI_SINH_NN.code, KHAI_SINH.code]);
    expect(codes({ search: 'KHAI SINH' })).toEqual([KHAI_SINH_NN.code, KHAI_SINH.code]);
    expect(codes({ search: 'Đăng ký kết hôn' })).toEqual([KET_HON.code]);
    expect(codes({ search: 'ly lich' })).toEqual([LY_LICH.code]);
    // Words match on their own, not as a phrase: "hồ sơ … quốc tịch" has a word starting "ho" and one starting "tich".
    expect(codes({ search: 'ho tich' })).toEqual([KHAI_SINH_NN.code, KHAI_SINH.code, KET_HON.code, NHAP_QUOC_TICH.code]);
    expect(codes({ search: 'quoc tich' })).toEqual([NHAP_QUOC_TICH.code]);
    expect(codes({ search: '1.000103' })).toEqual([KHAI_SINH.code]);
    expect(codes({ search: 'inh' })).toEqual([]);
    expect(codes({ tier: 'commune', search: 'dang ky' })).toEqual([KHAI_SINH.code, KET_HON.code]);
  });

  it('pages with next and after, counting every match on every page', () => {
    const first = catalog.list({ limit: 3 });
    expect(first.items.map((item) => item.code)).toEqual([LY_LICH.code, KHAI_SINH_NN.code, KHAI_SINH.code]);
    expect(first).toMatchObject({ total: 7, next: KHAI_SINH.code });
    const second = catalog.list({ limit: 3, after: first.next! });
    expect(second.items.map((item) => item.code)).toEqual([KET_HON.code, GPXD_BIM_SON.code, BAN_LE_RUOU.code]);
    expect(second).toMatchObject({ total: 7, next: BAN_LE_RUOU.code });
    const last = catalog.list({ limit: 3, after: second.next! });
    expect(last.items.map((item) => item.code)).toEqual([NHAP_QUOC_TICH.code]);
    expect(last).toMatchObject({ total: 7, next: null });

    const filtered = catalog.list({ field: 'TP-HT', limit: 2 });
    expect(filtered).toMatchObject({ total: 3, next: KHAI_SINH.code });
    expect(catalog.list({ field: 'TP-HT', limit: 2, after: filtered.next! })).toMatchObject({ items: [KET_HON], total: 3, next: null });
    // An exact fit leaves no page after it.
    expect(catalog.list({ tier: 'commune', limit: 2 }).next).toBeNull();
  });

  it('resumes after a code that is not (or no longer) in the catalog', () => {
    expect(codes({ after: '1.000103.5' })).toEqual([KET_HON.code, GPXD_BIM_SON.code, BAN_LE_RUOU.code, NHAP_QUOC_TICH.code]);
    expect(codes({ after: '9' })).toEqual([]);
  });

  it('takes a query string’s text for numbers', () => {
    expect(catalog.list({ level: '4', limit: '2' } as never)).toMatchObject({ total: 3, next: KHAI_SINH.code });
  });

  it.each([
    [{ tier: 'village' }, 'tier', 'must be one of "province", "district", "commune" (got "village")'],
    [{ level: '5' }, 'level', 'must be one of 1, 2, 3, 4 (got 5)'],
    [{ level: '' }, 'level', 'must be one of 1, 2, 3, 4 (got "")'],
    [{ onlineMode: 'online' }, 'onlineMode', 'must be one of "toan-trinh", "mot-phan", "truc-tiep" (got "online")'],
    [{ limit: '0' }, 'limit', 'must be at least 1 (got 0)'],
    [{ limit: '501' }, 'limit', 'must be at most 500 (got 501)'],
    [{ limit: 'all' }, 'limit', 'must be a number (got "all")'],
    [{ colour: 'red' }, 'colour', 'is not a known field'],
    [{ agency: '000.00.99.H56' }, 'agency', '"000.00.99.H56" is not an agency of this platform\'s registry'],
  ])('refuses the query %j with INVALID_QUERY naming %s', (query, parameter, message) => {
    const error = refusal(() => catalog.list(query as never));
    expect(error.code).toBe('INVALID_QUERY');
    expect(error.status).toBe(400);
    expect(error.issues).toEqual([{ path: parameter, message }]);
    expect(error.message).toBe(`Invalid procedure listing query: ${parameter}: ${message}`);
  });
});

describe('ProcedureCatalog checks against the registry', () => {
  function problems(procedures: Procedure[]): { path: string; message: string }[] {
    const error = refusal(() => new ProcedureCatalog(procedures, registry));
    expect(error.code).toBe('INVALID_CATALOG');
    return error.issues.map(({ path, message }) => ({ path, message }));
  }

  it('refuses a code listed twice and one field code with two names', () => {
    expect(problems([KHAI_SINH, KET_HON, { ...KHAI_SINH, name: 'Đăng ký khai sinh lưu động' }, { ...NHAP_QUOC_TICH, field: { code: 'TP-HT', name: 'Quốc tịch' } }])).toEqual([
      { path: 'procedures[2].code', message: 'procedure 1.000103.000.00.00.H56 is listed twice (first at procedures[0])' },
      { path: 'procedures[3].field.name', message: 'field TP-HT is named "Hộ tịch" at procedures[0]; one field code has one name' },
    ]);
  });

  it('refuses receivers and handlers that are not in the registry or not of the right kind', () => {
    expect(
      problems([
        { ...LY_LICH, receivers: { scope: 'agencies', agencies: ['000.00.60.H56', BIM_SON] } },
        { ...BAN_LE_RUOU, steps: BAN_LE_RUOU.steps.map((step) => (typeof step.handler === 'object' ? { ...step, handler: { agency: BIM_SON_COMMUNE } } : step)) },
      ]),
    ).toEqual([
      { path: 'procedures[0].receivers.agencies[0]', message: 'agency 000.00.60.H56 is not in the registry' },
      { path: 'procedures[0].receivers.agencies[1]', message: 'Thị xã Bỉm Sơn (000.00.23.H56) is a district; a receiver must be a department' },
      {
        path: 'procedures[1].steps[2].handler.agency',
        message: `${communeName(BIM_SON_COMMUNE)} is a commune; a fixed step handler must be a province or a department`,
      },
    ]);
  });

  it('refuses a publisher of the wrong kind for the tier, and a department outside its publisher', () => {
    expect(
      problems([
        { ...KHAI_SINH, code: '1.000103.000.00.02.H56' },
        { ...LY_LICH, code: '1.000101.000.00.00.H22' },
      ]),
    ).toEqual([
      { path: 'procedures[0].code', message: 'Sở Tư pháp (000.00.02.H56) is a department; the publisher of a commune-tier procedure must be a province or a district' },
      { path: 'procedures[1].code', message: 'agency 000.00.00.H22 is not in the registry' },
    ]);
  });

  it('runs the schema too, since a caller may build procedures in code', () => {
    expect(problems([{ ...KHAI_SINH, processingDays: 2 }])).toEqual([
      { path: 'procedures[0].steps', message: "the steps' days add up to 1, but processingDays is 2; they must be equal" },
    ]);
  });
});
