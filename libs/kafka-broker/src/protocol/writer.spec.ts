import { ProtocolReader } from './reader';
import { ProtocolWriter } from './writer';

function concat(w: ProtocolWriter): Buffer {
  return Buffer.concat(w.finish());
}

function filled(size: number, byte: number): Buffer {
  return Buffer.alloc(size, byte);
}

describe('ProtocolWriter', () => {
  it('encodes every primitive big-endian, byte for byte', () => {
    const w = new ProtocolWriter(4)
      .int8(-1)
      .bool(true)
      .int16(0x0102)
      .int32(-2)
      .int64(2 ** 32 + 2)
      .string('ab')
      .nullableString(null)
      .compactString('c')
      .compactNullableString(null)
      .bytes(Buffer.from([9]))
      .nullableBytes(null)
      .emptyTaggedFields();
    expect(concat(w).toString('hex')).toBe(
      ['ff', '01', '0102', 'fffffffe', '0000000100000002', '00026162', 'ffff', '0263', '00', '0000000109', 'ffffffff', '00'].join(''),
    );
  });

  it('counts multi-byte UTF-8 strings by bytes', () => {
    const s = 'ñ✓';
    const buf = concat(new ProtocolWriter().string(s).compactString(s));
    expect(buf.readInt16BE(0)).toBe(5);
    expect(buf[7]).toBe(6);
    expect(buf.length).toBe(2 + 5 + 1 + 5);
  });

  it('writes arrays with their counts', () => {
    const buf = concat(
      new ProtocolWriter().array([1, 2], (w, v) => w.int16(v)).compactArray(['x'], (w, s) => w.compactString(s)),
    );
    expect(buf.toString('hex')).toBe('00000002' + '0001' + '0002' + '02' + '0278');
  });

  it('grows its scratch buffer past the initial size without losing earlier bytes', () => {
    const w = new ProtocolWriter(3);
    for (let i = 0; i < 1000; i++) w.int32(i);
    expect(w.length).toBe(4000);
    const buf = concat(w);
    expect(buf.length).toBe(4000);
    for (let i = 0; i < 1000; i++) expect(buf.readInt32BE(i * 4)).toBe(i);
  });

  it('round-trips through the reader', () => {
    const big = filled(5000, 7);
    const w = new ProtocolWriter()
      .int32(42)
      .string('topic')
      .array([{ p: 0, b: big }, { p: 1, b: Buffer.from('small') }], (w, x) => w.int32(x.p).bytes(x.b))
      .int64(-5);
    const r = new ProtocolReader(concat(w));
    expect(r.int32()).toBe(42);
    expect(r.string()).toBe('topic');
    const parts = r.array((r) => ({ p: r.int32(), b: r.bytes() }));
    expect(parts.map((x) => x.p)).toEqual([0, 1]);
    expect(parts[0].b.equals(big)).toBe(true);
    expect(parts[1].b.toString()).toBe('small');
    expect(r.int64()).toBe(-5);
    expect(r.remaining).toBe(0);
  });

  describe('large byte fields', () => {
    it('keeps a field of 4096 bytes or more as its own chunk, by reference', () => {
      const big = filled(4096, 0xab);
      const w = new ProtocolWriter().int32(1).bytes(big).int16(2);
      expect(w.length).toBe(4 + 4 + 4096 + 2);
      const chunks = w.finish();
      expect(chunks).toHaveLength(3);
      expect(chunks[1]).toBe(big);
      expect(chunks[0].toString('hex')).toBe('00000001' + '00001000');
      expect(chunks[2].toString('hex')).toBe('0002');
      expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(4 + 4 + 4096 + 2);
    });

    it('copies a field just under the threshold into the scratch buffer', () => {
      const small = filled(4095, 0xcd);
      const w = new ProtocolWriter().bytes(small);
      expect(w.length).toBe(4 + 4095);
      const chunks = w.finish();
      expect(chunks).toHaveLength(1);
      expect(chunks[0]).not.toBe(small);
      expect(chunks[0].buffer).not.toBe(small.buffer);
      small[0] = 0; // a copy does not change with the source
      expect(chunks[0][4]).toBe(0xcd);
    });

    it('does not disturb bytes written before a large chunk when writing after it', () => {
      const big = filled(10_000, 1);
      const w = new ProtocolWriter(8);
      w.int32(0x11111111).raw(big).int32(0x22222222).string('after');
      const chunks = w.finish();
      expect(chunks[0].toString('hex')).toBe('11111111');
      expect(chunks[1]).toBe(big);
      expect(chunks[2].toString('hex')).toBe('22222222' + '0005' + Buffer.from('after').toString('hex'));
      expect(w.length).toBe(4 + 10_000 + 4 + 2 + 5);
    });

    it('writes several buffers under one length with bytesFrom, large ones by reference', () => {
      const a = Buffer.from('head');
      const b = filled(8192, 2);
      const c = filled(4096, 3);
      const d = Buffer.from('tail');
      const w = new ProtocolWriter().bytesFrom([a, b, c, d]);
      const total = 4 + 8192 + 4096 + 4;
      expect(w.length).toBe(4 + total);
      const chunks = w.finish();
      expect(chunks[0].readInt32BE(0)).toBe(total);
      expect(chunks[0].subarray(4).toString()).toBe('head');
      expect(chunks[1]).toBe(b);
      expect(chunks[2]).toBe(c);
      expect(chunks[3].toString()).toBe('tail');
      const r = new ProtocolReader(Buffer.concat(chunks));
      expect(r.bytes().equals(Buffer.concat([a, b, c, d]))).toBe(true);
    });

    it('reports length consistently before and after finish', () => {
      const w = new ProtocolWriter();
      expect(w.length).toBe(0);
      w.raw(filled(5000, 9));
      expect(w.length).toBe(5000);
      w.int8(1);
      expect(w.length).toBe(5001);
      const chunks = w.finish();
      expect(chunks.map((c) => c.length)).toEqual([5000, 1]);
      expect(w.length).toBe(5001);
    });

    it('produces no empty chunk when a large field comes first', () => {
      const big = filled(4096, 4);
      const chunks = new ProtocolWriter().raw(big).finish();
      expect(chunks).toEqual([big]);
      expect(chunks[0]).toBe(big);
    });
  });
});
