export const NATIONAL_CONNECTORS_CONFIG = Symbol('NATIONAL_CONNECTORS_CONFIG');
export const CONNECTORS = Symbol('CONNECTORS');
export const CLOCK = Symbol('CLOCK');
/** Waits between retries; a port so that unit tests need not wait. */
export const SLEEP = Symbol('SLEEP');

/** The clock is a port: token expiry and cache TTLs are tested by moving it. */
export interface Clock {
  now(): number;
}

export type Sleep = (ms: number) => Promise<void>;
