import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { exitWhenParentGone } from '@lgsp/observability';
import { readDocumentExchangeConfig } from './config/document-exchange-config';
import { DocumentExchangeModule } from './document-exchange.module';
import { DocumentLedger } from './ledger/document-ledger';
import { PushDispatcher } from './push/push-dispatcher';
import { DocumentServiceResponder } from './transport/document-service.responder';

/** The line `lgsp up` waits for. */
export const DOCUMENT_EXCHANGE_READY_LINE = 'document-exchange ready';

/** Rebuilds the book from the event topic, then starts answering: no request is served from a half-read book. */
export async function startDocumentExchange(module: ReturnType<typeof DocumentExchangeModule.forRoot>): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.get(DocumentLedger).start();
  app.get(PushDispatcher).start();
  await app.get(DocumentServiceResponder).start();
  return app;
}

async function bootstrap(): Promise<void> {
  let module;
  let config;
  try {
    config = readDocumentExchangeConfig(process.env);
    module = DocumentExchangeModule.forRoot(config);
  } catch (err) {
    process.stderr.write(`document-exchange: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const app = await startDocumentExchange(module);
  exitWhenParentGone(config.LGSP_SUPERVISOR_PID, () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`${DOCUMENT_EXCHANGE_READY_LINE}\n`);
}

if (require.main === module) {
  bootstrap().catch((err) => {
    process.stderr.write(`document-exchange: failed to start: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
