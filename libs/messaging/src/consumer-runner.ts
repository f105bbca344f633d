import { Consumer, EachMessagePayload } from 'kafkajs';
import { ConnectionCore } from './messaging-connection';
import { fromKafkaMessage, IncomingMessage } from './messages';
import { describeError } from './messaging-logger';
import { withTimeout } from './timing';

export interface MessageControl {
  /** Keeps the group membership alive during a long handler; kafkajs otherwise heartbeats only between messages. */
  heartbeat(): Promise<void>;
  /** Aborted when the consumer is stopping, so back-off waits end at once. */
  readonly signal: AbortSignal;
}

export interface ConsumerRunnerOptions {
  readonly groupId: string;
  readonly topics: string[];
  readonly fromBeginning: boolean;
  readonly autoCommit: boolean;
  /**
   * The fetch long-poll. The broker answers as soon as a record arrives, so this bounds only idle round trips, how
   * soon a rebalance is noticed, and how long readiness takes to observe.
   */
  readonly maxWaitMs: number;
  readonly concurrency: number;
  readonly readyTimeoutMs?: number;
  onMessage(message: IncomingMessage, control: MessageControl): Promise<void>;
}

/**
 * One kafkajs group consumer whose start() resolves only when the member can see every record written from then on.
 *
 * Readiness: joining and syncing is not enough. kafkajs resolves a new member's start position (committed offset, or
 * ListOffsets latest/earliest) at the beginning of its first fetch after the join, so a record produced between the
 * join and that moment is skipped by a member reading from latest. The signal used is therefore the completion of a
 * Fetch request created after the latest group join: kafkajs builds a Fetch only from partitions whose positions are
 * resolved, and resolves all assigned partitions before building any. A member assigned nothing is ready at the join.
 */
export class ConsumerRunner {
  private consumer?: Consumer;
  private everReady = false;
  private stopping?: Promise<void>;
  private readonly abort = new AbortController();

  constructor(
    private readonly core: ConnectionCore,
    private readonly options: ConsumerRunnerOptions,
  ) {}

  async start(): Promise<void> {
    if (this.abort.signal.aborted) throw new Error('consumer stopped');
    const { kafka, logger } = this.core;
    const { groupId, topics } = this.options;
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: this.options.maxWaitMs,
      sessionTimeout: 30_000,
      heartbeatInterval: 1000,
      retry: {
        // Before it was ever ready, a crash fails start() and the caller decides; afterwards kafkajs rejoins by itself.
        restartOnFailure: async () => this.everReady && !this.abort.signal.aborted,
      },
    });
    this.consumer = consumer;

    let joinedAt: number | undefined;
    let settle: (error?: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    ready.catch(() => undefined);
    const onStop = (): void => settle(new Error(`consumer group ${groupId} stopped while starting`));
    this.abort.signal.addEventListener('abort', onStop, { once: true });

    const untilReady = [
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        joinedAt = event.timestamp;
        if (!Object.values(event.payload.memberAssignment).some((partitions) => partitions.length > 0)) settle();
      }),
      consumer.on(consumer.events.REQUEST, (event) => {
        if (event.payload.apiName === 'Fetch' && joinedAt !== undefined && event.payload.createdAt >= joinedAt) settle();
      }),
    ];
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      logger.error({ groupId, topics, restart, error: describeError(error) }, 'consumer crashed');
      settle(error);
    });

    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning });
      await consumer.run({
        autoCommit: this.options.autoCommit,
        // Besides the commit at the end of every batch: a long batch of slow handlers must not all be redone after a crash.
        autoCommitInterval: 1000,
        partitionsConsumedConcurrently: this.options.concurrency,
        eachMessage: (payload) => this.each(payload),
      });
      const readyTimeoutMs = this.options.readyTimeoutMs ?? 60_000;
      await withTimeout(ready, readyTimeoutMs, `consumer group ${groupId} was not ready within ${readyTimeoutMs} ms`);
      this.everReady = true;
      logger.debug({ groupId, topics }, 'consumer ready');
    } catch (error) {
      this.abort.abort();
      await consumer.disconnect().catch(() => undefined);
      throw error;
    } finally {
      untilReady.forEach((remove) => remove());
      this.abort.signal.removeEventListener('abort', onStop);
    }
  }

  /** Finishes the message in hand (cutting back-off short), commits, leaves the group. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      await this.consumer?.disconnect();
    })();
    return this.stopping;
  }

  private async each({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    await this.options.onMessage(fromKafkaMessage(topic, partition, message), { heartbeat, signal: this.abort.signal });
  }
}
