import { ICustomPartitioner, Partitioners, Producer, RecordMetadata } from 'kafkajs';
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

/**
 * Publishes with acks -1 from an idempotent producer: a promise resolves only once the broker has the record.
 */
export class EventPublisher {
  private readonly core: ConnectionCore;
  private slot?: ProducerSlot;
  private readonly inFlight = new Set<Promise<unknown>>();
  private untrack?: () => void;
  private stopping?: Promise<void>;
  private stopped = false;

  constructor(connection: MessagingConnection) {
    this.core = connectionCore(connection);
  }

  async start(): Promise<void> {
    if (this.stopped) throw new Error('EventPublisher: stopped');
    if (!this.untrack) {
      // Checked only for a first start: a started publisher must keep serving the handlers a closing connection waits for.
      this.core.assertOpen('EventPublisher.start');
      this.untrack = this.core.track('producer', () => this.stop());
    }
    await this.currentSlot().connected;
  }

  async publish(topic: string, message: OutgoingMessage): Promise<PublishedPosition> {
    const [position] = await this.publishMany(topic, [message]);
    return position;
  }

  async publishMany(topic: string, messages: OutgoingMessage[]): Promise<PublishedPosition[]> {
    if (this.stopped) throw new Error('EventPublisher: stopped');
    if (messages.length === 0) return [];
    // Counted as under way from the first moment, so that a stop() arriving meanwhile waits for it instead of
    // disconnecting the producer underneath it.
    const work = this.start().then(() => this.send(this.currentSlot(), topic, messages));
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /** Waits for every publish under way, then disconnects. */
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

  private async send(slot: ProducerSlot, topic: string, messages: OutgoingMessage[]): Promise<PublishedPosition[]> {
    const kafkaMessages = messages.map(toKafkaMessage);
    let results: RecordMetadata[];
    try {
      await slot.connected;
      results = await slot.producer.send({ topic, acks: -1, messages: kafkaMessages });
    } catch (error) {
      this.retire(slot, { topic, error: describeError(error) }, 'publish failed; the producer will be replaced');
      throw error;
    }

    const baseOffsets = new Map(results.map((r) => [r.partition, BigInt(r.baseOffset ?? r.offset ?? '-1')]));
    const seenPerPartition = new Map<number, number>();
    return kafkaMessages.map((m) => {
      const partition = slot.chosen.get(m);
      const base = partition === undefined ? undefined : baseOffsets.get(partition);
      if (partition === undefined || base === undefined || base < 0n) {
        throw new Error(`EventPublisher: the broker's answer for ${topic} does not say where a record was written`);
      }
      // kafkajs sends each partition's messages as one batch in the order given, so offsets follow that order.
      const index = seenPerPartition.get(partition) ?? 0;
      seenPerPartition.set(partition, index + 1);
      return { partition, offset: (base + BigInt(index)).toString() };
    });
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
