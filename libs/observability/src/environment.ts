import type { z } from 'zod';

/** The process environment did not pass its app's schema: `main` prints the message and exits 2. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/**
 * Reads an app's environment once, at boot, with its zod schema (STYLE.md: process.env is read in one place per
 * process). Every problem is listed in one message, a line each, named by its variable, so an operator fixes them
 * all in one go rather than one restart at a time.
 */
export function readEnvironment<S extends z.ZodType>(app: string, schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new EnvironmentError(`invalid ${app} environment:\n${lines.join('\n')}`);
}
