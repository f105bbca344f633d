import { NATIONAL_SYSTEMS, type NationalSystem } from '../config/national-databases-config';

export interface SystemConditions {
  /** Refusing every call with 503 SERVICE_UNAVAILABLE. */
  down: boolean;
  /** When a timed outage ends (epoch ms); null when down until /sim/{system}/up, or when up. */
  downUntil: number | null;
  latencyMs: number;
  errorRate: number;
  /** Answering every call 200 with an HTML body instead of JSON. */
  garbage: boolean;
}

export interface SystemStats {
  /** Every call that reached the system's prefix, whatever became of it. */
  calls: number;
  tokensIssued: number;
  found: number;
  notFound: number;
  invalidIdentifiers: number;
  authRefused: number;
  refusedWhileDown: number;
  injectedFailures: number;
  garbageAnswers: number;
}

export type StatCounter = keyof SystemStats;

const zeroStats = (): SystemStats => ({
  calls: 0,
  tokensIssued: 0,
  found: 0,
  notFound: 0,
  invalidIdentifiers: 0,
  authRefused: 0,
  refusedWhileDown: 0,
  injectedFailures: 0,
  garbageAnswers: 0,
});

/**
 * What the /sim controls change and what tests read back: each system's conditions, independent of the others (a
 * connector must survive one national system being down while the rest answer), and counters since the start.
 */
export class SimulationState {
  private readonly conditions = new Map<NationalSystem, Omit<SystemConditions, 'down'> & { downForever: boolean }>();
  private readonly counters = new Map<NationalSystem, SystemStats>();

  constructor(private readonly clock: () => number) {
    for (const system of NATIONAL_SYSTEMS) {
      this.conditions.set(system, { downForever: false, downUntil: null, latencyMs: 0, errorRate: 0, garbage: false });
      this.counters.set(system, zeroStats());
    }
  }

  current(system: NationalSystem): SystemConditions {
    const c = this.conditions.get(system)!;
    const timedOut = c.downUntil !== null && c.downUntil <= this.clock();
    // A timed outage ends by itself: read "now" each time rather than arming a timer that would outlive a closed app.
    if (timedOut) c.downUntil = null;
    return { down: c.downForever || c.downUntil !== null, downUntil: c.downUntil, latencyMs: c.latencyMs, errorRate: c.errorRate, garbage: c.garbage };
  }

  all(): Record<NationalSystem, SystemConditions> {
    return Object.fromEntries(NATIONAL_SYSTEMS.map((s) => [s, this.current(s)])) as Record<NationalSystem, SystemConditions>;
  }

  /** Down until /up, or for `forMs` milliseconds. */
  down(system: NationalSystem, forMs?: number): SystemConditions {
    const c = this.conditions.get(system)!;
    if (forMs === undefined) {
      c.downForever = true;
      c.downUntil = null;
    } else {
      c.downForever = false;
      c.downUntil = this.clock() + forMs;
    }
    return this.current(system);
  }

  up(system: NationalSystem): SystemConditions {
    const c = this.conditions.get(system)!;
    c.downForever = false;
    c.downUntil = null;
    return this.current(system);
  }

  change(system: NationalSystem, update: { latencyMs?: number; errorRate?: number; garbage?: boolean }): SystemConditions {
    const c = this.conditions.get(system)!;
    if (update.latencyMs !== undefined) c.latencyMs = update.latencyMs;
    if (update.errorRate !== undefined) c.errorRate = update.errorRate;
    if (update.garbage !== undefined) c.garbage = update.garbage;
    return this.current(system);
  }

  /** Every system back to normal: up, no latency, no failures, JSON. */
  reset(): Record<NationalSystem, SystemConditions> {
    for (const system of NATIONAL_SYSTEMS) {
      this.up(system);
      this.change(system, { latencyMs: 0, errorRate: 0, garbage: false });
    }
    return this.all();
  }

  count(system: NationalSystem, counter: StatCounter): void {
    this.counters.get(system)![counter] += 1;
  }

  stats(): Record<NationalSystem, SystemStats> {
    return Object.fromEntries(NATIONAL_SYSTEMS.map((s) => [s, { ...this.counters.get(s)! }])) as Record<NationalSystem, SystemStats>;
  }
}
