import { ICustomPartitioner, Message, Partitioners, Producer, RecordMetadata } from 'kafkajs';
import { connectionCore, ConnectionCore, MessagingConnection } from './messaging-connection';
import { OutgoingMessage, toKafkaMessage } from './messages';
import { describeError } from './messaging-logger';

export interface PublishedPosition {
  partition: number;
  offset: string;
}

/**
 * Retries are bounded so that a caller (an HTTP request waiting for "durably written") hears about an outage instead
 * of hanging on kafkajs' idempotent default of retrying forever.
 */
const PRODUCER_RETRY = { retries: 6, initialRetryTime: 200, maxRetryTime: 5000 };

interface ProducerSlot {
  readonly producer: Producer;
  readonly connected: Promise<void>;
  /** The partition kafkajs' partitioner chose for each message object, to turn per-partition base offsets into per-message offsets. */
  readonly chosen: WeakMap<object, number>;
}

/** One caller's messages waiting for the next produce request. */
interface Queued {
  readonly topic: string;
  readonly messages: Message[];
  resolve(positions: PublishedPosition[]): void;
  reject(error: unknown): void;
}

/**
 * The most records one produce request carries; more wait for the next request. Bounds the request size (and the
 * work the broker does before it answers anyone in it) when a burst queues thousands of messages at once.
 */
const MAX_RECORDS_PER_REQUEST = 1000;

/**
 * Publishes with acks -1 from an idempotent producer: a promise resolves only once the broker has the record.
 *
 * Publishes made during one turn of the event loop travel together in one produce request (every topic and partition
 * in it), sent when the turn's I/O callbacks are done (setImmediate). kafkajs sends one request per `send()`; under
 * load the gateway made several per HTTP exchange, and the per-request cost (encoding, a socket write, the broker's
 * answer) was the largest share of its CPU.
 *
 * At most one produce request is under way at a time; what is published meanwhile waits and goes in the next one.
 * That costs no latency: kafkajs' idempotent producer already holds a per-broker lock from sending a request until its
 * answer, so a second request would only have queued behind the first, one socket write and one answer per turn. Under
 * load the batches grow with the round trip by themselves; nothing ever waits for a batch to fill. (A request that
 * spans several brokers is sent to all of them at once.)
 */
export class EventPublisher {
  private readonly core: ConnectionCore;
  private slot?: ProducerSlot;
  private readonly inFlight = new Set<Promise<unknown>>();
  private queue: Queued[] = [];
  private flushScheduled = false;
  /** A produce request is under way; its completion sends what was queued meanwhile. */
  private sending = false;
  private untrack?: () => void;
  private stopping?: Promise<void>;
  private stopped = false;

  constructor(connection: MessagingConnection) {
    this.core = connectionCore(connection);
  }

  async start(): Promise<void> {
    this.register('EventPublisher.start');
    await this.currentSlot().connected;
  }

  async publish(topic: string, message: OutgoingMessage): Promise<PublishedPosition> {
    const [position] = await this.publishMany(topic, [message]);
    return position;
  }

  /** Resolves with each message's partition and offset, in the order given, once all of them are written. */
  async publishMany(topic: string, messages: OutgoingMessage[]): Promise<PublishedPosition[]> {
    if (messages.length === 0) {
      if (this.stopped) throw new Error('EventPublisher: stopped');
      return [];
    }
    this.register('EventPublisher.publish');
    // Counted as under way from the first moment, so that a stop() arriving meanwhile waits for it instead of
    // disconnecting the producer underneath it.
    const work = new Promise<PublishedPosition[]>((resolve, reject) => {
      this.queue.push({ topic, messages: messages.map(toKafkaMessage), resolve, reject });
      this.scheduleFlush();
    });
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /** Registers with the connection (so that closing it stops this publisher) on first use. */
  private register(operation: string): void {
    if (this.stopped) throw new Error('EventPublisher: stopped');
    if (this.untrack) return;
    // Checked only on first use: a started publisher must keep serving the handlers a closing connection waits for.
    this.core.assertOpen(operation);
    this.untrack = this.core.track('producer', () => this.stop());
  }

  /** Waits for every publish under way (queued ones included), then disconnects. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
    const slot = this.slot;
    this.slot = undefined;
    if (slot) await slot.connected.then(() => slot.producer.disconnect()).catch(() => undefined);
    this.untrack?.();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.sending) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Sends the oldest queued publishes, up to MAX_RECORDS_PER_REQUEST records, in one produce request. */
  private flush(): void {
    if (this.sending || this.queue.length === 0) return;
    const batch: Queued[] = [];
    let records = 0;
    // A caller's messages are never split across requests, so that its positions come from one answer.
    while (this.queue.length > 0 && (batch.length === 0 || records + this.queue[0].messages.length <= MAX_RECORDS_PER_REQUEST)) {
      const next = this.queue.shift()!;
      records += next.messages.length;
      batch.push(next);
    }
    this.sending = true;
    void this.sendBatch(batch).finally(() => {
      this.sending = false;
      if (this.queue.length > 0) this.scheduleFlush();
    });
  }

  private async sendBatch(batch: Queued[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const q of batch) {
      const list = byTopic.get(q.topic);
      if (list) list.push(...q.messages);
      else byTopic.set(q.topic, [...q.messages]);
    }
    // The current producer, or a new one if the last was retired: a stop() waits for this batch before it disconnects.
    const slot = this.currentSlot();
    let results: RecordMetadata[];
    try {
      await slot.connected;
      results = await slot.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    } catch (error) {
      this.retire(slot, { topics: [...byTopic.keys()], error: describeError(error) }, 'publish failed; the producer will be replaced');
      for (const q of batch) q.reject(error);
      return;
    }

    const baseOffsets = new Map(results.map((r) => [`${r.topicName}\u0000${r.partition}`, BigInt(r.baseOffset ?? r.offset ?? '-1')]));
    // kafkajs sends each partition's messages as one batch in the order given, so offsets follow that order.
    const seenPerPartition = new Map<string, number>();
    for (const q of batch) {
      try {
        q.resolve(
          q.messages.map((m) => {
            const partition = slot.chosen.get(m);
            const key = `${q.topic}\u0000${partition}`;
            const base = partition === undefined ? undefined : baseOffsets.get(key);
            if (partition === undefined || base === undefined || base < 0n) {
              throw new Error(`EventPublisher: the broker's answer for ${q.topic} does not say where a record was written`);
            }
            const index = seenPerPartition.get(key) ?? 0;
            seenPerPartition.set(key, index + 1);
            return { partition, offset: (base + BigInt(index)).toString() };
          }),
        );
      } catch (error) {
        q.reject(error);
      }
    }
  }

  /**
   * After a send fails for good, its batch may still have been written with sequence numbers the producer has
   * rolled back; the next batch would reuse them and the broker would drop it as a "duplicate". A new producer
   * (a new producer id, sequences from 0) cannot collide.
   */
  private retire(slot: ProducerSlot, fields: object, why: string): void {
    this.core.logger.warn(fields, why);
    if (this.slot !== slot) return;
    this.slot = undefined;
    slot.connected.then(() => slot.producer.disconnect()).catch(() => undefined);
  }

  private currentSlot(): ProducerSlot {
    if (!this.slot) {
      const chosen = new WeakMap<object, number>();
      const createPartitioner: ICustomPartitioner = () => {
        const partitioner = Partitioners.DefaultPartitioner();
        return (args) => {
          const partition = partitioner(args);
          chosen.set(args.message, partition);
          return partition;
        };
      };
      const producer = this.core.kafka.producer({ idempotent: true, retry: PRODUCER_RETRY, createPartitioner });
      const connected = producer.connect();
      const slot: ProducerSlot = { producer, connected, chosen };
      connected.catch((error: unknown) => this.retire(slot, { error: describeError(error) }, 'producer could not connect'));
      this.slot = slot;
    }
    return this.slot;
  }
}
