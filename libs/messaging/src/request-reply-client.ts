import { randomUUID } from 'node:crypto';
import { KafkaHeader } from '@lgsp/contracts';
import { ConsumerRunner } from './consumer-runner';
import { EventPublisher } from './event-publisher';
import { RunningParts, stopRunningParts } from './running-parts';
import { connectionCore, ConnectionCore, MessagingConnection } from './messaging-connection';
import { IncomingMessage, OutgoingMessage } from './messages';

/** The requester stopped waiting. `deadlineMs` is how long it waited (the request's deadline, relative to sending). */
export class DeadlineExceededError extends Error {
  readonly deadlineMs: number;
  readonly topic: string;
  readonly correlationId: string;

  constructor(deadlineMs: number, topic: string, correlationId: string) {
    super(`no reply from ${topic} within ${deadlineMs} ms`);
    this.name = 'DeadlineExceededError';
    this.deadlineMs = deadlineMs;
    this.topic = topic;
    this.correlationId = correlationId;
  }
}

export interface RequestReplyClientOptions {
  /** Shared by every replica of the requester; each reads all of it in its own group and keeps only its own replies. */
  replyTopic: string;
  /** Unique per replica (per process): it names the replica's consumer group. */
  instanceId: string;
  defaultDeadlineMs?: number;
  /**
   * Publish requests through this publisher instead of one of the client's own, so that they share produce requests
   * with the process's other records (the gateway's message log). Its owner starts and stops it — after this client.
   */
  publisher?: EventPublisher;
}

interface Pending {
  resolve(reply: IncomingMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class RequestReplyClient {
  private readonly core: ConnectionCore;
  private readonly pending = new Map<string, Pending>();
  private readonly defaultDeadlineMs: number;
  private readonly parts: RunningParts = {};
  private publisher?: EventPublisher;
  private started = false;
  private starting?: Promise<void>;

  constructor(
    private readonly connection: MessagingConnection,
    private readonly options: RequestReplyClientOptions,
  ) {
    this.core = connectionCore(connection);
    this.defaultDeadlineMs = options.defaultDeadlineMs ?? 10_000;
  }

  get groupId(): string {
    return `${this.options.replyTopic}.${this.options.instanceId}`;
  }

  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    this.core.assertOpen('RequestReplyClient.start');
    const { replyTopic } = this.options;
    this.parts.untrack = this.core.track('consumer', () => this.stop());
    // Built before the first await, so that a stop() while starting finds them and stops them. A shared publisher is
    // not the client's to stop, so it is not among its parts.
    const publisher = this.options.publisher ?? new EventPublisher(this.connection);
    if (!this.options.publisher) this.parts.publisher = publisher;
    this.publisher = publisher;
    const runner = new ConsumerRunner(this.core, {
      groupId: this.groupId,
      topics: [replyTopic],
      fromBeginning: false,
      // Never committed: a reply outlives its request by at most a deadline, so a restarted replica (which has no
      // pending requests) should start at the end again rather than wade through what came in while it was away.
      autoCommit: false,
      maxWaitMs: 250,
      concurrency: 1,
      onMessage: async (reply) => this.settle(reply),
    });
    this.parts.runner = runner;
    try {
      await this.connection.ensureTopics([{ topic: replyTopic }]);
      await publisher.start();
      await runner.start();
      this.started = true;
    } catch (error) {
      await this.stop();
      // Whatever kafkajs said when the connection was pulled from under it, the cause is the close.
      throw this.core.closed ? new Error(`RequestReplyClient.start: the messaging connection was closed while starting`, { cause: error }) : error;
    }
  }

  request(topic: string, message: OutgoingMessage, options?: { deadlineMs?: number }): Promise<IncomingMessage> {
    if (!this.started || !this.publisher) return Promise.reject(new Error('RequestReplyClient: not started'));
    const publisher = this.publisher;
    const deadlineMs = options?.deadlineMs ?? this.defaultDeadlineMs;
    const correlationId = randomUUID();
    const headers = {
      ...message.headers,
      // Ours win over the caller's: a stale correlation id or reply-to would route the answer to nobody.
      [KafkaHeader.ReplyTo]: this.options.replyTopic,
      [KafkaHeader.CorrelationId]: correlationId,
      [KafkaHeader.Deadline]: String(Date.now() + deadlineMs),
    };

    return new Promise<IncomingMessage>((resolve, reject) => {
      // Registered before publishing: a fast provider's reply can arrive before the publish is acknowledged.
      const entry: Pending = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.pending.delete(correlationId);
          reject(new DeadlineExceededError(deadlineMs, topic, correlationId));
        }, deadlineMs),
      };
      this.pending.set(correlationId, entry);
      publisher.publish(topic, { ...message, headers }).catch((error: unknown) => {
        if (this.pending.get(correlationId) !== entry) return;
        clearTimeout(entry.timer);
        this.pending.delete(correlationId);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  async stop(): Promise<void> {
    this.started = false;
    this.starting = undefined;
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(new Error('client stopped'));
    }
    this.pending.clear();
    this.publisher = undefined;
    await stopRunningParts(this.parts);
  }

  private settle(reply: IncomingMessage): void {
    const correlationId = reply.headers[KafkaHeader.CorrelationId];
    const entry = correlationId === undefined ? undefined : this.pending.get(correlationId);
    if (!correlationId || !entry) {
      // Other replicas' replies, and ours that came after the deadline, share this topic: not ours to act on.
      this.core.logger.debug({ topic: reply.topic, partition: reply.partition, offset: reply.offset, correlationId }, 'reply for an unknown correlation id ignored');
      return;
    }
    clearTimeout(entry.timer);
    this.pending.delete(correlationId);
    entry.resolve(reply);
  }
}
