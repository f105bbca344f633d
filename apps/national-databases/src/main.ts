import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { EnvironmentError, exitWhenParentGone } from '@lgsp/observability';
import {
  NationalDatabasesConfig,
  readNationalDatabasesConfig,
} from './config/national-databases-config';
import { NationalDatabasesModule, NationalDatabasesPorts } from './national-databases.module';
import { RemoteExceptionFilter } from './systems/remote-exception.filter';

/** The line `lgsp up` waits for: `national-databases listening on http://HOST:PORT`. */
export const NATIONAL_DATABASES_READY_PREFIX = 'national-databases listening on';

export async function createNationalDatabasesApp(config: NationalDatabasesConfig, ports: NationalDatabasesPorts = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(NationalDatabasesModule.forRoot(config, ports), {
    bufferLogs: true,
    bodyParser: false,
    // A failure while starting reaches the caller as an error, rather than Nest's default abort() and core dump.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  // Token requests come as JSON or as an OAuth2 form; nothing else takes a body, so both stay small.
  app.useBodyParser('json', { limit: '64kb' });
  app.useBodyParser('urlencoded', { limit: '64kb', extended: false });
  app.useGlobalFilters(new RemoteExceptionFilter());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  return app;
}

/** Starts listening and returns the base URL (the port is the one bound, which matters when 0 was asked for). */
export async function listenNationalDatabases(app: NestExpressApplication, config: NationalDatabasesConfig): Promise<string> {
  await app.listen(config.NATIONAL_DATABASES_PORT, config.NATIONAL_DATABASES_HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.NATIONAL_DATABASES_PORT;
  const host = config.NATIONAL_DATABASES_HOST === '0.0.0.0' ? '127.0.0.1' : config.NATIONAL_DATABASES_HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function bootstrap(): Promise<void> {
  let config: NationalDatabasesConfig;
  try {
    config = readNationalDatabasesConfig(process.env);
  } catch (err) {
    if (err instanceof EnvironmentError) {
      process.stderr.write(`national-databases: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await createNationalDatabasesApp(config);
  const url = await listenNationalDatabases(app, config);
  exitWhenParentGone(config.LGSP_SUPERVISOR_PID, () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`${NATIONAL_DATABASES_READY_PREFIX} ${url}\n`);
}

if (require.main === module) {
  bootstrap().catch((err) => {
    process.stderr.write(`national-databases: failed to start: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
