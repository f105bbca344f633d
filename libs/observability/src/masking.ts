/**
 * Masking of personal data (DOMAIN.md §5) wherever a person reads it: log lines, trace attributes, message-log
 * bodies shown to operators. Every mask keeps the length of what it hides, so columns still line up and a masked
 * text can be masked again without change.
 *
 * Caught, in free text, JSON strings, URLs and query strings:
 * - 12-digit personal identification numbers (CCCD / số định danh): `038095000123` → `038*******23`.
 * - 10-digit numbers: tax codes and social insurance codes keep the first 2 and last 2 digits
 *   (`0101234567` → `01******67`, a branch suffix `-001` stays). A 10-digit number starting 03/05/07/08/09 is
 *   read as a mobile number instead and keeps only its last 3 digits (`0912345678` → `*******678`): the two
 *   overlap (03… is also a Hồ Chí Minh City tax code) and the mask that reveals less wins.
 *   Any other 10-digit run is masked as a possible tax code, whatever it really is — an epoch time in seconds,
 *   a Kafka offset, an amount in đồng of ten digits all lose their middle digits. That is deliberate: a missed
 *   identifier is worse than a blurred number.
 * - Mobile numbers written in groups (`0912 345 678`, `0912.345.678`, `091-234-5678`) and with the country code
 *   (`+84912345678`, `+84 912 345 678`): all digits but the last 3 (the `+84` stays).
 * - Health-insurance card numbers (`DN4797915123456`: 2 letters, benefit digit, province, 10-digit code): the
 *   10-digit social insurance code inside is masked like any other.
 * - E-mail addresses: the local part keeps its first character (`nguyenvana@gmail.com` → `n*********@gmail.com`).
 *
 * Not caught (by design, to keep false positives on the identifiers the platform itself prints low):
 * - Digits glued to letters, `_` or a preceding `-` (`CCCD038095000123`, `id_038095000123`, the all-digit last
 *   group of a UUID), and digits that are part of a longer or decimal number (`1038095000123`, `3.1234567890`, `1234567890.5`):
 *   a run of digits is judged whole, never partly.
 * - 9-digit legacy identity card numbers (CMND), 11-digit landlines, `84912345678` without `+`, identifiers
 *   written in groups (`038 095 000 123`), numbers in JSON number form (`{"cccd": 38095000123}` has lost its
 *   leading zero anyway) — maskJson's sensitive keys are the net for those.
 * - Names, birth dates and addresses in free text: only recognisable under a sensitive key (maskJson).
 */

// A dot between digits makes one decimal number (`3.1234567890`); a comma does not, because lists of ids
// (`?ids=038095000123,038095000124`) matter more than Vietnamese decimal commas.
const BOUNDARY_BEFORE = String.raw`(?<![\p{L}\p{N}_\-]|\p{N}\.)`;
const BOUNDARY_AFTER = String.raw`(?![\p{L}\p{N}_]|\.\p{N})`;

// One alternation, tried left to right at each position, so that a stretch of text is claimed by exactly one
// kind of identifier (the digits of an e-mail's local part are not read as a phone number as well).
const PERSONAL_DATA = new RegExp(
  [
    String.raw`(?<![A-Za-z0-9._%+\-])(?<emailLocal>[A-Za-z0-9._%+\-]+)(?<emailDomain>@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)`,
    String.raw`(?<![\p{L}\p{N}_])(?<cardPrefix>[A-Z]{2}[1-5]\d{2})(?<cardCode>\d{10})${BOUNDARY_AFTER}`,
    String.raw`(?<![\p{L}\p{N}_+])(?<intlPrefix>\+84[ .\-]?)(?<intlRest>\d(?:[ .\-]?\d){8})${BOUNDARY_AFTER}`,
    String.raw`${BOUNDARY_BEFORE}(?<mobile>0[35789]\d(?:[ .\-]?\d){7})${BOUNDARY_AFTER}`,
    String.raw`${BOUNDARY_BEFORE}(?<digits>\d+)${BOUNDARY_AFTER}`,
  ].join('|'),
  'gu',
);

interface Groups {
  emailLocal?: string;
  emailDomain?: string;
  cardPrefix?: string;
  cardCode?: string;
  intlPrefix?: string;
  intlRest?: string;
  mobile?: string;
  digits?: string;
}

function keepEnds(text: string, head: number, tail: number): string {
  return text.slice(0, head) + '*'.repeat(text.length - head - tail) + text.slice(text.length - tail);
}

/** Masks every digit except the last `keep` ones, leaving separators where they were. */
function keepLastDigits(text: string, keep: number): string {
  let remaining = text.replace(/\D/g, '').length - keep;
  return text.replace(/\d/g, (d) => (remaining-- > 0 ? '*' : d));
}

function maskDigitRun(run: string): string {
  if (run.length === 12) return keepEnds(run, 3, 2);
  if (run.length === 10) return /^0[35789]/.test(run) ? keepLastDigits(run, 3) : keepEnds(run, 2, 2);
  return run;
}

function maskMatch(match: string, ...rest: unknown[]): string {
  const g = rest[rest.length - 1] as Groups;
  if (g.emailLocal !== undefined) return keepEnds(g.emailLocal, 1, 0) + g.emailDomain;
  if (g.cardCode !== undefined) return g.cardPrefix + keepEnds(g.cardCode, 2, 2);
  if (g.intlRest !== undefined) return g.intlPrefix + keepLastDigits(g.intlRest, 3);
  if (g.mobile !== undefined) return keepLastDigits(g.mobile, 3);
  if (g.digits !== undefined) return maskDigitRun(g.digits);
  return match;
}

/** Masks the personal identifiers this module recognises in `text` (see the list at the top of this file). */
export function maskPersonalData(text: string): string {
  // Most log lines hold no digit and no '@': skip the regex for them.
  if (!/[\d@]/.test(text)) return text;
  return text.replace(PERSONAL_DATA, maskMatch);
}

/** What replaces a value held under a sensitive key. */
export const REDACTED = '***';

/** Keys whose values are replaced whole by maskJson unless the caller passes its own list. */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'password',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'authorization',
  'cccd',
  'cmnd',
  'soDinhDanh',
  'soCCCD',
  'hoTen',
  'fullName',
  'ngaySinh',
  'birthDate',
  'diaChi',
  'address',
];

/**
 * Keys compare without case, `_` or `-`: `client_secret`, `clientSecret` and `Client-Secret` are one key, as are
 * `so_dinh_danh` and `soDinhDanh` — payloads from different agencies spell the same field differently.
 */
export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[_\-]/g, '');
}

export interface MaskJsonOptions {
  /** Replaces the default list (extend it with `[...DEFAULT_SENSITIVE_KEYS, 'more']`). */
  sensitiveKeys?: readonly string[];
}

/** Deep-copies a JSON-like value with string values masked and the values of sensitive keys replaced. */
export function maskJson(value: unknown, options: MaskJsonOptions = {}): unknown {
  const keys = new Set((options.sensitiveKeys ?? DEFAULT_SENSITIVE_KEYS).map(normaliseKey));
  return maskDeep(value, (key) => keys.has(normaliseKey(key)));
}

/**
 * The walk behind maskJson and the log scrubber. Objects with `toJSON` (Date, Buffer) are copied as they would be
 * serialised; other objects by their own enumerable properties; a cycle becomes '[Circular]'. Numbers, booleans and
 * keys are left as they are.
 */
export function maskDeep(value: unknown, isSensitiveKey: (key: string) => boolean): unknown {
  const ancestors = new Set<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskPersonalData(v);
    if (v === null || typeof v !== 'object') return v;
    if (ancestors.has(v)) return '[Circular]';
    const withToJson = v as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === 'function') return walk(withToJson.toJSON());
    ancestors.add(v);
    try {
      if (Array.isArray(v)) return v.map(walk);
      const out: Record<string, unknown> = {};
      // An absent value under a sensitive key hides nothing, and showing it absent helps whoever debugs.
      for (const [k, child] of Object.entries(v)) out[k] = child != null && isSensitiveKey(k) ? REDACTED : walk(child);
      return out;
    } finally {
      ancestors.delete(v);
    }
  };
  return walk(value);
}
