import { Consumer, EachBatchPayload, EachMessagePayload } from 'kafkajs';
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
  /** Partitions handled at once. */
  readonly concurrency: number;
  /**
   * Set for messages that are independent of each other (requests of a request/reply service): up to this many of one
   * partition's fetched messages are handled at once, and an offset is committed only when every message before it is
   * done. Unset: one message at a time per partition, in order (events, where order matters).
   */
  readonly unorderedWithinPartition?: number;
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
        ...(this.options.unorderedWithinPartition
          ? { eachBatchAutoResolve: false, eachBatch: (payload: EachBatchPayload) => this.eachUnordered(payload, this.options.unorderedWithinPartition!) }
          : { eachMessage: (payload: EachMessagePayload) => this.each(payload) }),
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

  /**
   * A fetched batch handled by `limit` workers at once. Offsets are resolved (and so committed) only up to the first
   * message not yet done, so a crash or a failure redelivers everything unfinished and nothing after it is skipped.
   * A failure stops taking new messages, waits for those in hand, and is rethrown for kafkajs to retry from there.
   */
  private async eachUnordered({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload, limit: number): Promise<void> {
    const { messages, topic, partition } = batch;
    const done = new Array<boolean>(messages.length).fill(false);
    let next = 0;
    let resolved = 0;
    let failure: { error: unknown } | undefined;
    const control = { heartbeat, signal: this.abort.signal };
    const worker = async (): Promise<void> => {
      while (next < messages.length && !failure && isRunning() && !isStale()) {
        const i = next++;
        try {
          await this.options.onMessage(fromKafkaMessage(topic, partition, messages[i]), control);
        } catch (error) {
          failure ??= { error };
          return;
        }
        done[i] = true;
        while (resolved < messages.length && done[resolved]) resolveOffset(messages[resolved++].offset);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, messages.length) }, worker));
    await heartbeat();
    if (failure) throw failure.error;
  }
}
