import { isAgencyCode } from '@lgsp/registry';

/**
 * Case codes of Circular 01/2018/TT-VPCP art. 19 (DOMAIN.md §4): `{receiving agency's QCVN 102 code}-{YYMMDD}-{NNNN}`,
 * e.g. `000.17.22.H56-210531-0001`. The sequence counts within one agency and one receipt day.
 */
export const CASE_CODE_PATTERN = /^(\d{3}\.\d{2,3}\.\d{2}\.[A-Z]\d{2})-(\d{2})(\d{2})(\d{2})-(\d{4})$/;

/** Four digits: the ten-thousandth case of one agency in one day has no code. */
export const MAX_DAILY_SEQUENCE = 9999;

export interface CaseCodeParts {
  agency: string;
  /** YYMMDD as written in the code. */
  day: string;
  sequence: number;
}

/** Formats the code; `receiptDate` is the local date YYYY-MM-DD. */
export function formatCaseCode(agency: string, receiptDate: string, sequence: number): string {
  return `${agency}-${caseCodeDay(receiptDate)}-${String(sequence).padStart(4, '0')}`;
}

export function caseCodeDay(receiptDate: string): string {
  return receiptDate.slice(2, 4) + receiptDate.slice(5, 7) + receiptDate.slice(8, 10);
}

/** Why a string is not a case code, in a sentence, or null when it is one. */
export function caseCodeProblem(input: unknown): string | null {
  if (typeof input !== 'string' || input === '') return 'a case code is required';
  const match = CASE_CODE_PATTERN.exec(input);
  if (!match) {
    return `${JSON.stringify(input.slice(0, 60))} is not a case code: expected {agency code}-{YYMMDD}-{NNNN}, e.g. 000.17.22.H56-210531-0001`;
  }
  if (!isAgencyCode(match[1])) return `${JSON.stringify(input)} does not start with a valid QCVN 102 agency code`;
  const [month, day] = [Number(match[3]), Number(match[4])];
  const date = new Date(Date.UTC(2000 + Number(match[2]), month - 1, day));
  if (month < 1 || month > 12 || date.getUTCDate() !== day) {
    return `${JSON.stringify(input)} names no real receipt day (${match[2]}${match[3]}${match[4]} is not a date YYMMDD)`;
  }
  if (match[5] === '0000') return `${JSON.stringify(input)} has sequence 0000; sequences start at 0001`;
  return null;
}

export function parseCaseCode(code: string): CaseCodeParts | null {
  if (caseCodeProblem(code) !== null) return null;
  const match = CASE_CODE_PATTERN.exec(code)!;
  return { agency: match[1], day: `${match[2]}${match[3]}${match[4]}`, sequence: Number(match[5]) };
}
