import { InvalidIdentifierError, requireDigits } from './errors';
import { provinceByCode, type Province } from './provinces';

const CODE_KIND = 'social insurance code' as const;
const CARD_KIND = 'health insurance card number' as const;

/** The social insurance code ("mã số BHXH"): ten digits with no check digit, so only the shape can be checked. */
export function parseSocialInsuranceCode(input: unknown): string {
  return requireDigits(CODE_KIND, input, 10);
}

/** The legacy 15-character health insurance card number, e.g. `HC4380123456789`. */
export interface HealthInsuranceCard {
  readonly value: string;
  /** Two uppercase letters: the group of the insured (DN employees, HC civil servants, TE children, …). */
  readonly group: string;
  /** One digit 1–5: the benefit level. */
  readonly benefitLevel: number;
  /** Two digits: the province that issued the card. */
  readonly province: Province;
  /** The holder's ten-digit social insurance code. */
  readonly socialInsuranceCode: string;
}

/**
 * The province digits are checked against the GSO table, and the benefit level against 1–5: both [I] — DOMAIN.md only
 * gives the layout, and Vietnam Social Security's own province numbering, where it differs, is not modelled.
 */
export function parseHealthInsuranceCard(input: unknown): HealthInsuranceCard {
  if (typeof input !== 'string') {
    throw new InvalidIdentifierError(CARD_KIND, 'IDENTIFIER_NOT_STRING', String(input), `expected a string, got ${input === null ? 'null' : typeof input}`);
  }
  if (input.length === 0) throw new InvalidIdentifierError(CARD_KIND, 'IDENTIFIER_EMPTY', input, 'it is empty');
  if (input.length !== 15) {
    throw new InvalidIdentifierError(CARD_KIND, 'IDENTIFIER_LENGTH', input, `it has ${input.length} characters, expected 15 (2 letters, 1 digit, 2 province digits, the 10-digit social insurance code)`);
  }
  if (!/^[A-Z]{2}/.test(input)) {
    throw new InvalidIdentifierError(CARD_KIND, 'IDENTIFIER_FORMAT', input, `it must start with two uppercase letters (the group of the insured, e.g. HC), got ${JSON.stringify(input.slice(0, 2))}`);
  }
  if (!/^\d{13}$/.test(input.slice(2))) {
    throw new InvalidIdentifierError(CARD_KIND, 'IDENTIFIER_NOT_DIGITS', input, 'after the two letters it must be 13 digits');
  }
  const benefitLevel = Number(input[2]);
  if (benefitLevel < 1 || benefitLevel > 5) {
    throw new InvalidIdentifierError(CARD_KIND, 'IDENTIFIER_OUT_OF_RANGE', input, `the benefit level (third character) must be 1–5, got ${benefitLevel}`);
  }
  const province = provinceByCode(input.slice(3, 5));
  if (!province) {
    throw new InvalidIdentifierError(CARD_KIND, 'IDENTIFIER_UNKNOWN_PROVINCE', input, `characters 4–5 (${input.slice(3, 5)}) are not the code of any of the 63 provinces`);
  }
  return { value: input, group: input.slice(0, 2), benefitLevel, province, socialInsuranceCode: input.slice(5) };
}
