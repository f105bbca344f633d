import type { PortalSimulationConditions, PortalSimulationStats } from '@lgsp/contracts';

type Counter = Exclude<keyof PortalSimulationStats, 'cases' | 'progressEntries' | 'conditions'>;

/**
 * The simulation's run-time state: the conditions the portal answers under (down, latency, error rate), changed by
 * the /sim controls, and counters of what it received since this process started, read by tests to prove what a
 * sender did ("pushed exactly once", "retried while down").
 */
export class PortalSimulation {
  private readonly conditions: PortalSimulationConditions;
  private readonly counters: Record<Counter, number> = {
    batchesReceived: 0,
    batchesRejected: 0,
    caseRecordsReceived: 0,
    progressRecordsReceived: 0,
    duplicatesReceived: 0,
    refusedWhileDown: 0,
    injectedFailures: 0,
    logins: 0,
  };

  constructor(initial: { latencyMs: number; errorRate: number }) {
    this.conditions = { down: false, latencyMs: initial.latencyMs, errorRate: initial.errorRate };
  }

  current(): PortalSimulationConditions {
    return { ...this.conditions };
  }

  change(update: Partial<PortalSimulationConditions>): PortalSimulationConditions {
    if (update.down !== undefined) this.conditions.down = update.down;
    if (update.latencyMs !== undefined) this.conditions.latencyMs = update.latencyMs;
    if (update.errorRate !== undefined) this.conditions.errorRate = update.errorRate;
    return this.current();
  }

  count(counter: Counter, by = 1): void {
    this.counters[counter] += by;
  }

  stats(held: { cases: number; progressEntries: number }): PortalSimulationStats {
    return { ...held, ...this.counters, conditions: this.current() };
  }
}
