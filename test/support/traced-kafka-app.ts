/**
 * A small Nest app for the tracing suite, run in its own process after tracing-register: POST /citizens/:id/events
 * produces one Kafka message with kafkajs and answers with what currentTraceHeaders() saw. Prints
 * `traced-app listening on <port>` when ready and `traced-app closed` from its shutdown hook.
 */
import 'reflect-metadata';
import { Controller, Injectable, Logger as NestLogger, Module, OnApplicationShutdown, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { Logger } from 'nestjs-pino';
import { currentTraceHeaders, LoggingModule } from '@lgsp/observability';

const env = { bootstrap: process.env.KAFKA_BOOTSTRAP!, topic: process.env.TRACE_TOPIC! };

@Injectable()
class EventProducer implements OnApplicationShutdown {
  readonly producer: Producer = new Kafka({ clientId: 'traced-app', brokers: [env.bootstrap], logLevel: logLevel.NOTHING }).producer();

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
    process.stdout.write('traced-app closed\n');
  }
}

@Controller('citizens')
class EventsController {
  private readonly logger = new NestLogger('EventsController');

  constructor(private readonly events: EventProducer) {}

  @Post(':id/events')
  async record(@Param('id') id: string): Promise<{ manual: Record<string, string> }> {
    const manual = currentTraceHeaders();
    this.logger.log(`event for ${id}`);
    await this.events.producer.send({
      topic: env.topic,
      messages: [{ key: id, value: JSON.stringify({ citizen: id }), headers: { 'x-manual-traceparent': manual.traceparent ?? '' } }],
    });
    return { manual };
  }
}

@Module({
  imports: [LoggingModule.forRoot({ service: 'traced-app', level: 'info' })],
  controllers: [EventsController],
  providers: [EventProducer],
})
class TracedAppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(TracedAppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.get(EventProducer).producer.connect();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.stdout.write(`traced-app listening on ${address.port}\n`);
}

main().catch((err) => {
  process.stderr.write(`traced-app failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
