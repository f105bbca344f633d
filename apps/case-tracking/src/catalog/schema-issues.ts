import { z } from 'zod';
import { describeInput, formatPath, humanZodMessage, joinPath, type ConfigIssue } from '@lgsp/registry';

/** The registry's wording helpers, so that catalog and platform files word a problem alike. */
export { describeInput, formatPath, joinPath };

/**
 * Runs a schema and turns zod's issues into sentences that start from the field they are about
 * (`procedures[12].steps[1].days: must be an integer (got 1.5)`), `at` being the prefix of every path.
 */
export function parseWithIssues<T extends z.ZodType>(
  schema: T,
  input: unknown,
  at: string,
): { ok: true; value: z.output<T> } | { ok: false; issues: ConfigIssue[] } {
  const result = schema.safeParse(input, { error: humanZodMessage });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.flatMap((issue) => toIssues(issue, at)) };
}

function toIssues(issue: z.core.$ZodIssue, at: string): ConfigIssue[] {
  const path = joinPath(at, formatPath(issue.path));
  if (issue.code === 'unrecognized_keys') {
    // One issue per key, so that each one names the exact field to delete or correct.
    return issue.keys.map((key) => ({ path: joinPath(path, formatPath([key])), message: 'is not a known field' }));
  }
  return [{ path, message: issue.message }];
}
