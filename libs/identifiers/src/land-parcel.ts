import { InvalidIdentifierError } from './errors';

const KIND = 'land parcel reference' as const;

/**
 * A land parcel reference, `{commune}/{map sheet}/{parcel}`, e.g. `14755/12/345`. [I] — the format is this platform's
 * own: a parcel is really known by its map sheet and parcel number within a commune (DOMAIN.md §5), but no single
 * national code is published. The commune is the 5-digit GSO commune code (stable and numeric, unlike a QCVN 102
 * agency code, which names an office rather than a territory); sheet and parcel are written without leading zeros so
 * that one parcel has one spelling.
 */
export interface LandParcelRef {
  readonly value: string;
  readonly communeCode: string;
  readonly mapSheet: number;
  readonly parcelNumber: number;
}

export const LAND_PARCEL_PATTERN = /^(\d{5})\/([1-9]\d{0,3})\/([1-9]\d{0,4})$/;

export function parseLandParcelRef(input: unknown): LandParcelRef {
  if (typeof input !== 'string') {
    throw new InvalidIdentifierError(KIND, 'IDENTIFIER_NOT_STRING', String(input), `expected a string, got ${input === null ? 'null' : typeof input}`);
  }
  if (input.length === 0) throw new InvalidIdentifierError(KIND, 'IDENTIFIER_EMPTY', input, 'it is empty');
  const match = LAND_PARCEL_PATTERN.exec(input);
  if (match) return { value: input, communeCode: match[1]!, mapSheet: Number(match[2]), parcelNumber: Number(match[3]) };
  throw new InvalidIdentifierError(KIND, ...explain(input));
}

export function formatLandParcelRef(communeCode: string, mapSheet: number, parcelNumber: number): string {
  return parseLandParcelRef(`${communeCode}/${mapSheet}/${parcelNumber}`).value;
}

function explain(input: string): [IdentifierCodeForParcel, string, string] {
  const parts = input.split('/');
  const hint = 'expected {5-digit GSO commune code}/{map sheet 1–9999}/{parcel 1–99999}, e.g. 14755/12/345';
  if (parts.length !== 3) return ['IDENTIFIER_FORMAT', input, `it has ${parts.length} part${parts.length === 1 ? '' : 's'} separated by "/"; ${hint}`];
  const [commune, sheet, parcel] = parts as [string, string, string];
  const names = ['the commune code', 'the map sheet', 'the parcel number'];
  for (const [i, part] of [commune, sheet, parcel].entries()) {
    if (!/^\d+$/.test(part)) return ['IDENTIFIER_NOT_DIGITS', input, `${names[i]} ${JSON.stringify(part)} must be digits only; ${hint}`];
  }
  if (commune.length !== 5) return ['IDENTIFIER_LENGTH', input, `the commune code has ${commune.length} digits, expected 5`];
  for (const [i, part, max] of [[1, sheet, 4], [2, parcel, 5]] as const) {
    if (/^0/.test(part)) return ['IDENTIFIER_FORMAT', input, `${names[i]} ${part} is written without leading zeros (and is never 0)`];
    if (part.length > max) return ['IDENTIFIER_OUT_OF_RANGE', input, `${names[i]} ${part} is larger than ${'9'.repeat(max)}`];
  }
  return ['IDENTIFIER_FORMAT', input, hint];
}

type IdentifierCodeForParcel = ConstructorParameters<typeof InvalidIdentifierError>[1];
