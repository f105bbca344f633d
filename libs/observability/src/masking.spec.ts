import fc from 'fast-check';
import { DEFAULT_SENSITIVE_KEYS, maskJson, maskPersonalData } from './masking';

describe('maskPersonalData', () => {
  describe('12-digit personal identification numbers', () => {
    it.each([
      ['038095000112', '038*******12'],
      ['CCCD: 051200123456', 'CCCD: 051*******56'],
      ['/citizens/052301987654/records', '/citizens/052*******54/records'],
      ['?cccd=038095000112&x=1', '?cccd=038*******12&x=1'],
      ['"soDinhDanh":"038095000112"', '"soDinhDanh":"038*******12"'],
      ['(038095000112)', '(038*******12)'],
      ['ids=038095000112,051200123456', 'ids=038*******12,051*******56'],
    ])('%s → %s', (input, expected) => {
      expect(maskPersonalData(input)).toBe(expected);
    });
  });

  describe('10-digit tax and social insurance codes', () => {
    it.each([
      ['MST 0101234567', 'MST 01******67'],
      ['enterprise 0101234567-001 (branch)', 'enterprise 01******67-001 (branch)'],
      ['BHXH 7912345678', 'BHXH 79******78'],
      ['số sổ BHXH: 0123456789.', 'số sổ BHXH: 01******89.'],
    ])('%s → %s', (input, expected) => {
      expect(maskPersonalData(input)).toBe(expected);
    });

    it('masks a 10-digit number that is not a tax code at all: the documented price of the 10-digit ambiguity', () => {
      // An epoch time in seconds cannot be told from a tax code by its digits alone.
      expect(maskPersonalData('exp=1714558830')).toBe('exp=17******30');
    });
  });

  describe('Vietnamese phone numbers', () => {
    it.each([
      ['0912345678', '*******678'],
      ['SĐT 0387654321', 'SĐT *******321'],
      ['+84912345678', '+84******678'],
      ['tel:+84 912 345 678', 'tel:+84 *** *** 678'],
      ['0912 345 678', '**** *** 678'],
      ['0912.345.678', '****.***.678'],
      ['091-234-5678', '***-***-*678'],
    ])('%s → %s', (input, expected) => {
      expect(maskPersonalData(input)).toBe(expected);
    });

    it('reads a 10-digit number with a mobile prefix as a phone number, which reveals less than the tax-code mask', () => {
      // 03… is also a Hồ Chí Minh City tax code; either way only 3 digits stay visible.
      expect(maskPersonalData('0301234567')).toBe('*******567');
    });
  });

  describe('e-mail addresses and health-insurance cards', () => {
    it.each([
      ['nguyenvana@gmail.com', 'n*********@gmail.com'],
      ['Liên hệ: tran.thi.b+lgsp@thanhhoa.gov.vn.', 'Liên hệ: t**************@thanhhoa.gov.vn.'],
      ['mailto:an@x.vn', 'mailto:a*@x.vn'],
      ['0912345678@mail.vn', '0*********@mail.vn'],
      ['thẻ BHYT DN4797915123456', 'thẻ BHYT DN47979******56'],
    ])('%s → %s', (input, expected) => {
      expect(maskPersonalData(input)).toBe(expected);
    });
  });

  it('masks every identifier in a Vietnamese sentence and nothing else', () => {
    const text =
      'Công dân Nguyễn Văn A, CCCD số 038095000112, sinh năm 1995, SĐT 0912345678, email nguyenvana@gmail.com, ' +
      'nộp hồ sơ H56.22-240501-0001 lúc 2024-05-01T08:30:00Z, lệ phí 150.000 đồng, mã số thuế 0101234567.';
    expect(maskPersonalData(text)).toBe(
      'Công dân Nguyễn Văn A, CCCD số 038*******12, sinh năm 1995, SĐT *******678, email n*********@gmail.com, ' +
        'nộp hồ sơ H56.22-240501-0001 lúc 2024-05-01T08:30:00Z, lệ phí 150.000 đồng, mã số thuế 01******67.',
    );
  });

  describe('numbers that are not personal identifiers stay as they are', () => {
    it.each([
      ['Kafka offset 123456789', 'a 9-digit offset'],
      ['offset 12345678901', 'an 11-digit number'],
      ['at 1714558830123 ms', 'an epoch time in milliseconds (13 digits)'],
      ['1038095000112', 'a 12-digit id inside a 13-digit run'],
      ['00912345678', 'a phone number inside an 11-digit run'],
      ['partition 3, 2024-05-01T08:30:00.123Z', 'timestamps and small numbers'],
      ['550e8400-e29b-41d4-a716-446655440000', 'a UUID whose last group is all digits'],
      ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'a traceparent'],
      ['pi 3.1234567890', 'a decimal fraction of 10 digits'],
      ['1234567890.5', 'a decimal with a 10-digit integer part'],
      ['CCCD038095000112', 'an id glued to letters (documented as not caught)'],
      ['mã QHNS 1234567', 'a 7-digit budget-relation unit code'],
      ['G12.01.38.H56', 'an agency code'],
    ])('%s (%s)', (input) => {
      expect(maskPersonalData(input)).toBe(input);
    });
  });

  it('returns text without digits or @ untouched (and fast)', () => {
    const text = 'Hồ sơ đã được tiếp nhận';
    expect(maskPersonalData(text)).toBe(text);
  });

  it('is linear on long hostile input (no catastrophic backtracking)', () => {
    const hostile = 'a.'.repeat(100_000) + '1'.repeat(100_000) + '0912 '.repeat(20_000);
    const started = Date.now();
    maskPersonalData(hostile);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  describe('properties', () => {
    const separator = fc.constantFrom(' ', ', ', ': ', '/', '=', '"', '\n', ' và ');
    const cccd = fc.stringMatching(/^0\d{11}$/);

    it('never lets the hidden middle digits of a 12-digit id through, whatever surrounds it', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(separator, cccd), { minLength: 1, maxLength: 5 }), separator, (parts, tail) => {
          const text = parts.map(([sep, id]) => sep + id).join('') + tail;
          const masked = maskPersonalData(text);
          for (const [, id] of parts) {
            expect(masked).not.toContain(id);
            expect(masked).toContain(`${id.slice(0, 3)}*******${id.slice(10)}`);
          }
        }),
      );
    });

    it('keeps the length of the text and masking twice changes nothing', () => {
      const piece = fc.oneof(fc.string(), cccd, fc.stringMatching(/^0[35789]\d{8}$/), fc.stringMatching(/^[a-z]{1,8}@[a-z]{2,6}\.vn$/));
      fc.assert(
        fc.property(fc.array(fc.tuple(piece, separator), { maxLength: 6 }), (parts) => {
          const text = parts.map(([p, s]) => p + s).join('');
          const once = maskPersonalData(text);
          expect(once).toHaveLength(text.length);
          expect(maskPersonalData(once)).toBe(once);
        }),
      );
    });
  });
});

describe('maskJson', () => {
  it('masks strings at any depth and replaces values under sensitive keys, case- and separator-insensitively', () => {
    const input = {
      service: 'tra-cuu-cong-dan',
      CCCD: '038095000112',
      HoTen: 'Nguyễn Văn A',
      citizen: {
        so_dinh_danh: '038095000112',
        birth_date: '1995-03-02',
        contacts: [{ phone: '0912345678', email: 'nguyenvana@gmail.com' }, 'Gọi 0912 345 678'],
        diaChi: { tinh: 'Thanh Hóa', xa: 'Đông Sơn' },
      },
      auth: { Client_Secret: 's3cr3t', ACCESS_TOKEN: 'eyJ...' },
      note: 'MST 0101234567',
      count: 3,
      ok: true,
      missing: null,
    };
    expect(maskJson(input)).toEqual({
      service: 'tra-cuu-cong-dan',
      CCCD: '***',
      HoTen: '***',
      citizen: {
        so_dinh_danh: '***',
        birth_date: '***',
        contacts: [{ phone: '*******678', email: 'n*********@gmail.com' }, 'Gọi **** *** 678'],
        diaChi: '***',
      },
      auth: { Client_Secret: '***', ACCESS_TOKEN: '***' },
      note: 'MST 01******67',
      count: 3,
      ok: true,
      missing: null,
    });
  });

  it('copies: the input is not modified', () => {
    const input = { a: { phone: '0912345678' }, list: ['038095000112'] };
    const snapshot = structuredClone(input);
    const out = maskJson(input) as typeof input;
    expect(input).toEqual(snapshot);
    expect(out.a).not.toBe(input.a);
    expect(out.list).not.toBe(input.list);
  });

  it('takes its own list of sensitive keys in place of the default', () => {
    const input = { maHoSo: 'H56-001', password: 'pw', note: '0912345678' };
    expect(maskJson(input, { sensitiveKeys: ['maHoSo'] })).toEqual({ maHoSo: '***', password: 'pw', note: '*******678' });
    expect(maskJson(input, { sensitiveKeys: [...DEFAULT_SENSITIVE_KEYS, 'maHoSo'] })).toEqual({ maHoSo: '***', password: '***', note: '*******678' });
  });

  it('leaves numbers alone: types stay stable and JSON numbers have lost their leading zero anyway', () => {
    expect(maskJson({ amount: 1234567890, cccdNumber: 38095000112 })).toEqual({ amount: 1234567890, cccdNumber: 38095000112 });
  });

  it('serialises dates and buffers as JSON would, and survives cycles', () => {
    const cyclic: Record<string, unknown> = { at: new Date('2024-05-01T00:00:00.000Z'), phone: '0912345678' };
    cyclic.self = cyclic;
    expect(maskJson(cyclic)).toEqual({ at: '2024-05-01T00:00:00.000Z', phone: '*******678', self: '[Circular]' });
    expect(maskJson({ raw: Buffer.from('hi') })).toEqual({ raw: { type: 'Buffer', data: [104, 105] } });
  });

  it('masks a bare string and passes other scalars through', () => {
    expect(maskJson('0912345678')).toBe('*******678');
    expect(maskJson(42)).toBe(42);
    expect(maskJson(undefined)).toBeUndefined();
  });
});
