import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { EnvironmentError, exitWhenParentGone } from '@lgsp/observability';
import { NationalPortalConfig, readNationalPortalConfig } from './config/national-portal-config';
import { NationalPortalModule, NationalPortalPorts } from './national-portal.module';
import { PortalExceptionFilter } from './portal/portal-exception.filter';
import { PortalJournalError } from './portal/portal-journal';

/** The line `lgsp up` waits for: `national-portal listening on http://HOST:PORT`. */
export const NATIONAL_PORTAL_READY_PREFIX = 'national-portal listening on';

export async function createNationalPortalApp(config: NationalPortalConfig, ports: NationalPortalPorts = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(NationalPortalModule.forRoot(config, ports), {
    bufferLogs: true,
    bodyParser: false,
    // A failure while starting reaches the caller as an error, rather than Nest's default abort() and core dump.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: config.NATIONAL_PORTAL_MAX_BODY_BYTES });
  app.useGlobalFilters(new PortalExceptionFilter());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  return app;
}

/** Starts listening and returns the base URL (the port is the one bound, which matters when 0 was asked for). */
export async function listenNationalPortal(app: NestExpressApplication, config: NationalPortalConfig): Promise<string> {
  await app.listen(config.NATIONAL_PORTAL_PORT, config.NATIONAL_PORTAL_HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.NATIONAL_PORTAL_PORT;
  const host = config.NATIONAL_PORTAL_HOST === '0.0.0.0' ? '127.0.0.1' : config.NATIONAL_PORTAL_HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function bootstrap(): Promise<void> {
  let config: NationalPortalConfig;
  try {
    config = readNationalPortalConfig(process.env);
  } catch (err) {
    if (err instanceof EnvironmentError) {
      process.stderr.write(`national-portal: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let app: NestExpressApplication;
  try {
    app = await createNationalPortalApp(config);
  } catch (err) {
    if (err instanceof PortalJournalError) {
      process.stderr.write(`national-portal: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const url = await listenNationalPortal(app, config);
  exitWhenParentGone(config.LGSP_SUPERVISOR_PID, () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`${NATIONAL_PORTAL_READY_PREFIX} ${url}\n`);
}

if (require.main === module) {
  bootstrap().catch((err) => {
    process.stderr.write(`national-portal: failed to start: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
