/** Machine-readable reasons an identifier is refused; the error's message is the sentence a person reads. */
export type IdentifierErrorCode =
  | 'IDENTIFIER_NOT_STRING'
  | 'IDENTIFIER_EMPTY'
  | 'IDENTIFIER_LENGTH'
  | 'IDENTIFIER_NOT_DIGITS'
  | 'IDENTIFIER_CHECK_DIGIT'
  | 'IDENTIFIER_UNKNOWN_PROVINCE'
  | 'IDENTIFIER_FUTURE_BIRTH_YEAR'
  | 'IDENTIFIER_BRANCH_SUFFIX'
  | 'IDENTIFIER_FORMAT'
  | 'IDENTIFIER_OUT_OF_RANGE';

export type IdentifierKind =
  | 'personal identification number'
  | 'enterprise code'
  | 'social insurance code'
  | 'health insurance card number'
  | 'budget-relation unit code'
  | 'land parcel reference';

export class InvalidIdentifierError extends Error {
  override readonly name = 'InvalidIdentifierError';

  constructor(
    readonly kind: IdentifierKind,
    /** Named `identifierCode`, not `code`: Node gives `code` its own meaning on errors, and callers switch on this. */
    readonly identifierCode: IdentifierErrorCode,
    /** What was offered, as a string (non-strings are shown with String()). */
    readonly input: string,
    reason: string,
  ) {
    super(`${JSON.stringify(input)} is not a valid ${kind}: ${reason}`);
  }
}

export type IdentifierResult<T> = { ok: true; value: T } | { ok: false; error: InvalidIdentifierError };

/** Turns a throwing parser into one that answers a result, for callers that branch rather than catch. */
export function tryParse<T, A extends unknown[]>(parse: (input: unknown, ...rest: A) => T, input: unknown, ...rest: A): IdentifierResult<T> {
  try {
    return { ok: true, value: parse(input, ...rest) };
  } catch (err) {
    if (err instanceof InvalidIdentifierError) return { ok: false, error: err };
    throw err;
  }
}

/** The checks every fixed-width digit identifier starts with, in the order a person would fix them. */
export function requireDigits(kind: IdentifierKind, input: unknown, length: number): string {
  if (typeof input !== 'string') {
    throw new InvalidIdentifierError(kind, 'IDENTIFIER_NOT_STRING', String(input), `expected a string, got ${input === null ? 'null' : typeof input}`);
  }
  if (input.length === 0) throw new InvalidIdentifierError(kind, 'IDENTIFIER_EMPTY', input, 'it is empty');
  if (/\s/.test(input)) {
    throw new InvalidIdentifierError(kind, 'IDENTIFIER_NOT_DIGITS', input, `it contains whitespace; write the ${length} digits with nothing between them`);
  }
  if (!/^\d+$/.test(input)) {
    throw new InvalidIdentifierError(kind, 'IDENTIFIER_NOT_DIGITS', input, `it must be ${length} digits (0-9) and nothing else`);
  }
  if (input.length !== length) {
    throw new InvalidIdentifierError(kind, 'IDENTIFIER_LENGTH', input, `it has ${input.length} digit${input.length === 1 ? '' : 's'}, expected ${length}`);
  }
  return input;
}
