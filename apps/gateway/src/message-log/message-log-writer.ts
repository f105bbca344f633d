import { Logger } from '@nestjs/common';
import { EventPublisher } from '@lgsp/messaging';
import {
  CheckpointSigningKey,
  ExchangeFields,
  HashChain,
  MessageLogCheckpoint,
  MessageLogRecord,
  isCheckpoint,
  readSavedHead,
  savedHeadPath,
  signCheckpoint,
  writeSavedHead,
} from '@lgsp/message-log';
import { MessageLogIndex } from './message-log-index';

interface Pending {
  readonly record: MessageLogRecord;
  readonly resolve: (r: MessageLogRecord) => void;
  readonly reject: (err: Error) => void;
}

export interface MessageLogWriterOptions {
  /** The platform signing key. Without it no checkpoints are written and the log is only hash-chained. */
  readonly signingKey?: CheckpointSigningKey;
  /** A checkpoint once this many records are written without one… */
  readonly checkpointEvery?: number;
  /** …or this long after the first record not covered by one, whichever comes first. */
  readonly checkpointAfterMs?: number;
  /**
   * Directory (the gateway's data directory) where the latest checkpoint is also saved, so that a tail cut
   * together with its checkpoints is still noticed (`lgsp log verify --data-dir`, and at start-up).
   */
  readonly headDir?: string;
}

/** Records indexed together while the writer rebuilds the index from the log at start-up. */
const RESUME_INDEX_CHUNK = 500;

/**
 * Appends one record per exchange to this replica's hash chain and writes it to the message-log topic before the
 * exchange is answered. Records that arrive while a write is under way are written together in the next one
 * (group commit): one chain must be written in order, and one Kafka round trip per request would cap throughput.
 *
 * With a signing key it also writes signed checkpoints of the chain's head into the topic, in the same write as
 * the records they cover (so a checkpoint always directly follows its record in the chain's order): a plain
 * hash chain can be rewritten by anyone who recomputes the later hashes, a signed checkpoint cannot be remade.
 */
export class MessageLogWriter {
  private readonly logger = new Logger('MessageLog');
  private queue: Pending[] = [];
  private writing = false;
  private chain: HashChain;
  private headSaving: Promise<void> | null = null;
  private nextHead: MessageLogCheckpoint | null = null;
  private lastWritten: MessageLogRecord | null = null;
  private readonly signingKey: CheckpointSigningKey | null;
  private readonly checkpointEvery: number;
  private readonly checkpointAfterMs: number;
  private readonly headDir: string | null;
  /** Records durably written since the last checkpoint. */
  private unsigned = 0;
  private checkpointDue = false;
  private checkpointTimer: NodeJS.Timeout | null = null;
  /** Once stopping, every write carries a checkpoint: nothing written during shutdown is left unsigned. */
  private stopping = false;
  /** Set when the log does not hold the saved head's record: the file is then kept as evidence, not replaced. */
  private headFrozen = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly publisher: EventPublisher,
    private readonly topic: string,
    private readonly index: MessageLogIndex,
    readonly chainId: string,
    options: MessageLogWriterOptions = {},
  ) {
    this.chain = new HashChain(chainId);
    this.signingKey = options.signingKey ?? null;
    this.checkpointEvery = options.checkpointEvery ?? 1000;
    this.checkpointAfterMs = options.checkpointAfterMs ?? 5000;
    this.headDir = options.headDir ?? null;
  }

  /**
   * Continues this replica's chain after the entries already in the log, and indexes their records (checkpoints are
   * not exchanges and are never indexed). Records left unsigned by a crash get a checkpoint soon after.
   */
  async resume(existing: readonly unknown[]): Promise<void> {
    let tail: MessageLogRecord | null = null;
    let lastCheckpoint: MessageLogCheckpoint | null = null;
    const saved = this.readSavedHead();
    let savedHeadInLog = false;
    const indexing: Promise<void>[] = [];
    for (const entry of existing) {
      if (isCheckpoint(entry)) {
        if (entry.chain === this.chainId && (!lastCheckpoint || entry.seq > lastCheckpoint.seq)) lastCheckpoint = entry;
        continue;
      }
      // An entry type this version does not know is not an exchange either.
      if (typeof entry !== 'object' || entry === null || (entry as { type?: unknown }).type !== undefined) continue;
      const r = entry as MessageLogRecord;
      // Indexed in chunks issued together (in log order), not one Redis round trip per record of the whole log.
      indexing.push(this.index.add(r));
      if (indexing.length >= RESUME_INDEX_CHUNK) await Promise.all(indexing.splice(0));
      if (r.chain !== this.chainId) continue;
      if (!tail || r.seq > tail.seq) tail = r;
      if (saved && r.seq === saved.seq && r.hash === saved.hash) savedHeadInLog = true;
    }
    await Promise.all(indexing);
    if (saved && !savedHeadInLog) {
      // Continuing would soon replace the only evidence that records were cut or rewritten while the gateway was
      // down. The exchanges still go on (the log is not refused), but the file stays until someone looks.
      this.headFrozen = true;
      this.logger.error(
        `message log: chain ${this.chainId} does not hold record ${saved.seq} with the hash saved in ${savedHeadPath(this.headDir!, this.chainId)}: ` +
          'records were removed or rewritten while the gateway was stopped. The saved head is kept as evidence and no longer updated; ' +
          'run `lgsp log verify --data-dir …`, and move the file aside to accept the log as it is.',
      );
    }
    this.lastWritten = tail;
    this.chain = new HashChain(this.chainId, tail);
    this.unsigned = tail ? Math.max(0, tail.seq - (lastCheckpoint?.seq ?? -1)) : 0;
    if (this.unsigned > 0) this.armCheckpointTimer();
  }

  /** Resolves once the record is durably in the log topic (acks -1); rejects if it could not be written. */
  record(fields: ExchangeFields): Promise<MessageLogRecord> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record: this.chain.append(fields), resolve, reject });
      void this.flush();
    });
  }

  /**
   * Writes what is pending and a last checkpoint if records were written since the previous one; resolves when
   * everything is written or refused. Called on shutdown, while the publisher is still up.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.clearCheckpointTimer();
    void this.flush();
    if (this.writing || this.queue.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.headSaved();
  }

  /**
   * Nest calls this before any `onApplicationShutdown` hook, so before MessagingShutdown stops the publisher; the
   * writer is a factory-made provider, so it is called by name.
   */
  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private async flush(): Promise<void> {
    if (this.writing) return;
    if (this.queue.length === 0 && !this.checkpointWanted()) return this.settleIdle();
    this.writing = true;
    const batch = this.queue;
    this.queue = [];
    const last = batch.length > 0 ? batch[batch.length - 1].record : this.lastWritten;
    const checkpoint = await this.checkpointFor(last, batch.length);
    try {
      const messages = batch.map((p) => ({ key: this.chainId, value: JSON.stringify(p.record) }));
      if (checkpoint) messages.push({ key: this.chainId, value: JSON.stringify(checkpoint) });
      await this.publisher.publishMany(this.topic, messages);
      this.lastWritten = last;
    } catch (err) {
      // Records already chained after the last durable one must not leave a gap: everything pending is refused
      // and the chain continues from what the log really holds.
      const pending = [...batch, ...this.queue.splice(0)];
      this.chain = new HashChain(this.chainId, this.lastWritten);
      this.logger.error(`message-log write failed; ${pending.length} exchanges refused: ${(err as Error).message}`);
      for (const p of pending) p.reject(err as Error);
      this.writing = false;
      // Not retried for the checkpoint alone: with the log unavailable that would spin. The next write carries it.
      if (this.queue.length) void this.flush();
      else this.settleIdle();
      return;
    }
    this.checkpointWritten(checkpoint, batch.length);
    // Durably logged: the exchanges are answered even if the search index (a projection of the topic, rebuilt at
    // start-up) cannot take the records right now. The batch's records are indexed all at once — issued in order,
    // so a shared Redis index still ranks them in log order — rather than one round trip after another: one after
    // another, every exchange in a batch waited for the index writes of all those before it (and, with Redis
    // stalled, for one command timeout each).
    await Promise.all(
      batch.map((p) =>
        this.index.add(p.record).catch((err: Error) => {
          this.logger.error(`message-log index unavailable; record ${p.record.id} is in the log but not yet searchable: ${err.message}`);
        }),
      ),
    );
    for (const p of batch) p.resolve(p.record);
    this.writing = false;
    if (this.queue.length || this.checkpointWanted()) void this.flush();
    else this.settleIdle();
  }

  private checkpointWanted(): boolean {
    return this.signingKey !== null && this.unsigned > 0 && (this.checkpointDue || this.stopping);
  }

  /** The checkpoint to write with this batch, if one is due once it is written. */
  private async checkpointFor(last: MessageLogRecord | null, batchSize: number): Promise<MessageLogCheckpoint | null> {
    const covering = this.unsigned + batchSize;
    if (!this.signingKey || !last || covering === 0) return null;
    if (!this.checkpointDue && !this.stopping && covering < this.checkpointEvery) return null;
    try {
      return await signCheckpoint(last, this.signingKey);
    } catch (err) {
      // The records are still written; they stay hash-chained only until a later checkpoint covers them.
      this.logger.error(`message-log checkpoint could not be signed: ${(err as Error).message}`);
      return null;
    }
  }

  private checkpointWritten(checkpoint: MessageLogCheckpoint | null, batchSize: number): void {
    if (!checkpoint) {
      this.unsigned += batchSize;
      if (this.unsigned > 0 && !this.stopping) this.armCheckpointTimer();
      return;
    }
    this.unsigned = 0;
    this.checkpointDue = false;
    this.clearCheckpointTimer();
    if (!this.headDir || this.headFrozen) return;
    this.saveHead(this.headDir, checkpoint);
  }

  /**
   * Saves the head off the exchange path, one file write at a time; checkpoints that arrive during a write replace
   * each other, so only the newest waits to be written.
   */
  private saveHead(dir: string, checkpoint: MessageLogCheckpoint): void {
    this.nextHead = checkpoint;
    this.headSaving ??= (async () => {
      while (this.nextHead) {
        const head = this.nextHead;
        this.nextHead = null;
        try {
          await writeSavedHead(dir, this.topic, head);
        } catch (err) {
          // The checkpoint is in the log; only the copy that reveals a cut tail is stale until the next one.
          this.logger.error(`message-log saved head could not be written: ${(err as Error).message}`);
        }
      }
      this.headSaving = null;
    })();
  }

  /** Resolves once the newest checkpoint so far is in the saved-head file (stop() waits for it too). */
  async headSaved(): Promise<void> {
    while (this.headSaving) await this.headSaving;
  }

  private readSavedHead(): MessageLogCheckpoint | null {
    if (!this.headDir) return null;
    try {
      return readSavedHead(this.headDir, this.chainId, this.topic);
    } catch (err) {
      // A damaged file is not replaced either: it is all that is left to compare the log with.
      this.headFrozen = true;
      this.logger.error(`message log: ${(err as Error).message}; it is kept and no longer updated`);
      return null;
    }
  }

  /** "T ms of activity": started by the first record a checkpoint does not cover yet. */
  private armCheckpointTimer(): void {
    if (!this.signingKey || this.checkpointTimer) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      this.checkpointDue = true;
      void this.flush();
    }, this.checkpointAfterMs);
    // A pending checkpoint does not keep the process alive; shutdown writes it.
    this.checkpointTimer.unref();
  }

  private clearCheckpointTimer(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
  }

  private settleIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
