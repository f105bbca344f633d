export const CASE_TRACKING_CONFIG = Symbol('CASE_TRACKING_CONFIG');
export const CASE_TOPICS = Symbol('CASE_TOPICS');
export const CLOCK = Symbol('CLOCK');

/** The clock is a port: deadlines and alerts are tested by moving it. */
export interface Clock {
  now(): number;
}
