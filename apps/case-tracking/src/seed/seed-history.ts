import 'reflect-metadata';
import { platformTopics } from '@lgsp/contracts';
import { EventPublisher, MessagingConnection } from '@lgsp/messaging';
import { loadPlatformConfigFile, Registry } from '@lgsp/registry';
import { defaultHolidayTablePath, loadHolidayTable, localDateOf, WorkingCalendar } from '@lgsp/working-days';
import { generateDemoCatalog, loadCatalogFile, ProcedureCatalog } from '../catalog';
import { caseEventKey } from '../cases/case-events';
import { readCaseTrackingConfig } from '../config/case-tracking-config';
import { syntheticHistory } from './synthetic-history';

/** Events per publish call, and calls in flight: enough to keep the broker busy without holding the year in memory. */
const CHUNK = 1000;
const IN_FLIGHT = 8;

/**
 * Writes a synthetic year of cases to the case-tracking event topic of a platform whose case-tracking service is not
 * running (it rebuilds from the topic when it starts). For benchmarks (`lgsp bench cases`) and demos.
 *
 * Environment: the service's own (LGSP_CONFIG, KAFKA_BROKERS, CASE_CATALOG, CASE_HOLIDAYS) plus CASE_SEED_CASES
 * (how many) and CASE_SEED_UNTIL (the last receipt day, default yesterday). Prints one JSON line when done.
 */
async function seed(): Promise<void> {
  const config = readCaseTrackingConfig(process.env);
  const cases = Number(process.env.CASE_SEED_CASES ?? '10000');
  if (!Number.isInteger(cases) || cases < 1) throw new Error(`CASE_SEED_CASES must be a whole number ≥ 1, not ${JSON.stringify(process.env.CASE_SEED_CASES)}`);
  const until = process.env.CASE_SEED_UNTIL ?? localDateOf(Date.now() - 86_400_000);
  const registry = new Registry(loadPlatformConfigFile(config.LGSP_CONFIG));
  const catalog = new ProcedureCatalog(config.CASE_CATALOG ? loadCatalogFile(config.CASE_CATALOG) : generateDemoCatalog(registry), registry);
  const calendar = new WorkingCalendar(loadHolidayTable(config.CASE_HOLIDAYS ?? defaultHolidayTablePath()));
  const topic = platformTopics(registry.platform.instance).caseEvents;

  const connection = new MessagingConnection({ brokers: config.KAFKA_BROKERS, clientId: `${registry.platform.instance}-case-history-seed` });
  const publisher = new EventPublisher(connection);
  const started = Date.now();
  let events = 0;
  let received = 0;
  try {
    await connection.ensureTopics([{ topic, partitions: 1 }]);
    await publisher.start();
    const inFlight = new Set<Promise<unknown>>();
    let chunk: { key: string; value: string }[] = [];
    const flush = async () => {
      const sending = publisher.publishMany(topic, chunk);
      chunk = [];
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending)).catch(() => undefined);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    };
    for (const event of syntheticHistory(registry, catalog, calendar, { cases, until })) {
      chunk.push({ key: caseEventKey(event), value: JSON.stringify(event) });
      events++;
      if (event.type === 'case.received') received++;
      if (chunk.length >= CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
    await Promise.all(inFlight);
  } finally {
    await publisher.stop();
    await connection.close();
  }
  process.stdout.write(`${JSON.stringify({ cases: received, events, until, seconds: (Date.now() - started) / 1000 })}\n`);
}

seed().catch((error) => {
  process.stderr.write(`case history seed failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
