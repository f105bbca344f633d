import { InvalidIdentifierError, requireDigits } from './errors';

const KIND = 'enterprise code' as const;

/** Weights of the first nine digits in the check digit (DOMAIN.md §5). */
export const ENTERPRISE_CODE_WEIGHTS: readonly number[] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/** The enterprise code, which is also the tax code; a branch or dependent unit adds `-NNN` to its parent's code. */
export interface EnterpriseCode {
  /** As given: the ten digits, plus the suffix when there is one. */
  readonly value: string;
  /** The ten-digit code of the enterprise (the parent, for a branch). */
  readonly enterpriseCode: string;
  /** `001`…`999` for a branch or dependent unit, null for the enterprise itself. */
  readonly branch: string | null;
}

/**
 * d10 = 10 − (Σ dᵢ·wᵢ mod 11), where a result of 10 is written 0. Takes the first nine digits (a longer string is
 * read up to its ninth digit), so generators can complete any nine digits into a valid code.
 */
export function enterpriseCheckDigit(firstNine: string): number {
  if (!/^\d{9}/.test(firstNine)) throw new RangeError(`expected nine digits, got ${JSON.stringify(firstNine)}`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * ENTERPRISE_CODE_WEIGHTS[i]!;
  return (10 - (sum % 11)) % 10;
}

export function parseEnterpriseCode(input: unknown): EnterpriseCode {
  if (typeof input === 'string' && input.includes('-')) {
    const dash = input.indexOf('-');
    const suffix = input.slice(dash + 1);
    const base = checkBase(input.slice(0, dash), input);
    if (!/^\d{3}$/.test(suffix)) {
      throw new InvalidIdentifierError(KIND, 'IDENTIFIER_BRANCH_SUFFIX', input, `the branch suffix after "-" must be three digits (001–999), got ${JSON.stringify(suffix)}`);
    }
    if (suffix === '000') {
      throw new InvalidIdentifierError(KIND, 'IDENTIFIER_BRANCH_SUFFIX', input, 'the branch suffix 000 is not used; branches are numbered from 001');
    }
    return { value: input, enterpriseCode: base, branch: suffix };
  }
  const base = checkBase(input, input);
  return { value: base, enterpriseCode: base, branch: null };
}

function checkBase(base: unknown, whole: unknown): string {
  let digits: string;
  try {
    digits = requireDigits(KIND, base, 10);
  } catch (err) {
    // Report against everything the caller gave, not just the part before the suffix.
    if (err instanceof InvalidIdentifierError && whole !== base) {
      throw new InvalidIdentifierError(KIND, err.identifierCode, String(whole), `the part before "-": ${err.message.slice(err.message.indexOf(': ') + 2)}`);
    }
    throw err;
  }
  const expected = enterpriseCheckDigit(digits);
  if (Number(digits[9]) !== expected) {
    throw new InvalidIdentifierError(KIND, 'IDENTIFIER_CHECK_DIGIT', String(whole), `its last digit is ${digits[9]}, but the first nine digits give the check digit ${expected}`);
  }
  return digits;
}

/** Nine digits completed with their check digit. */
export function completeEnterpriseCode(firstNine: string): string {
  return `${firstNine.slice(0, 9)}${enterpriseCheckDigit(firstNine)}`;
}
