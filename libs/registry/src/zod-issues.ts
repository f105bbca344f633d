import { z } from 'zod';

/**
 * zod's issues as sentences that start from the field they are about (`clients[3].tier: must be a string (got 5)`):
 * shared by every configuration and request schema of the platform, so that all of them word a problem alike.
 */

/** A message for zod's `error` option: the wording for the common issue kinds, zod's own for the rest. */
export function humanZodMessage(issue: z.core.$ZodRawIssue): string | undefined {
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
      if (!Array.isArray(options)) return undefined;
      const given = discriminator !== undefined && typeof issue.input === 'object' && issue.input !== null ? (issue.input as Record<PropertyKey, unknown>)[discriminator] : issue.input;
      if (given === undefined) return `is required: one of ${options.map((option) => JSON.stringify(option)).join(', ')}`;
      return `must be one of ${options.map((option) => JSON.stringify(option)).join(', ')} (got ${describeInput(given)})`;
    }
    case 'invalid_key':
      // The key schema already said what is wrong with the name (e.g. "is not a tier name"); keep its words.
      return issue.issues.map((inner) => inner.message).join('; ') || `${describeInput(issue.input)} is not an allowed name here`;
    default:
      return undefined;
  }
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

export function joinPath(at: string, rest: string): string {
  if (!at) return rest;
  if (!rest) return at;
  return rest.startsWith('[') ? `${at}${rest}` : `${at}.${rest}`;
}

function withArticle(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

export function describeInput(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
