/** Every way a package can be refused, as the machine-readable code an agency system receives. */
export type EdxmlErrorCode =
  | 'EDXML_TOO_LARGE'
  | 'EDXML_NOT_XML'
  | 'EDXML_DTD_FORBIDDEN'
  | 'EDXML_TOO_DEEP'
  | 'EDXML_TOO_MANY_NODES'
  | 'EDXML_NOT_EDXML'
  | 'EDXML_MISSING_PART'
  | 'EDXML_INVALID_VALUE'
  | 'EDXML_INVALID_ORGAN_ID'
  | 'EDXML_ATTACHMENT_TOO_LARGE'
  | 'EDXML_ATTACHMENT_BAD_BASE64'
  | 'EDXML_ATTACHMENT_MISMATCH'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'CERTIFICATE_UNTRUSTED'
  | 'CERTIFICATE_EXPIRED';

/** One thing wrong with a package, located by the element path a person would look for (`MessageHeader/To[2]/OrganId`). */
export interface EdxmlProblem {
  code: EdxmlErrorCode;
  path: string;
  message: string;
}

/**
 * A package the platform will not take. `code` and `message` describe the first problem; `problems` lists every
 * problem found, so that a sender can fix a package in one pass.
 */
export class EdxmlError extends Error {
  readonly code: EdxmlErrorCode;
  readonly problems: readonly EdxmlProblem[];

  constructor(problems: EdxmlProblem | readonly EdxmlProblem[]) {
    const list = Array.isArray(problems) ? (problems as readonly EdxmlProblem[]) : [problems as EdxmlProblem];
    if (list.length === 0) throw new Error('EdxmlError needs at least one problem');
    const first = list[0];
    super(list.length === 1 ? first.message : `${first.message} (and ${list.length - 1} more problem${list.length === 2 ? '' : 's'})`);
    this.name = 'EdxmlError';
    this.code = first.code;
    this.problems = list;
  }

  /** Size problems are 413 to an HTTP caller; everything else about a package is 400 (or 422 for a signature). */
  get httpStatus(): number {
    if (this.code === 'EDXML_TOO_LARGE' || this.code === 'EDXML_ATTACHMENT_TOO_LARGE') return 413;
    if (this.code.startsWith('SIGNATURE_') || this.code.startsWith('CERTIFICATE_')) return 422;
    return 400;
  }
}

export function problem(code: EdxmlErrorCode, path: string, message: string): EdxmlProblem {
  return { code, path, message };
}
