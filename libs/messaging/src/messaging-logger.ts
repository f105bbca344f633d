/** The logger shape the platform's pino loggers already have, so a service passes its own and keeps one log stream. */
export interface MessagingLogger {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
  debug(o: object, m: string): void;
}

/**
 * Used when a service passes no logger. Warnings and errors still reach stderr, because a dead-lettered or skipped
 * message that nobody hears about is worse than a noisy test; chatter stays silent.
 */
export const defaultMessagingLogger: MessagingLogger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (o, m) => console.error(JSON.stringify({ level: 'warn', msg: m, ...o })),
  error: (o, m) => console.error(JSON.stringify({ level: 'error', msg: m, ...o })),
};

/** Error objects do not serialise with JSON.stringify; log lines need their message and code. */
export function describeError(error: unknown): { message: string; name?: string; code?: unknown } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(code === undefined ? {} : { code }) };
  }
  return { message: String(error) };
}
