import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { EnvironmentError, exitWhenParentGone } from '@lgsp/observability';
import { readGatewayConfig } from './config/gateway-config';
import { GatewayExceptionFilter } from './errors/gateway-exception.filter';
import { GatewayModule } from './gateway.module';
import { ExchangeRecorder } from './message-log/exchange-recorder';
import { installClientErrorHandler } from './http/client-error-handler';

/** The line `lgsp up` waits for. */
export const GATEWAY_READY_PREFIX = 'gateway listening on';

export async function createGatewayApp(module: ReturnType<typeof GatewayModule.forRoot>): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new GatewayExceptionFilter(app.get(ExchangeRecorder)));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.disable('x-powered-by');
  const openapi = new DocumentBuilder()
    .setTitle('LGSP/NGSP gateway')
    .setDescription('The platform\'s only door: OAuth2 client credentials, routing by service code, message log, operations.')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openapi));
  app.enableShutdownHooks();
  installClientErrorHandler(app.getHttpServer());
  return app;
}

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = readGatewayConfig(process.env);
  } catch (err) {
    if (err instanceof EnvironmentError) {
      process.stderr.write(`gateway: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let module;
  try {
    module = GatewayModule.forRoot(config);
  } catch (err) {
    process.stderr.write(`gateway: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const app = await createGatewayApp(module);
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.GATEWAY_PORT;
  exitWhenParentGone(config.LGSP_SUPERVISOR_PID, () => void app.close().then(() => process.exit(0)));
  process.stdout.write(`${GATEWAY_READY_PREFIX} http://${config.GATEWAY_HOST === '0.0.0.0' ? '127.0.0.1' : config.GATEWAY_HOST}:${port}\n`);
}

if (require.main === module) {
  bootstrap().catch((err) => {
    process.stderr.write(`gateway: failed to start: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
