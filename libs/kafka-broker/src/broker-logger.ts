/**
 * The logging surface the broker needs. pino's logger satisfies it; so does a silent one in tests.
 * The broker stays free of any particular logging library so it can be embedded anywhere.
 */
export interface BrokerLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: BrokerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
