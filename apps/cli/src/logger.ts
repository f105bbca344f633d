import pino, { Logger } from 'pino';

/** Structured JSON lines on stdout, one logger per process, named after the component. */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 1, sync: true }));
}
