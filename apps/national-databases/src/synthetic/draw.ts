import { createHash } from 'node:crypto';

/**
 * A stream of numbers fixed by a seed: SHA-256 of `seed#counter`, read four bytes at a time. Every field of a
 * synthetic record is drawn from the stream of `{seed}:{system}:{identifier}`, so one identifier always gives one
 * record and nothing has to be stored. Fields must be drawn in a fixed order; adding a field at the end keeps the
 * earlier ones.
 */
export class Draw {
  private block = Buffer.alloc(0);
  private offset = 0;
  private counter = 0;

  constructor(private readonly seed: string) {}

  static for(seed: string, system: string, identifier: string): Draw {
    return new Draw(`${seed}:${system}:${identifier}`);
  }

  /** 0 … 2³²−1. */
  uint32(): number {
    if (this.offset + 4 > this.block.length) {
      this.block = createHash('sha256').update(`${this.seed}#${this.counter++}`).digest();
      this.offset = 0;
    }
    const value = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** An integer in [min, max]; the modulo bias is below one in ten million for the ranges used here. */
  int(min: number, max: number): number {
    return min + (this.uint32() % (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** true with probability `p`. */
  chance(p: number): boolean {
    return this.uint32() / 0x1_0000_0000 < p;
  }

  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(this.int(0, 9));
    return out;
  }
}

/**
 * Whether a valid identifier is one the system has no record of. Hashed apart from the record's own stream, so the
 * absent share can change without changing any record that stays present.
 */
export function isAbsent(seed: string, system: string, identifier: string, share: number): boolean {
  if (share <= 0) return false;
  const value = createHash('sha256').update(`${seed}:absent:${system}:${identifier}`).digest().readUInt32BE(0);
  return value / 0x1_0000_0000 < share;
}
