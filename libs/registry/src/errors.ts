/** One problem with a configuration, or with a run-time change, located by the field that causes it. */
export interface ConfigIssue {
  /** Where the problem is, written as a person would look it up in the file: `clients[3].member`. */
  path: string;
  message: string;
}

export type RegistryErrorCode =
  | 'CLIENT_EXISTS'
  | 'UNKNOWN_CLIENT'
  | 'UNKNOWN_MEMBER'
  | 'UNKNOWN_SERVICE'
  | 'UNKNOWN_GROUP'
  | 'UNKNOWN_TIER'
  | 'GRANT_EXISTS'
  | 'UNKNOWN_GRANT'
  | 'INVALID_AGENCY_CODE'
  | 'INVALID_INPUT';

/** Issues carry the code a run-time change would fail with, so that file and admin API share one set of checks. */
export interface CodedIssue extends ConfigIssue {
  code: RegistryErrorCode;
}

/**
 * A configuration that cannot be used. The message lists every issue, one per line, each starting with
 * the field it is about, so that an operator can fix the whole file in one pass.
 */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: { source?: string; message?: string } = {}) {
    const headline =
      `Invalid platform configuration${options.source ? ` in ${options.source}` : ''} ` +
      `(${issues.length} problem${issues.length === 1 ? '' : 's'})`;
    super(options.message ?? [`${headline}:`, ...issues.map((issue) => `  - ${describeIssue(issue)}`)].join('\n'));
    this.name = 'ConfigError';
    this.issues = issues.map(({ path, message }) => ({ path, message }));
  }
}

/**
 * A run-time change (admin API, or a replayed audit record) that was refused; nothing was changed.
 * It is a ConfigError too, because it fails the same checks the file does and carries the same field-level
 * issues; `code` is the machine-readable reason an HTTP layer maps to a status.
 */
export class RegistryError extends ConfigError {
  readonly code: RegistryErrorCode;

  constructor(code: RegistryErrorCode, issues: readonly ConfigIssue[]) {
    // One line, because it ends up in an HTTP error body rather than on a console at boot.
    super(issues, { message: issues.map(describeIssue).join('; ') });
    this.name = 'RegistryError';
    this.code = code;
  }
}

export function describeIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}
