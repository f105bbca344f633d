import { join } from 'node:path';
import { BROKER_READY_LINE } from '../commands/broker.command';
import { ServiceSpec } from './service-spec';

/** dist/apps, seen from this file's compiled location (dist/apps/cli/src/supervisor). */
const DIST_APPS = join(__dirname, '..', '..', '..');
const GATEWAY_READY_LINE = /^gateway listening on (\S+)$/m;
const DOCUMENT_EXCHANGE_READY_LINE = /^document-exchange ready$/m;
const CASE_TRACKING_READY_LINE = /^case-tracking ready$/m;
const NATIONAL_PORTAL_READY_LINE = /^national-portal listening on (\S+)$/m;
const NATIONAL_DATABASES_READY_LINE = /^national-databases listening on (\S+)$/m;
const NATIONAL_CONNECTORS_READY_LINE = /^national-connectors ready$/m;

/**
 * The simulated national public-service portal's credentials for this platform. A real province is issued them by
 * the national side; the simulator and the sync worker only need to agree.
 */
const PORTAL_USERNAME = 'lgsp-h56';
const PORTAL_PASSWORD = 'demo-portal-password';

export interface PlatformLayout {
  readonly dataDir: string;
  readonly kafkaPort: number;
  readonly gatewayPort: number;
  /** HTTP port of the simulated national public-service portal the case sync pushes to. */
  readonly portalPort: number;
  /** HTTP port of the simulated national databases the connectors call. */
  readonly databasesPort: number;
  /** The platform configuration file (registry, catalog, access rights) the gateway serves. */
  readonly platformConfig: string;
  /** The `lgsp` entry script, so that every service runs the same build as the supervisor. */
  readonly cliEntry: string;
}

/**
 * Every process `lgsp up` runs, in start order. The broker comes first; each app added to the platform
 * (gateway, document-exchange, …) joins this list with its own ready line.
 */
export function platformServices(layout: PlatformLayout): ServiceSpec[] {
  return [
    {
      name: 'broker',
      command: process.execPath,
      args: [layout.cliEntry, 'broker', '--port', String(layout.kafkaPort), '--data-dir', join(layout.dataDir, 'kafka')],
      readyLine: BROKER_READY_LINE,
      describe: (m) => `kafka://${m[1]}:${m[2]}`,
    },
    {
      // Before the gateway: when the gateway reports ready, documents can already be sent.
      name: 'documents',
      command: process.execPath,
      args: [join(DIST_APPS, 'document-exchange', 'src', 'main.js')],
      env: {
        LGSP_CONFIG: layout.platformConfig,
        KAFKA_BROKERS: `127.0.0.1:${layout.kafkaPort}`,
      },
      readyLine: DOCUMENT_EXCHANGE_READY_LINE,
      describe: () => 'document exchange (service document-exchange.documents)',
    },
    {
      // The national side comes up before case tracking, so the first sync finds it.
      name: 'portal',
      command: process.execPath,
      args: [join(DIST_APPS, 'national-portal', 'src', 'main.js')],
      env: {
        NATIONAL_PORTAL_PORT: String(layout.portalPort),
        NATIONAL_PORTAL_USERNAME: PORTAL_USERNAME,
        NATIONAL_PORTAL_PASSWORD: PORTAL_PASSWORD,
        NATIONAL_PORTAL_DATA_FILE: join(layout.dataDir, 'national-portal', 'received.jsonl'),
      },
      readyLine: NATIONAL_PORTAL_READY_LINE,
      describe: (m) => `${m[1]} (simulated national public-service portal)`,
    },
    {
      name: 'cases',
      command: process.execPath,
      args: [join(DIST_APPS, 'case-tracking', 'src', 'main.js')],
      env: {
        LGSP_CONFIG: layout.platformConfig,
        KAFKA_BROKERS: `127.0.0.1:${layout.kafkaPort}`,
        NATIONAL_PORTAL_URL: `http://127.0.0.1:${layout.portalPort}`,
        NATIONAL_PORTAL_USERNAME: PORTAL_USERNAME,
        NATIONAL_PORTAL_PASSWORD: PORTAL_PASSWORD,
      },
      readyLine: CASE_TRACKING_READY_LINE,
      describe: () => 'case tracking (service case-tracking.cases)',
    },
    {
      // The national databases' side: simulated, as the portal is (the demo credentials match on both sides).
      name: 'databases',
      command: process.execPath,
      args: [join(DIST_APPS, 'national-databases', 'src', 'main.js')],
      env: { NATIONAL_DATABASES_PORT: String(layout.databasesPort) },
      readyLine: NATIONAL_DATABASES_READY_LINE,
      describe: (m) => `${m[1]} (simulated national databases)`,
    },
    {
      name: 'connectors',
      command: process.execPath,
      args: [join(DIST_APPS, 'national-connectors', 'src', 'main.js')],
      env: {
        LGSP_CONFIG: layout.platformConfig,
        KAFKA_BROKERS: `127.0.0.1:${layout.kafkaPort}`,
        NATIONAL_DATABASES_URL: `http://127.0.0.1:${layout.databasesPort}`,
      },
      readyLine: NATIONAL_CONNECTORS_READY_LINE,
      describe: () => 'national connectors (services national.*)',
    },
    {
      name: 'gateway',
      command: process.execPath,
      // Tracing is loaded before anything else, so that HTTP, Express, kafkajs and ioredis are instrumented.
      args: ['--require', join(DIST_APPS, '..', 'libs', 'observability', 'src', 'tracing-register.js'), join(DIST_APPS, 'gateway', 'src', 'main.js')],
      env: {
        LGSP_CONFIG: layout.platformConfig,
        LGSP_DATA_DIR: layout.dataDir,
        KAFKA_BROKERS: `127.0.0.1:${layout.kafkaPort}`,
        GATEWAY_PORT: String(layout.gatewayPort),
        OTEL_SERVICE_NAME: 'gateway',
      },
      readyLine: GATEWAY_READY_LINE,
      describe: (m) => m[1],
    },
  ];
}
