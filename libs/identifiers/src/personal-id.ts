import { InvalidIdentifierError, requireDigits } from './errors';
import { provinceByCode, type Province } from './provinces';

const KIND = 'personal identification number' as const;

export type Sex = 'male' | 'female';

/** The 12-digit personal identification number (Circular 07/2016/TT-BCA), read into what it says about its holder. */
export interface PersonalId {
  readonly value: string;
  /** The province where the birth was registered (first three digits). */
  readonly province: Province;
  readonly birthYear: number;
  readonly sex: Sex;
  /** The last six digits: a sequence with no meaning of its own. */
  readonly serial: string;
}

export interface PersonalIdOptions {
  /** The date "now" is measured against, so that a birth year in the future is refused; tests pass a fixed one. */
  readonly now?: Date;
}

/**
 * Digit 4 carries both century and sex: 0/1 → 1900s male/female, 2/3 → 2000s, 4/5 → 2100s, 6/7 → 2200s, 8/9 → 2300s.
 * So its half gives the century and its parity the sex.
 */
export function parsePersonalId(input: unknown, options: PersonalIdOptions = {}): PersonalId {
  const value = requireDigits(KIND, input, 12);
  const province = provinceByCode(value.slice(0, 3));
  if (!province) {
    throw new InvalidIdentifierError(
      KIND,
      'IDENTIFIER_UNKNOWN_PROVINCE',
      value,
      `its first three digits ${value.slice(0, 3)} are not the code of any of the 63 provinces (001 Hà Nội … 096 Cà Mau)`,
    );
  }
  const centurySex = Number(value[3]);
  const birthYear = 1900 + Math.floor(centurySex / 2) * 100 + Number(value.slice(4, 6));
  const currentYear = (options.now ?? new Date()).getUTCFullYear();
  if (birthYear > currentYear) {
    throw new InvalidIdentifierError(
      KIND,
      'IDENTIFIER_FUTURE_BIRTH_YEAR',
      value,
      `digits 4–6 (${value.slice(3, 6)}) give the birth year ${birthYear}, which is after ${currentYear}`,
    );
  }
  return { value, province, birthYear, sex: centurySex % 2 === 0 ? 'male' : 'female', serial: value.slice(6) };
}

/** The century+sex digit for a birth year and sex: the inverse of what parsePersonalId reads. */
export function centurySexDigit(birthYear: number, sex: Sex): number {
  if (!Number.isInteger(birthYear) || birthYear < 1900 || birthYear > 2399) {
    throw new RangeError(`birth year ${birthYear} cannot be written in a personal identification number (1900–2399)`);
  }
  return Math.floor((birthYear - 1900) / 100) * 2 + (sex === 'female' ? 1 : 0);
}

/** Builds a number from its parts (generators and tests); the result parses back to the same parts. */
export function formatPersonalId(parts: { provinceGso: string; birthYear: number; sex: Sex; serial: string }): string {
  if (!provinceByCode(parts.provinceGso)) throw new RangeError(`${parts.provinceGso} is not a province code`);
  if (!/^\d{6}$/.test(parts.serial)) throw new RangeError(`the serial must be six digits, got ${JSON.stringify(parts.serial)}`);
  const province = parts.provinceGso.length === 2 ? `0${parts.provinceGso}` : parts.provinceGso;
  const year = String(parts.birthYear % 100).padStart(2, '0');
  return `${province}${centurySexDigit(parts.birthYear, parts.sex)}${year}${parts.serial}`;
}
