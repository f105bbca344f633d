import { KafkaHeader } from '@lgsp/contracts';
import { ConsumerRunner } from './consumer-runner';
import { EventPublisher } from './event-publisher';
import { RunningParts, stopRunningParts } from './running-parts';
import { connectionCore, ConnectionCore, MessagingConnection } from './messaging-connection';
import { IncomingMessage, OutgoingMessage } from './messages';
import { describeError } from './messaging-logger';
import { errorReply } from './provider-error';

export type RequestHandler = (request: IncomingMessage) => Promise<OutgoingMessage>;

export interface RequestResponderOptions {
  topic: string;
  /** Shared by every replica of the provider, so that each request is answered by one of them. */
  groupId: string;
  handler: RequestHandler;
  /** Partition count if the topic has to be created: the most replicas that can work at once. */
  partitions?: number;
}

/** Partitions are independent, so a slow one need not hold up the others. */
const PARTITIONS_AT_ONCE = 4;
/**
 * Requests are independent too (each carries its own reply-to and correlation id), so those fetched together from one
 * partition are served at once rather than one reply round trip after another — with one at a time, a partition could
 * answer only as many requests per second as the broker acknowledges replies.
 */
const REQUESTS_AT_ONCE_PER_PARTITION = 64;

/**
 * Serves request/reply: every request is answered on its reply-to topic and committed only after the reply is written,
 * so a crash between the two means the request is answered again (requesters ignore a second reply).
 */
export class RequestResponder {
  private readonly core: ConnectionCore;
  private readonly parts: RunningParts = {};
  private starting?: Promise<void>;

  constructor(
    private readonly connection: MessagingConnection,
    private readonly options: RequestResponderOptions,
  ) {
    this.core = connectionCore(connection);
  }

  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  async stop(): Promise<void> {
    this.starting = undefined;
    await stopRunningParts(this.parts);
  }

  private async startOnce(): Promise<void> {
    this.core.assertOpen('RequestResponder.start');
    const { topic, groupId, partitions } = this.options;
    this.parts.untrack = this.core.track('consumer', () => this.stop());
    // Built before the first await, so that a stop() while starting finds them and stops them.
    const publisher = new EventPublisher(this.connection);
    this.parts.publisher = publisher;
    const runner = new ConsumerRunner(this.core, {
      groupId,
      topics: [topic],
      // A request sent before this group first existed is still answered if its deadline allows; older ones are
      // skipped cheaply by the deadline check, so reading from the beginning costs little.
      fromBeginning: true,
      autoCommit: true,
      maxWaitMs: 250,
      concurrency: PARTITIONS_AT_ONCE,
      unorderedWithinPartition: REQUESTS_AT_ONCE_PER_PARTITION,
      onMessage: (request) => this.serve(request, publisher),
    });
    this.parts.runner = runner;
    try {
      await this.connection.ensureTopics([{ topic, partitions }]);
      await publisher.start();
      await runner.start();
    } catch (error) {
      await this.stop();
      // Whatever kafkajs said when the connection was pulled from under it, the cause is the close.
      throw this.core.closed ? new Error(`RequestResponder.start: the messaging connection was closed while starting`, { cause: error }) : error;
    }
  }

  private async serve(request: IncomingMessage, publisher: EventPublisher): Promise<void> {
    const { logger } = this.core;
    const at = { topic: request.topic, partition: request.partition, offset: request.offset };
    const replyTo = request.headers[KafkaHeader.ReplyTo];
    const correlationId = request.headers[KafkaHeader.CorrelationId];
    const requestId = request.headers[KafkaHeader.RequestId];
    if (!replyTo || !correlationId) {
      logger.warn({ ...at, requestId }, 'request without reply-to or correlation id skipped');
      return;
    }

    const deadline = Number(request.headers[KafkaHeader.Deadline]);
    if (Number.isFinite(deadline) && deadline <= Date.now()) {
      logger.warn({ ...at, requestId, correlationId, deadline, lateMs: Date.now() - deadline }, 'request past its deadline skipped');
      return;
    }

    let reply: OutgoingMessage;
    try {
      reply = await this.options.handler(request);
    } catch (error) {
      logger.warn({ ...at, requestId, correlationId, error: describeError(error) }, 'request handler failed; replying with an error');
      reply = errorReply(error);
    }

    // A failed publish throws into kafkajs, which leaves the offset uncommitted and redelivers the request.
    await publisher.publish(replyTo, {
      key: reply.key ?? null,
      value: reply.value,
      headers: {
        ...reply.headers,
        [KafkaHeader.CorrelationId]: correlationId,
        ...(requestId === undefined ? {} : { [KafkaHeader.RequestId]: requestId }),
      },
    });
  }
}
