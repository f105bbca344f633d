import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Heap } from 'heap-js';
import { LocalDate, startOfLocalDate } from '@lgsp/working-days';
import { CaseTrackingConfig } from '../config/case-tracking-config';
import { CASE_TRACKING_CONFIG, Clock, CLOCK } from '../config/tokens';
import { CaseRecord } from '../cases/case-book';
import { CaseAlerted, DeadlineThreshold } from '../cases/case-events';
import { CaseLedger } from '../cases/case-ledger';
import { isClosed, isFinished, isPaused } from '../cases/case-status';
import { Deadlines } from '../cases/deadlines';

interface Pending {
  at: number;
  code: string;
  threshold: DeadlineThreshold;
  /** The due date the alert was planned for: if the case's date has moved since, the entry is stale. */
  due: LocalDate;
}

/** Alerts fired per tick at most, so that a backlog (after a long stop) is worked off without starving requests. */
const MAX_ALERTS_PER_TICK = 2_000;

/**
 * Marks cases due soon and overdue. Every open, running case has at most one pending entry per threshold in a heap
 * ordered by when it fires; a tick fires what is due. An alert is an event on the case topic, decided under the case's
 * lock against the book, which already holds the alerts written before — so each alert is written once per case and
 * threshold, across restarts too (the book is rebuilt from the topic before the first tick).
 *
 * Entries are not removed when a case moves (a heap cannot find them cheaply): a stale one is recognised when it
 * fires (the case is closed, paused, already alerted, or due on another date) and dropped.
 */
@Injectable()
export class DeadlineScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger('DeadlineScheduler');
  private readonly heap = new Heap<Pending>((a, b) => a.at - b.at);
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly ledger: CaseLedger,
    private readonly deadlines: Deadlines,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CASE_TRACKING_CONFIG) private readonly config: Pick<CaseTrackingConfig, 'CASE_SCHEDULER_INTERVAL_MS'>,
  ) {}

  /** Plans every open case of the rebuilt book, then follows the book. Call after the ledger has started. */
  start(): void {
    for (const record of this.ledger.book.openCases()) this.plan(record);
    this.ledger.book.observe((event, _before, after) => {
      // Only when the due date is set or moves (intake, acceptance, resuming after a pause): every other move keeps
      // the entries already planned, and planning again on each would fill the heap with stale twins.
      if (after && (event.type === 'case.received' || (event.type === 'case.status-changed' && event.legalDue !== undefined))) this.plan(after);
    });
    this.timer = setInterval(() => void this.tick(), this.config.CASE_SCHEDULER_INTERVAL_MS);
    this.timer.unref();
    void this.tick();
  }

  get pending(): number {
    return this.heap.size();
  }

  /** Fires every alert due by now; resolves when they are written. Exposed for tests and for the scheduler itself. */
  tick(): Promise<void> {
    this.ticking ??= this.fireDue().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private plan(record: CaseRecord): void {
    if (!isRunning(record) || record.legalDue === null) return;
    try {
      for (const threshold of ['due-soon', 'overdue'] as const) {
        if (record.alerts[threshold] !== undefined) continue;
        const from = threshold === 'due-soon' ? this.deadlines.dueSoonFrom(record.legalDue) : this.deadlines.overdueFrom(record.legalDue);
        this.heap.push({ at: startOfLocalDate(from), code: record.code, threshold, due: record.legalDue });
      }
    } catch (error) {
      this.logger.warn(`case ${record.code} due ${record.legalDue} cannot be scheduled: ${(error as Error).message}`);
    }
  }

  private async fireDue(): Promise<void> {
    const now = this.clock.now();
    const firing: Promise<unknown>[] = [];
    while (!this.stopped && firing.length < MAX_ALERTS_PER_TICK && (this.heap.peek()?.at ?? Infinity) <= now) {
      const entry = this.heap.pop()!;
      if (!isCurrent(this.ledger.book.get(entry.code), entry)) continue;
      firing.push(
        this.ledger
          .decide([entry.code], (book) => {
            const record = book.get(entry.code);
            // Checked again under the lock: a move may have landed since the entry was popped.
            if (!isCurrent(record, entry)) return { events: [], answer: () => undefined };
            const event: CaseAlerted = { type: 'case.alerted', code: entry.code, at: now, threshold: entry.threshold, due: entry.due, agency: record!.currentAgency };
            return { events: [event], answer: () => undefined };
          })
          .catch((error: Error) => {
            // Not written: plan it again, so the next tick retries.
            this.heap.push(entry);
            this.logger.warn(`alert ${entry.threshold} for ${entry.code} not written yet: ${error.message}`);
          }),
      );
    }
    await Promise.all(firing);
    if (firing.length > 0) this.logger.log(`${firing.length} deadline alert(s) considered`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
  }
}

function isRunning(record: CaseRecord): boolean {
  return !isClosed(record.status) && !isFinished(record.status) && !isPaused(record.status);
}

function isCurrent(record: CaseRecord | undefined, entry: Pending): boolean {
  return record !== undefined && isRunning(record) && record.legalDue === entry.due && record.alerts[entry.threshold] === undefined;
}
