import { describeIssue, type ConfigIssue } from '@lgsp/registry';

export type ProcedureCatalogErrorCode =
  | 'INVALID_PROCEDURE'
  | 'INVALID_CATALOG'
  | 'INVALID_QUERY'
  | 'UNKNOWN_PROCEDURE'
  | 'UNKNOWN_AGENCY'
  | 'AGENCY_NOT_INVOLVED';

/** One status per code, so that the same refusal always answers the same way whichever path raised it. */
const STATUS_OF: Record<ProcedureCatalogErrorCode, number> = {
  INVALID_PROCEDURE: 422,
  INVALID_CATALOG: 422,
  INVALID_QUERY: 400,
  UNKNOWN_PROCEDURE: 404,
  UNKNOWN_AGENCY: 422,
  AGENCY_NOT_INVOLVED: 422,
};

/**
 * A procedure, catalog file, listing query or case plan the catalog refuses. `issues` lists, field by field,
 * what is wrong with a procedure or a catalog (empty for the other codes); the message already spells them out.
 */
export class ProcedureCatalogError extends Error {
  readonly status: number;

  constructor(
    readonly code: ProcedureCatalogErrorCode,
    message: string,
    readonly issues: readonly ConfigIssue[] = [],
  ) {
    super(message);
    this.name = 'ProcedureCatalogError';
    this.status = STATUS_OF[code];
  }

  /**
   * Every issue on its own line under a headline, for a catalog read at start-up, where an operator fixes the
   * whole file in one pass; a single procedure (an API body) gets one line instead.
   */
  static fromIssues(code: 'INVALID_PROCEDURE' | 'INVALID_CATALOG' | 'INVALID_QUERY', what: string, issues: readonly ConfigIssue[]): ProcedureCatalogError {
    const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
    const message =
      code === 'INVALID_CATALOG'
        ? [`${what} (${count}):`, ...issues.map((issue) => `  - ${describeIssue(issue)}`)].join('\n')
        : `${what}: ${issues.map(describeIssue).join('; ')}`;
    return new ProcedureCatalogError(code, message, issues);
  }
}
