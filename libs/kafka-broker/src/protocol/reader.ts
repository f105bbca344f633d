import { MalformedRequestError } from './protocol-error';

/**
 * Reads Kafka's primitive types from one request frame. Every read is bounds-checked and throws
 * MalformedRequestError instead of RangeError, so a hostile frame is reported, never crashes the broker.
 * Byte fields are returned as views on the frame (no copy): produce payloads go to disk from here.
 */
export class ProtocolReader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new MalformedRequestError(`request truncated: needed ${n} bytes at ${this.pos}, frame ends at ${this.end}`);
    }
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** int64 as a JS number: offsets and timestamps stay far below 2^53 in practice; ids are compared, not summed. */
  int64(): number {
    this.need(8);
    const v = Number(this.buf.readBigInt64BE(this.pos));
    this.pos += 8;
    return v;
  }

  unsignedVarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const byte = this.buf[this.pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
      if (shift > 28) throw new MalformedRequestError('varint longer than 5 bytes');
    }
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new MalformedRequestError('null where a string is required');
    return s;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) throw new MalformedRequestError('null where a compact string is required');
    return s;
  }

  compactNullableString(): string | null {
    const lenPlusOne = this.unsignedVarint();
    if (lenPlusOne === 0) return null;
    const len = lenPlusOne - 1;
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  bytes(): Buffer {
    const b = this.nullableBytes();
    if (b === null) throw new MalformedRequestError('null where bytes are required');
    return b;
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    this.need(len);
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }

  /** An int32-counted array. A count larger than the bytes left is rejected before any allocation. */
  array<T>(readItem: (r: ProtocolReader) => T): T[] {
    const items = this.nullableArray(readItem);
    if (items === null) throw new MalformedRequestError('null where an array is required');
    return items;
  }

  nullableArray<T>(readItem: (r: ProtocolReader) => T): T[] | null {
    const count = this.int32();
    if (count < 0) return null;
    if (count > this.remaining) throw new MalformedRequestError(`array of ${count} items in ${this.remaining} bytes`);
    const items = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = readItem(this);
    return items;
  }

  compactArray<T>(readItem: (r: ProtocolReader) => T): T[] | null {
    const countPlusOne = this.unsignedVarint();
    if (countPlusOne === 0) return null;
    const count = countPlusOne - 1;
    if (count > this.remaining) throw new MalformedRequestError(`array of ${count} items in ${this.remaining} bytes`);
    const items = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = readItem(this);
    return items;
  }

  /** Tagged fields of flexible versions: none is understood yet, so each is skipped by its size. */
  skipTaggedFields(): void {
    const count = this.unsignedVarint();
    for (let i = 0; i < count; i++) {
      this.unsignedVarint();
      const size = this.unsignedVarint();
      this.need(size);
      this.pos += size;
    }
  }
}
