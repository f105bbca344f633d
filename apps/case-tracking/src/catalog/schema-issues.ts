import type { ConfigIssue } from '@lgsp/registry';
import { z } from 'zod';

/**
 * Runs a schema and turns zod's issues into sentences that start from the field they are about
 * (`procedures[12].steps[1].days: must be an integer (got 1.5)`), `at` being the prefix of every path.
 */
export function parseWithIssues<T extends z.ZodType>(
  schema: T,
  input: unknown,
  at: string,
): { ok: true; value: z.output<T> } | { ok: false; issues: ConfigIssue[] } {
  const result = schema.safeParse(input, { error: humanMessage });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.flatMap((issue) => toIssues(issue, at)) };
}

export function joinPath(at: string, rest: string): string {
  if (!at) return rest;
  if (!rest) return at;
  return rest.startsWith('[') ? `${at}${rest}` : `${at}.${rest}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const text = String(segment);
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(text)) return `[${JSON.stringify(text)}]`;
      return index === 0 ? text : `.${text}`;
    })
    .join('');
}

export function describeInput(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function toIssues(issue: z.core.$ZodIssue, at: string): ConfigIssue[] {
  const path = joinPath(at, formatPath(issue.path));
  if (issue.code === 'unrecognized_keys') {
    // One issue per key, so that each one names the exact field to delete or correct.
    return issue.keys.map((key) => ({ path: joinPath(path, formatPath([key])), message: 'is not a known field' }));
  }
  return [{ path, message: issue.message }];
}

function humanMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${withArticle(issue.expected === 'int' ? 'integer' : issue.expected)} (got ${describeInput(issue.input)})`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')} (got ${describeInput(issue.input)})`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters long`;
      if (issue.origin === 'array') return `must list at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`;
      return `must be at least ${issue.minimum} (got ${describeInput(issue.input)})`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters long`;
      if (issue.origin === 'array') return `must list at most ${issue.maximum} items`;
      return `must be at most ${issue.maximum} (got ${describeInput(issue.input)})`;
    case 'invalid_union': {
      // A discriminated union reports the issue at the discriminator but carries the whole object as its input:
      // say which values the discriminator may take, and quote the one that was given.
      const { options, discriminator } = issue as { options?: unknown[]; discriminator?: PropertyKey };
      if (Array.isArray(options)) {
        const given = discriminator !== undefined && typeof issue.input === 'object' && issue.input !== null ? (issue.input as Record<PropertyKey, unknown>)[discriminator] : issue.input;
        if (given === undefined) return `is required: one of ${options.map((option) => JSON.stringify(option)).join(', ')}`;
        return `must be one of ${options.map((option) => JSON.stringify(option)).join(', ')} (got ${describeInput(given)})`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function withArticle(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}
