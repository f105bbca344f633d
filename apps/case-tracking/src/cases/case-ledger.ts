import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { KeyedMutex } from '@lgsp/concurrency';
import { EventPublisher, forEachRecordToEnd, MessagingConnection } from '@lgsp/messaging';
import { CASE_TOPICS } from '../config/tokens';
import { CaseBook } from './case-book';
import { CaseEvent, caseEventKey } from './case-events';

export interface CaseTopics {
  /** The event topic: every case's history, the only durable copy. */
  events: string;
  /** Where the gateway sends requests for the case service. */
  requests: string;
}

/**
 * Case state has one durable home, the event topic (one partition: one order for every case, so that a rebuild
 * gives out the same sequences and sees each alert before anything that depends on it). At start-up the book is
 * rebuilt by reading the topic to its end; afterwards each event is written with acks -1 and applied only once the
 * broker has it, so that nothing a one-stop-shop system was told exists only in memory.
 *
 * One writer per platform: a sequence given out, an intake id used, an alert sent — each is checked against this
 * process's book under a lock of its keys (see the README for what several replicas would need).
 */
@Injectable()
export class CaseLedger implements OnApplicationShutdown {
  readonly book = new CaseBook();
  private readonly logger = new Logger('CaseLedger');
  private readonly mutex = new KeyedMutex();
  private readonly publisher: EventPublisher;

  constructor(
    private readonly connection: MessagingConnection,
    @Inject(CASE_TOPICS) private readonly topics: CaseTopics,
  ) {
    this.publisher = new EventPublisher(connection);
  }

  async start(): Promise<void> {
    await this.connection.ensureTopics([{ topic: this.topics.events, partitions: 1 }]);
    const started = Date.now();
    const count = await forEachRecordToEnd(this.connection, this.topics.events, (record) =>
      this.book.apply(JSON.parse(record.value.toString('utf8')) as CaseEvent),
    );
    await this.publisher.start();
    this.logger.log(`rebuilt ${this.book.size} case(s) from ${count} event(s) on ${this.topics.events} in ${Date.now() - started} ms`);
  }

  /**
   * Decides and records under the given keys: `decide` sees the book as nobody else can change it for these keys and
   * returns the events to write (none for a repeat) and the answer to give once they are written.
   */
  async decide<T>(keys: readonly string[], decide: (book: CaseBook) => { events: CaseEvent[]; answer: () => T }): Promise<T> {
    return this.mutex.run(keys, async () => {
      const { events, answer } = decide(this.book);
      if (events.length > 0) {
        await this.publisher.publishMany(
          this.topics.events,
          events.map((e) => ({ key: caseEventKey(e), value: JSON.stringify(e) })),
        );
        for (const e of events) this.book.apply(e);
      }
      return answer();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.stop();
  }
}
