import { requireDigits } from './errors';

/** The budget-relation unit code ("mã QHNS"): seven digits, no check digit, so only the shape can be checked. */
export function parseBudgetUnitCode(input: unknown): string {
  return requireDigits('budget-relation unit code', input, 7);
}
