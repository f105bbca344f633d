import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { exitWhenParentGone } from '@lgsp/observability';
import { readNationalConnectorsConfig } from './config/national-connectors-config';
import { NationalConnectorsModule } from './national-connectors.module';
import { ConnectorResponders } from './transport/connector.responders';

/** The line `lgsp up` waits for. */
export const NATIONAL_CONNECTORS_READY_LINE = 'national-connectors ready';

/** Builds the context, then starts answering every connector's service topic. */
export async function startNationalConnectors(module: ReturnType<typeof NationalConnectorsModule.forRoot>): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.get(ConnectorResponders).start();
  return app;
}

async function bootstrap(): Promise<void> {
  let module;
  let config;
  try {
    config = readNationalConnectorsConfig(process.env);
    module = NationalConnectorsModule.forRoot(config);
  } catch (err) {
    process.stderr.write(`national-connectors: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const app = await startNationalConnectors(module);
  exitWhenParentGone(config.LGSP_SUPERVISOR_PID, () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`${NATIONAL_CONNECTORS_READY_LINE}\n`);
}

if (require.main === module) {
  bootstrap().catch((err) => {
    process.stderr.write(`national-connectors: failed to start: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
