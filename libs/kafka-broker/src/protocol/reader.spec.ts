import { ProtocolReader } from './reader';
import { MalformedRequestError } from './protocol-error';
import { ProtocolWriter } from './writer';

function written(build: (w: ProtocolWriter) => void): Buffer {
  const w = new ProtocolWriter(8);
  build(w);
  return Buffer.concat(w.finish());
}

function reader(build: (w: ProtocolWriter) => void): ProtocolReader {
  return new ProtocolReader(written(build));
}

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s/g, ''), 'hex');
}

/** Asserts a MalformedRequestError (never a RangeError or TypeError leaking out of Buffer). */
function expectMalformed(read: () => unknown): void {
  let caught: unknown;
  try {
    read();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(MalformedRequestError);
  expect(caught).not.toBeInstanceOf(RangeError);
  expect((caught as Error).name).toBe('MalformedRequestError');
}

describe('ProtocolReader', () => {
  describe('fixed-width integers', () => {
    it('round-trips int8, bool, int16, int32 and int64 at their extremes', () => {
      const r = reader((w) =>
        w
          .int8(-128)
          .int8(127)
          .bool(true)
          .bool(false)
          .int16(-32768)
          .int16(32767)
          .int32(-2147483648)
          .int32(2147483647)
          .int64(-1)
          .int64(Number.MAX_SAFE_INTEGER)
          .int64(-Number.MAX_SAFE_INTEGER)
          .int64(1_700_000_000_123),
      );
      expect([r.int8(), r.int8(), r.bool(), r.bool()]).toEqual([-128, 127, true, false]);
      expect([r.int16(), r.int16()]).toEqual([-32768, 32767]);
      expect([r.int32(), r.int32()]).toEqual([-2147483648, 2147483647]);
      expect([r.int64(), r.int64(), r.int64(), r.int64()]).toEqual([
        -1,
        Number.MAX_SAFE_INTEGER,
        -Number.MAX_SAFE_INTEGER,
        1_700_000_000_123,
      ]);
      expect(r.remaining).toBe(0);
    });

    it('reads big-endian bytes exactly as the wire has them', () => {
      const r = new ProtocolReader(hex('ff 0102 fffffffe 00000001 00000002'));
      expect(r.int8()).toBe(-1);
      expect(r.int16()).toBe(0x0102);
      expect(r.int32()).toBe(-2);
      expect(r.int64()).toBe(2 ** 32 + 2);
      expect(r.offset).toBe(15);
    });

    it('treats any non-zero byte as true', () => {
      expect(new ProtocolReader(hex('02')).bool()).toBe(true);
    });
  });

  describe('unsigned varints', () => {
    it.each([
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [16383, 'ff7f'],
      [16384, '808001'],
      [2 ** 21, '80808001'],
      [2 ** 28, '8080808001'],
      [2 ** 31 - 1, 'ffffffff07'],
      [2 ** 32 - 1, 'ffffffff0f'],
    ])('round-trips %d as %s', (value, bytes) => {
      const buf = written((w) => w.unsignedVarint(value));
      expect(buf.toString('hex')).toBe(bytes);
      const r = new ProtocolReader(buf);
      expect(r.unsignedVarint()).toBe(value);
      expect(r.offset).toBe(bytes.length / 2);
    });

    it('rejects a varint longer than 5 bytes', () => {
      expectMalformed(() => new ProtocolReader(hex('8080808080 01')).unsignedVarint());
      expectMalformed(() => new ProtocolReader(hex('ffffffffff ffffffff 01')).unsignedVarint());
    });

    it('rejects a varint cut off mid-way', () => {
      expectMalformed(() => new ProtocolReader(hex('80')).unsignedVarint());
      expectMalformed(() => new ProtocolReader(hex('ffff')).unsignedVarint());
      expectMalformed(() => new ProtocolReader(Buffer.alloc(0)).unsignedVarint());
    });
  });

  describe('strings', () => {
    const text = 'héllo ✓ 世界';

    it('round-trips strings by UTF-8 byte length, including empty and null', () => {
      const buf = written((w) => w.string(text).string('').nullableString(null).nullableString('x'));
      expect(buf.readInt16BE(0)).toBe(Buffer.byteLength(text));
      expect(Buffer.byteLength(text)).toBeGreaterThan(text.length);
      const r = new ProtocolReader(buf);
      expect(r.string()).toBe(text);
      expect(r.string()).toBe('');
      expect(r.nullableString()).toBeNull();
      expect(r.nullableString()).toBe('x');
      expect(r.remaining).toBe(0);
    });

    it('round-trips compact strings (length + 1 as a varint; 0 = null)', () => {
      const long = 'k'.repeat(200); // length + 1 = 201 needs a two-byte varint
      const buf = written((w) => w.compactString(text).compactString('').compactNullableString(null).compactString(long));
      expect(buf[0]).toBe(Buffer.byteLength(text) + 1);
      const r = new ProtocolReader(buf);
      expect(r.compactString()).toBe(text);
      expect(r.compactString()).toBe('');
      expect(r.compactNullableString()).toBeNull();
      expect(r.compactString()).toBe(long);
      expect(r.remaining).toBe(0);
    });

    it('rejects null where a string is required', () => {
      expectMalformed(() => reader((w) => w.nullableString(null)).string());
      expectMalformed(() => reader((w) => w.compactNullableString(null)).compactString());
    });

    it('rejects strings longer than the bytes left', () => {
      expectMalformed(() => new ProtocolReader(hex('000a 616263')).string());
      expectMalformed(() => new ProtocolReader(hex('000a 616263')).nullableString());
      expectMalformed(() => new ProtocolReader(hex('0b 616263')).compactString());
      expectMalformed(() => new ProtocolReader(hex('00')).string());
    });
  });

  describe('bytes', () => {
    it('round-trips bytes and null bytes', () => {
      const payload = Buffer.from([1, 2, 3, 250]);
      const r = reader((w) => w.bytes(payload).nullableBytes(null).bytes(Buffer.alloc(0)));
      expect(r.bytes()).toEqual(payload);
      expect(r.nullableBytes()).toBeNull();
      expect(r.bytes()).toEqual(Buffer.alloc(0));
      expect(r.remaining).toBe(0);
    });

    it('returns a view on the frame, not a copy', () => {
      const frame = hex('00000003 aabbcc');
      const b = new ProtocolReader(frame).bytes();
      expect(b.buffer).toBe(frame.buffer);
      expect(b.byteOffset).toBe(frame.byteOffset + 4);
      frame[5] = 0x11;
      expect(b[1]).toBe(0x11);
    });

    it('rejects null where bytes are required and bytes longer than the frame', () => {
      expectMalformed(() => new ProtocolReader(hex('ffffffff')).bytes());
      expectMalformed(() => new ProtocolReader(hex('00000064 0102')).bytes());
      expectMalformed(() => new ProtocolReader(hex('7fffffff')).nullableBytes());
    });
  });

  describe('arrays', () => {
    it('round-trips int32-counted arrays, empty and null ones', () => {
      const buf = written((w) =>
        w
          .array([1, -2, 3], (w, v) => w.int32(v))
          .array([] as string[], (w, s) => w.string(s))
          .int32(-1)
          .array(['a', 'bc'], (w, s) => w.string(s)),
      );
      const r = new ProtocolReader(buf);
      expect(r.array((r) => r.int32())).toEqual([1, -2, 3]);
      expect(r.array((r) => r.string())).toEqual([]);
      expect(r.nullableArray((r) => r.int32())).toBeNull();
      expect(r.nullableArray((r) => r.string())).toEqual(['a', 'bc']);
      expect(r.remaining).toBe(0);
    });

    it('round-trips compact arrays (count + 1; 0 = null)', () => {
      const r = reader((w) => w.compactArray([7, 8], (w, v) => w.int16(v)).compactArray([], () => undefined).unsignedVarint(0));
      expect(r.compactArray((r) => r.int16())).toEqual([7, 8]);
      expect(r.compactArray((r) => r.int16())).toEqual([]);
      expect(r.compactArray((r) => r.int16())).toBeNull();
    });

    it('rejects a null or negative count where an array is required', () => {
      expectMalformed(() => new ProtocolReader(hex('ffffffff')).array((r) => r.int8()));
      expectMalformed(() => new ProtocolReader(hex('fffffffe 00')).array((r) => r.int8()));
      expectMalformed(() => new ProtocolReader(hex('80000000')).array((r) => r.int8()));
    });

    it('rejects a count larger than the bytes left before reading (or allocating) anything', () => {
      const readItem = jest.fn((r: ProtocolReader) => r.int8());
      expectMalformed(() => new ProtocolReader(hex('7fffffff 0102')).array(readItem));
      expectMalformed(() => new ProtocolReader(hex('00000003 0102')).nullableArray(readItem));
      expectMalformed(() => new ProtocolReader(hex('ffffffff0f 0102')).compactArray(readItem));
      expectMalformed(() => new ProtocolReader(hex('04 0102')).compactArray(readItem));
      expect(readItem).not.toHaveBeenCalled();
    });

    it('rejects an array whose items run past the end', () => {
      expectMalformed(() => new ProtocolReader(hex('00000002 00000001 0000')).array((r) => r.int32()));
    });
  });

  describe('tagged fields', () => {
    it('skips every tagged field by its size and leaves the reader after them', () => {
      // 3 fields: tag 0 (3 bytes), tag 5 (0 bytes), tag 300 (2 bytes), then an int16 that follows the fields.
      const r = new ProtocolReader(hex('03 00 03 aabbcc 05 00 ac02 02 dddd 1234'));
      r.skipTaggedFields();
      expect(r.int16()).toBe(0x1234);
      expect(r.remaining).toBe(0);
    });

    it('skips an empty tagged-field section as one byte', () => {
      const r = reader((w) => w.emptyTaggedFields().int8(9));
      r.skipTaggedFields();
      expect(r.offset).toBe(1);
      expect(r.int8()).toBe(9);
    });

    it('rejects a tagged field that claims more bytes than are left, or a missing field', () => {
      expectMalformed(() => new ProtocolReader(hex('01 00 05 aabb')).skipTaggedFields());
      expectMalformed(() => new ProtocolReader(hex('02 00 00')).skipTaggedFields());
      expectMalformed(() => new ProtocolReader(hex('01 00 ffffffff0f')).skipTaggedFields());
    });
  });

  describe('truncation', () => {
    it.each([
      ['int8', 0, (r: ProtocolReader) => r.int8()],
      ['int16', 1, (r: ProtocolReader) => r.int16()],
      ['int32', 3, (r: ProtocolReader) => r.int32()],
      ['int64', 7, (r: ProtocolReader) => r.int64()],
      ['string length', 1, (r: ProtocolReader) => r.string()],
      ['bytes length', 3, (r: ProtocolReader) => r.bytes()],
      ['array count', 2, (r: ProtocolReader) => r.array((r) => r.int8())],
    ])('throws MalformedRequestError for a cut-off %s', (_name, available, read) => {
      expectMalformed(() => read(new ProtocolReader(Buffer.alloc(available))));
    });

    it('honours the frame end given to the constructor, not the buffer end', () => {
      const buf = hex('aa 00000005 bb bb');
      const r = new ProtocolReader(buf, 1, 5);
      expect(r.offset).toBe(1);
      expect(r.remaining).toBe(4);
      expect(r.int32()).toBe(5);
      expect(r.remaining).toBe(0);
      expectMalformed(() => r.int8());
      expect(r.offset).toBe(5);
    });
  });
});
