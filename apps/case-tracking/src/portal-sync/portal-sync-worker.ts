import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { backoffMs } from '@lgsp/concurrency';
import { PortalProgressRecord } from '@lgsp/contracts';
import { Registry } from '@lgsp/registry';
import { CaseTrackingConfig } from '../config/case-tracking-config';
import { CASE_TRACKING_CONFIG, Clock, CLOCK } from '../config/tokens';
import { CaseLedger } from '../cases/case-ledger';
import { NationalPortalClient, PortalRejectedError, PortalUnavailableError } from './national-portal-client';
import { toPortalCase, toPortalProgress } from './portal-records';

/** With nothing to push, the worker waits this long at most before looking again (a new event wakes it at once). */
const IDLE_WAIT_MS = 1_000;
const MAX_PROGRESS_PER_CALL = 1_000;

interface Rejection {
  version: number;
  at: number;
  code: string;
  message: string;
  problems: unknown[];
}

/**
 * Pushes every change of every case to the national public-service portal: the case record (DongBoHoSoMC) and the
 * progress entries the portal does not have yet (CapNhatTienDoHoSoMC), oldest first, in batches. What the portal
 * has is recorded on the case topic (`portal.synced`) once it answered, so a restart pushes only what is left; a
 * crash between the portal's answer and that record pushes a batch twice, which the portal absorbs (cases are
 * upserted, an identical progress entry is kept once).
 *
 * While the portal is down, the worker waits with exponential backoff and jitter and the waiting list grows; a
 * record the portal refuses on its merits is set aside (and shown to operators) until the case changes again.
 */
@Injectable()
export class PortalSyncWorker implements OnApplicationShutdown {
  private readonly logger = new Logger('PortalSync');
  private client?: NationalPortalClient;
  private running?: Promise<void>;
  private wake?: () => void;
  private stopped = false;
  private failures = 0;
  private nextAttemptAt: number | null = null;
  private lastError: { at: number; message: string; status?: number } | null = null;
  private lastSyncAt: number | null = null;
  private pushed = { cases: 0, progress: 0, batches: 0 };
  private readonly rejected = new Map<string, Rejection>();

  constructor(
    private readonly ledger: CaseLedger,
    private readonly registry: Registry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CASE_TRACKING_CONFIG) private readonly config: CaseTrackingConfig,
  ) {}

  start(): void {
    const url = this.config.NATIONAL_PORTAL_URL;
    if (!url) {
      this.logger.log('national portal sync is off (NATIONAL_PORTAL_URL is not set); changes wait on the topic until it is');
      return;
    }
    this.client = new NationalPortalClient({
      baseUrl: url,
      username: this.config.NATIONAL_PORTAL_USERNAME,
      password: this.config.NATIONAL_PORTAL_PASSWORD,
      timeoutMs: this.config.NATIONAL_PORTAL_TIMEOUT_MS,
      agencyCode: this.registry.platform.code,
    });
    this.ledger.book.observe((event) => {
      if (event.type !== 'portal.synced' && event.type !== 'case.alerted') this.wake?.();
    });
    this.running = this.loop();
  }

  /** What operators see at GET /operations/sync. */
  status() {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const waiting: string[] = [];
    for (const code of this.ledger.book.unsyncedCodes()) {
      if (waiting.length >= 20) break;
      waiting.push(code);
    }
    return {
      enabled: this.client !== undefined,
      portal: this.config.NATIONAL_PORTAL_URL ?? null,
      waiting: this.ledger.book.unsyncedCount,
      oldestWaiting: waiting,
      consecutiveFailures: this.failures,
      nextAttemptAt: iso(this.nextAttemptAt),
      lastError: this.lastError && { ...this.lastError, at: iso(this.lastError.at) },
      lastSyncAt: iso(this.lastSyncAt),
      pushed: this.pushed,
      rejected: [...this.rejected].map(([caseCode, r]) => ({ caseCode, ...r, at: iso(r.at) })),
    };
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const batch = this.nextBatch();
      if (batch.length === 0) {
        await this.pause(IDLE_WAIT_MS, true);
        continue;
      }
      try {
        await this.push(batch);
        this.failures = 0;
        this.nextAttemptAt = null;
        this.lastError = null;
      } catch (error) {
        if (error instanceof PortalUnavailableError) {
          this.failures += 1;
          const delay = backoffMs(this.failures, this.config.NATIONAL_PORTAL_FIRST_DELAY_MS, this.config.NATIONAL_PORTAL_MAX_DELAY_MS);
          this.nextAttemptAt = this.clock.now() + delay;
          this.lastError = { at: this.clock.now(), message: error.message, ...(error.status ? { status: error.status } : {}) };
          if (this.failures === 1 || this.failures % 10 === 0) {
            this.logger.warn(`the national portal is unavailable (${error.message}); ${this.ledger.book.unsyncedCount} case(s) wait; retrying in ${delay} ms`);
          }
          await this.pause(delay, false);
        } else if (error instanceof PortalRejectedError) {
          await this.isolate(batch, error);
        } else {
          this.logger.error(`portal sync failed: ${(error as Error).stack ?? error}`);
          this.lastError = { at: this.clock.now(), message: (error as Error).message };
          await this.pause(this.config.NATIONAL_PORTAL_FIRST_DELAY_MS, false);
        }
      }
    }
  }

  private nextBatch(): string[] {
    const batch: string[] = [];
    for (const code of this.ledger.book.unsyncedCodes()) {
      if (batch.length >= this.config.NATIONAL_PORTAL_BATCH) break;
      const rejection = this.rejected.get(code);
      const record = this.ledger.book.get(code);
      if (!record) continue;
      if (rejection && rejection.version === record.progress.length) continue;
      batch.push(code);
    }
    return batch;
  }

  private async push(codes: string[]): Promise<void> {
    const client = this.client!;
    const records = codes.map((code) => this.ledger.book.get(code)!);
    const versions = records.map((r) => ({ code: r.code, version: r.progress.length }));
    const progress: PortalProgressRecord[] = records.flatMap((r) => r.progress.slice(r.syncedVersion).map((entry) => toPortalProgress(r, entry, this.registry)));
    await client.pushCases(records.map((r) => toPortalCase(r, this.registry)));
    for (let i = 0; i < progress.length; i += MAX_PROGRESS_PER_CALL) await client.pushProgress(progress.slice(i, i + MAX_PROGRESS_PER_CALL));
    await this.ledger.decide(['portal-sync'], () => ({ events: [{ type: 'portal.synced', at: this.clock.now(), cases: versions }], answer: () => undefined }));
    for (const { code } of versions) this.rejected.delete(code);
    this.lastSyncAt = this.clock.now();
    this.pushed.cases += records.length;
    this.pushed.progress += progress.length;
    this.pushed.batches += 1;
  }

  /** A refused batch is all-or-nothing at the portal: push its cases one by one to find the ones it refuses. */
  private async isolate(codes: string[], error: PortalRejectedError): Promise<void> {
    if (codes.length === 1) {
      const record = this.ledger.book.get(codes[0]!)!;
      this.rejected.set(record.code, { version: record.progress.length, at: this.clock.now(), code: String(error.code), message: error.message, problems: [...error.problems] });
      this.logger.warn(`the national portal refused case ${record.code}: ${error.message}`);
      return;
    }
    for (const code of codes) {
      if (this.stopped) return;
      try {
        await this.push([code]);
      } catch (single) {
        if (single instanceof PortalRejectedError) await this.isolate([code], single);
        else throw single;
      }
    }
  }

  /** Waits `ms`, or less when `wakeable` and an event arrives (or on stop). */
  private pause(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const stopCheck = setInterval(() => this.stopped && done(), 50);
      function done() {
        clearTimeout(timer);
        clearInterval(stopCheck);
        resolve();
      }
      if (wakeable) this.wake = done;
      else this.wake = undefined;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }
}
