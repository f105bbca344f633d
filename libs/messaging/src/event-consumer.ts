import { KafkaHeader, platformTopics } from '@lgsp/contracts';
import { ConsumerRunner, MessageControl } from './consumer-runner';
import { EventPublisher } from './event-publisher';
import { RunningParts, stopRunningParts } from './running-parts';
import { connectionCore, ConnectionCore, MessagingConnection } from './messaging-connection';
import { IncomingMessage } from './messages';
import { describeError } from './messaging-logger';
import { sleep } from './timing';

export type EventHandler = (event: IncomingMessage) => Promise<void>;

/**
 * A failure that retrying cannot fix (a message that does not validate, a reference to something that does not exist):
 * the message goes to the dead-letter topic at once instead of looping (STYLE.md 12).
 */
export class NonRetryableError extends Error {
  readonly retryable = false as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

export interface EventConsumerOptions {
  topics: string[];
  groupId: string;
  handler: EventHandler;
  /** Handler runs per message before it is dead-lettered; default 5. */
  maxAttempts?: number;
  /** Wait before the second attempt, doubled for each one after; default 200 ms. */
  retryBackoffMs?: number;
  /** Where a group with no committed offsets starts; default true (an event stream is the record, nothing is skipped). */
  fromBeginning?: boolean;
}

/** The dead-letter topic's name comes from the full topic name, which already carries the platform instance. */
const deadLetterTopic = (topic: string): string => platformTopics('').deadLetter(topic);

/** Headers are not a place for stack-sized text; the failure's first line or so is what an operator needs. */
const MAX_FAILURE_LENGTH = 1024;

const PARTITIONS_AT_ONCE = 4;

/**
 * At-least-once consumption: a message's offset is committed only after its handler succeeded or it was written to
 * the dead-letter topic, so a message is never lost and one that keeps failing never blocks those behind it.
 */
export class EventConsumer {
  private readonly core: ConnectionCore;
  private readonly maxAttempts: number;
  private readonly retryBackoffMs: number;
  private readonly parts: RunningParts = {};
  private starting?: Promise<void>;

  constructor(
    private readonly connection: MessagingConnection,
    private readonly options: EventConsumerOptions,
  ) {
    this.core = connectionCore(connection);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.retryBackoffMs = Math.max(0, options.retryBackoffMs ?? 200);
    if (options.topics.length === 0) throw new Error('EventConsumer: no topics');
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
    this.core.assertOpen('EventConsumer.start');
    const { topics, groupId } = this.options;
    this.parts.untrack = this.core.track('consumer', () => this.stop());
    // Built before the first await, so that a stop() while starting finds them and stops them.
    const deadLetters = new EventPublisher(this.connection);
    this.parts.publisher = deadLetters;
    const runner = new ConsumerRunner(this.core, {
      groupId,
      topics,
      fromBeginning: this.options.fromBeginning ?? true,
      autoCommit: true,
      maxWaitMs: 500,
      concurrency: PARTITIONS_AT_ONCE,
      onMessage: (event, control) => this.consume(event, control, deadLetters),
    });
    this.parts.runner = runner;
    try {
      // Created up front: Kafka with auto-creation off would otherwise fail the subscription or the first dead letter.
      await this.connection.ensureTopics([...topics, ...topics.map(deadLetterTopic)].map((topic) => ({ topic })));
      await deadLetters.start();
      await runner.start();
    } catch (error) {
      await this.stop();
      // Whatever kafkajs said when the connection was pulled from under it, the cause is the close.
      throw this.core.closed ? new Error(`EventConsumer.start: the messaging connection was closed while starting`, { cause: error }) : error;
    }
  }

  private async consume(event: IncomingMessage, control: MessageControl, deadLetters: EventPublisher): Promise<void> {
    const at = { topic: event.topic, partition: event.partition, offset: event.offset, groupId: this.options.groupId };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handler(event);
        return;
      } catch (error) {
        const retryable = !(typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false);
        if (!retryable || attempt >= this.maxAttempts) {
          await this.deadLetter(event, error, attempt, deadLetters);
          return;
        }
        const backoffMs = this.retryBackoffMs * 2 ** (attempt - 1);
        this.core.logger.warn({ ...at, attempt, backoffMs, error: describeError(error) }, 'event handler failed; retrying');
        // Throws when stopping: the message then stays uncommitted and is redelivered, instead of being skipped.
        await sleep(backoffMs, control.signal);
        await control.heartbeat();
      }
    }
  }

  private async deadLetter(event: IncomingMessage, error: unknown, attempts: number, deadLetters: EventPublisher): Promise<void> {
    const topic = deadLetterTopic(event.topic);
    const failure = (error instanceof Error ? error.message : String(error)).slice(0, MAX_FAILURE_LENGTH);
    await deadLetters.publish(topic, {
      key: event.key,
      value: event.value,
      headers: {
        ...event.headers,
        [KafkaHeader.OriginTopic]: event.topic,
        [KafkaHeader.OriginPartition]: String(event.partition),
        [KafkaHeader.OriginOffset]: event.offset,
        [KafkaHeader.Failure]: failure,
        [KafkaHeader.Attempts]: String(attempts),
      },
    });
    this.core.logger.error(
      { topic: event.topic, partition: event.partition, offset: event.offset, deadLetterTopic: topic, attempts, error: describeError(error) },
      'event dead-lettered',
    );
  }
}
