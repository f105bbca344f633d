import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PlatformTopics } from '@lgsp/contracts';
import { EventPublisher, MessagingConnection, readTopicToEnd } from '@lgsp/messaging';
import { DOCUMENT_TOPICS } from '../config/tokens';
import { DocumentBook } from './document-book';
import { DocumentEvent, eventKey } from './document-events';
import { KeyedMutex } from '@lgsp/concurrency';

/**
 * The exchange's state has one durable home, its event topic (one partition: one order for everything). At start-up
 * the book is rebuilt by reading the topic to its end; afterwards every event is written with acks -1 and applied only
 * once the broker has it, so that nothing a sender was told "accepted" exists only in memory.
 *
 * One writer per platform: the rules (a DocumentId accepted once, an acknowledgement counted once) are checked against
 * this process's book, so replicas would need a shared projection first (see the README).
 */
@Injectable()
export class DocumentLedger implements OnApplicationShutdown {
  readonly book = new DocumentBook();
  private readonly logger = new Logger('DocumentLedger');
  private readonly mutex = new KeyedMutex();
  private readonly publisher: EventPublisher;
  private readonly listeners: ((event: DocumentEvent) => void)[] = [];

  constructor(
    private readonly connection: MessagingConnection,
    @Inject(DOCUMENT_TOPICS) private readonly topics: PlatformTopics,
  ) {
    this.publisher = new EventPublisher(connection);
  }

  async start(): Promise<void> {
    await this.connection.ensureTopics([{ topic: this.topics.documentEvents, partitions: 1 }]);
    const records = await readTopicToEnd(this.connection, this.topics.documentEvents);
    for (const record of records) this.book.apply(JSON.parse(record.value.toString('utf8')) as DocumentEvent);
    await this.publisher.start();
    this.logger.log(`rebuilt from ${records.length} event(s) on ${this.topics.documentEvents}`);
  }

  /** Called with each event this process writes, once it is durable and in the book (e.g. to push a new delivery). */
  onRecorded(listener: (event: DocumentEvent) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Decides and records under the given keys: `decide` sees the book as no one else can change it for these keys,
   * and returns the events to write (none for a repeat) and the answer to give once they are written.
   */
  async decide<T>(keys: readonly string[], decide: (book: DocumentBook) => { events: DocumentEvent[]; answer: () => T }): Promise<T> {
    return this.mutex.run(keys, async () => {
      const { events, answer } = decide(this.book);
      if (events.length > 0) {
        await this.publisher.publishMany(
          this.topics.documentEvents,
          events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
        );
        for (const e of events) this.book.apply(e);
        for (const e of events) this.notify(e);
      }
      return answer();
    });
  }

  private notify(event: DocumentEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // The event is recorded whatever a listener does; its failure is its own.
        this.logger.error(`a listener failed on ${event.type}: ${(error as Error).stack ?? error}`);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.stop();
  }
}
