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
  /** The only caller addresses the system accepts (101 IP_DISALLOWED for others); null accepts every address. */
  allowedIps: string[] | null;
  /** The only agency codes the system answers look-ups for (106 AGENCY_ID_INCORRECT for others); null accepts any valid code. */
  agencyIds: string[] | null;
}

/** Who may call a system: what the environment sets at the start and what `/sim/reset` comes back to. */
export interface CallerAccess {
  allowedIps: readonly string[] | null;
  agencyIds: readonly string[] | null;
}

export type ConditionsUpdate = Partial<Pick<SystemConditions, 'latencyMs' | 'errorRate' | 'garbage'>> & Partial<CallerAccess>;

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
  ipRefused: number;
  agencyRefused: number;
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
  ipRefused: 0,
  agencyRefused: 0,
});

const NO_ACCESS_LISTS: CallerAccess = { allowedIps: null, agencyIds: null };

/** A copy, so that neither a caller of `change` nor a reader of `current` can alter the state behind its back. */
const copyList = (list: readonly string[] | null): string[] | null => (list === null ? null : [...list]);

/**
 * What the /sim controls change and what tests read back: each system's conditions, independent of the others (a
 * connector must survive one national system being down while the rest answer), and counters since the start.
 */
export class SimulationState {
  private readonly conditions = new Map<NationalSystem, Omit<SystemConditions, 'down'> & { downForever: boolean }>();
  private readonly counters = new Map<NationalSystem, SystemStats>();

  constructor(
    private readonly clock: () => number,
    private readonly initialAccess: CallerAccess = NO_ACCESS_LISTS,
  ) {
    for (const system of NATIONAL_SYSTEMS) {
      this.conditions.set(system, {
        downForever: false,
        downUntil: null,
        latencyMs: 0,
        errorRate: 0,
        garbage: false,
        allowedIps: copyList(initialAccess.allowedIps),
        agencyIds: copyList(initialAccess.agencyIds),
      });
      this.counters.set(system, zeroStats());
    }
  }

  current(system: NationalSystem): SystemConditions {
    const c = this.conditions.get(system)!;
    const timedOut = c.downUntil !== null && c.downUntil <= this.clock();
    // A timed outage ends by itself: read "now" each time rather than arming a timer that would outlive a closed app.
    if (timedOut) c.downUntil = null;
    return {
      down: c.downForever || c.downUntil !== null,
      downUntil: c.downUntil,
      latencyMs: c.latencyMs,
      errorRate: c.errorRate,
      garbage: c.garbage,
      allowedIps: copyList(c.allowedIps),
      agencyIds: copyList(c.agencyIds),
    };
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

  /** Changes what `update` names; an access list given as null accepts everybody again. */
  change(system: NationalSystem, update: ConditionsUpdate): SystemConditions {
    const c = this.conditions.get(system)!;
    if (update.latencyMs !== undefined) c.latencyMs = update.latencyMs;
    if (update.errorRate !== undefined) c.errorRate = update.errorRate;
    if (update.garbage !== undefined) c.garbage = update.garbage;
    if (update.allowedIps !== undefined) c.allowedIps = copyList(update.allowedIps);
    if (update.agencyIds !== undefined) c.agencyIds = copyList(update.agencyIds);
    return this.current(system);
  }

  /** Every system back to normal: up, no latency, no failures, JSON, and the access lists the environment set. */
  reset(): Record<NationalSystem, SystemConditions> {
    for (const system of NATIONAL_SYSTEMS) {
      this.up(system);
      this.change(system, { latencyMs: 0, errorRate: 0, garbage: false, ...this.initialAccess });
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
