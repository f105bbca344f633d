import { Logger } from '@nestjs/common';
import { EventPublisher } from '@lgsp/messaging';
import { ExchangeFields, HashChain, MessageLogRecord } from '@lgsp/message-log';
import { MessageLogIndex } from './message-log-index';

interface Pending {
  readonly record: MessageLogRecord;
  readonly resolve: (r: MessageLogRecord) => void;
  readonly reject: (err: Error) => void;
}

/**
 * Appends one record per exchange to this replica's hash chain and writes it to the message-log topic before the
 * exchange is answered. Records that arrive while a write is under way are written together in the next one
 * (group commit): one chain must be written in order, and one Kafka round trip per request would cap throughput.
 */
export class MessageLogWriter {
  private readonly logger = new Logger('MessageLog');
  private queue: Pending[] = [];
  private writing = false;
  private chain: HashChain;
  private lastWritten: MessageLogRecord | null = null;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly topic: string,
    private readonly index: MessageLogIndex,
    readonly chainId: string,
  ) {
    this.chain = new HashChain(chainId);
  }

  /** Continues this replica's chain after the records already in the log, and indexes them all. */
  async resume(existing: MessageLogRecord[]): Promise<void> {
    let tail: MessageLogRecord | null = null;
    for (const r of existing) {
      await this.index.add(r);
      if (r.chain === this.chainId && (!tail || r.seq > tail.seq)) tail = r;
    }
    this.lastWritten = tail;
    this.chain = new HashChain(this.chainId, tail);
  }

  /** Resolves once the record is durably in the log topic (acks -1); rejects if it could not be written. */
  record(fields: ExchangeFields): Promise<MessageLogRecord> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record: this.chain.append(fields), resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing || this.queue.length === 0) return;
    this.writing = true;
    const batch = this.queue;
    this.queue = [];
    try {
      await this.publisher.publishMany(
        this.topic,
        batch.map((p) => ({ key: this.chainId, value: JSON.stringify(p.record) })),
      );
      this.lastWritten = batch[batch.length - 1].record;
    } catch (err) {
      // Records already chained after the last durable one must not leave a gap: everything pending is refused
      // and the chain continues from what the log really holds.
      const pending = [...batch, ...this.queue.splice(0)];
      this.chain = new HashChain(this.chainId, this.lastWritten);
      this.logger.error(`message-log write failed; ${pending.length} exchanges refused: ${(err as Error).message}`);
      for (const p of pending) p.reject(err as Error);
      this.writing = false;
      if (this.queue.length) void this.flush();
      return;
    }
    // Durably logged: the exchanges are answered even if the search index (a projection of the topic, rebuilt at
    // start-up) cannot take the records right now.
    for (const p of batch) {
      try {
        await this.index.add(p.record);
      } catch (err) {
        this.logger.error(`message-log index unavailable; record ${p.record.id} is in the log but not yet searchable: ${(err as Error).message}`);
      }
      p.resolve(p.record);
    }
    this.writing = false;
    if (this.queue.length) void this.flush();
  }
}
