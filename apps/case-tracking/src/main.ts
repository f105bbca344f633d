import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { exitWhenParentGone } from '@lgsp/observability';
import { DeadlineScheduler } from './alerts/deadline-scheduler';
import { CaseTrackingModule } from './case-tracking.module';
import { CaseLedger } from './cases/case-ledger';
import { readCaseTrackingConfig } from './config/case-tracking-config';
import { PortalSyncWorker } from './portal-sync/portal-sync-worker';
import { CaseStatistics } from './statistics/case-statistics';
import { CaseServiceResponder } from './transport/case-service.responder';

/** The line `lgsp up` waits for. */
export const CASE_TRACKING_READY_LINE = 'case-tracking ready';

/**
 * Rebuilds the book (and the statistics with it) from the event topic, then schedules deadlines, starts the portal
 * sync and only then answers: no request is served from a half-read book.
 */
export async function startCaseTracking(module: ReturnType<typeof CaseTrackingModule.forRoot>): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.get(CaseStatistics); // instantiated (and observing) before the rebuild
  await app.get(CaseLedger).start();
  app.get(DeadlineScheduler).start();
  app.get(PortalSyncWorker).start();
  await app.get(CaseServiceResponder).start();
  return app;
}

async function bootstrap(): Promise<void> {
  let module;
  let config;
  try {
    config = readCaseTrackingConfig(process.env);
    module = CaseTrackingModule.forRoot(config);
  } catch (err) {
    process.stderr.write(`case-tracking: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const app = await startCaseTracking(module);
  exitWhenParentGone(config.LGSP_SUPERVISOR_PID, () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`${CASE_TRACKING_READY_LINE}\n`);
}

if (require.main === module) {
  bootstrap().catch((err) => {
    process.stderr.write(`case-tracking: failed to start: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
