/**
 * Agency identifier codes of QCVN 102:2016/BTTTT as amended by Circular 01/2022/TT-BTTTT:
 * `V1V2V3.Z1Z2.Y1Y2.MX1X2`, read from the right. The rightmost segment names the province, ministry or
 * council (level 1); each segment to its left goes one level down; unused levels are zeros.
 */

/** Level 3 may have three digits because real data does (`999.010.01.H22`); everything else is fixed-width. */
export const AGENCY_CODE_PATTERN = /^\d{3}\.\d{2,3}\.\d{2}\.[A-Z]\d{2}$/;

export interface AgencyCode {
  readonly code: string;
  readonly level: 1 | 2 | 3 | 4;
  /** The level-1 segment, e.g. `H56` for Thanh Hóa: every code of one province shares it. */
  readonly group: string;
  /** The code one level up, or null for a level-1 code. */
  readonly parent: string | null;
}

export class InvalidAgencyCodeError extends Error {
  constructor(
    /** What was offered as a code (named `input`, not `code`, which Node reserves for error codes). */
    readonly input: string,
    reason: string,
  ) {
    super(`${JSON.stringify(input)} is not a valid QCVN 102 agency code: ${reason}`);
    this.name = 'InvalidAgencyCodeError';
  }
}

const SHAPE_HINT =
  'expected four dot-separated segments like 000.00.00.H56 or 000.17.22.H56 ' +
  '(3 digits, 2 or 3 digits, 2 digits, then an uppercase letter and 2 digits)';

export function parseAgencyCode(code: string): AgencyCode {
  if (typeof code !== 'string') {
    throw new InvalidAgencyCodeError(String(code), `expected a string, got ${code === null ? 'null' : typeof code}`);
  }
  if (!AGENCY_CODE_PATTERN.test(code)) {
    throw new InvalidAgencyCodeError(code, explainShapeMismatch(code));
  }
  const [level4, level3, level2, group] = code.split('.') as [string, string, string, string];
  // Index 0 is level 2, 1 is level 3, 2 is level 4: the order in which the code is read.
  const usedBelowGroup = [level2, level3, level4].map((segment) => !isZeroSegment(segment));
  const firstUnused = usedBelowGroup.indexOf(false);
  if (firstUnused !== -1 && usedBelowGroup.slice(firstUnused).some(Boolean)) {
    // A unit cannot hang below a level nobody fills: its parent would not exist, so routing has no anchor.
    throw new InvalidAgencyCodeError(
      code,
      `level ${firstUnused + 2} is 0 but a lower level is set; a unit must sit under a unit of every level above it`,
    );
  }
  if (level3.length === 3 && isZeroSegment(level3)) {
    // Two spellings of one agency would compare unequal everywhere codes are used as keys.
    throw new InvalidAgencyCodeError(code, 'an unused level 3 is written 00, not 000');
  }
  const level = (1 + usedBelowGroup.filter(Boolean).length) as AgencyCode['level'];
  return { code, level, group, parent: parentOf(level, [level4, level3, level2, group]) };
}

export function isAgencyCode(code: unknown): code is string {
  if (typeof code !== 'string') return false;
  try {
    parseAgencyCode(code);
    return true;
  } catch {
    return false;
  }
}

/** The chain of codes above `code`, nearest first: `000.17.22.H56` → [`000.00.22.H56`, `000.00.00.H56`]. */
export function agencyAncestors(code: string): string[] {
  const ancestors: string[] = [];
  for (let parent = parseAgencyCode(code).parent; parent !== null; parent = parseAgencyCode(parent).parent) {
    ancestors.push(parent);
  }
  return ancestors;
}

function parentOf(level: AgencyCode['level'], [level4, level3, level2, group]: [string, string, string, string]): string | null {
  switch (level) {
    case 1:
      return null;
    case 2:
      return `000.00.00.${group}`;
    case 3:
      // The level-2 unit's own code is written with a two-digit zero level 3, whatever width this child used.
      return `000.00.${level2}.${group}`;
    case 4:
      return `000.${level3}.${level2}.${group}`;
  }
}

function isZeroSegment(segment: string): boolean {
  return /^0+$/.test(segment);
}

function explainShapeMismatch(code: string): string {
  if (code.length === 0) return 'it is empty';
  if (/\s/.test(code)) return `it contains whitespace; ${SHAPE_HINT}`;
  if (/^[\d.]+[a-z]\d{2}$/.test(code) && AGENCY_CODE_PATTERN.test(code.toUpperCase())) {
    return `the group letter must be uppercase (${code.toUpperCase()})`;
  }
  const segments = code.split('.');
  if (segments.length !== 4) return `it has ${segments.length} segment${segments.length === 1 ? '' : 's'}; ${SHAPE_HINT}`;
  return SHAPE_HINT;
}
