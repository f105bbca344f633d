import { DEFAULT_SENSITIVE_KEYS, maskDeep, maskPersonalData, normaliseKey } from './masking';

const EXACT = new Set(DEFAULT_SENSITIVE_KEYS.map(normaliseKey));
const CONTAINS = ['secret', 'password', 'passwd', 'cookie', 'authorization'];

/**
 * Log keys are matched more broadly than maskJson's: whoever logs `{ smtpPassword }` or `{ refresh_token }` did not
 * think of the list, so any key that merely contains a secret-ish word is hidden.
 */
export function isSensitiveLogKey(key: string): boolean {
  const k = normaliseKey(key);
  return EXACT.has(k) || k.endsWith('token') || CONTAINS.some((word) => k.includes(word));
}

/**
 * The last step before a line reaches stdout (pino's `streamWrite` hook). Working on the finished line catches what
 * the serializers produced (request URLs, error messages, Nest's own lines), not only what the caller passed.
 */
export function scrubLogLine(line: string): string {
  const trailing = line.endsWith('\n') ? '\n' : '';
  try {
    return JSON.stringify(maskDeep(JSON.parse(line), isSensitiveLogKey)) + trailing;
  } catch {
    // Not JSON (cannot happen with pino's own output): masking the raw text may break its shape but leaks nothing.
    return maskPersonalData(line);
  }
}
