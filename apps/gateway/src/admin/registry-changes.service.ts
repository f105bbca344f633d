import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PlatformTopics } from '@lgsp/contracts';
import { EventConsumer, EventPublisher, IncomingMessage, MessagingConnection, readTopicToEnd } from '@lgsp/messaging';
import { Registry, RegistryChange, RegistryError } from '@lgsp/registry';
import { GATEWAY_CONFIG, GatewayConfig, gatewayInstanceId } from '../config/gateway-config';
import { PLATFORM_TOPICS } from '../platform/platform.tokens';

interface Waiting {
  resolve(): void;
  reject(err: Error): void;
}

/**
 * Run-time changes to the registry, made through the admin API and kept in the registry-audit topic.
 *
 * A change is worked out on a scratch copy of the registry (so a bad one is refused before anything is written),
 * written to the audit topic, and then applied by every gateway replica — this one included — in the topic's
 * order. One order for all replicas means they all reach the same state, and a change that no longer fits when
 * its turn comes (say, two admins adding the same client at once) fails the same way everywhere. At start-up the
 * whole topic is replayed before the gateway serves, so revocations survive restarts.
 */
@Injectable()
export class RegistryChangesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RegistryChanges');
  private consumer: EventConsumer | null = null;
  private readonly history: RegistryChange[] = [];
  private readonly waiting = new Map<string, Waiting>();
  /** Serialises this replica's changes: each is computed against the state the previous one left. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly registry: Registry,
    private readonly connection: MessagingConnection,
    private readonly publisher: EventPublisher,
    @Inject(PLATFORM_TOPICS) private readonly topics: PlatformTopics,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const topic = this.topics.registryAudit;
    await this.connection.ensureTopics([{ topic, partitions: 1 }]);
    const existing = await readTopicToEnd(this.connection, topic);
    const lastOffset = existing.length ? Number(existing[existing.length - 1].offset) : -1;
    let caughtUp!: () => void;
    const replayed = new Promise<void>((resolve) => (caughtUp = resolve));
    if (lastOffset < 0) caughtUp();
    // A fresh group per start reads the topic from its beginning and then stays on it for other replicas' changes.
    this.consumer = new EventConsumer(this.connection, {
      topics: [topic],
      groupId: `${this.registry.platform.instance}.gateway.registry.${gatewayInstanceId(this.config)}.${Date.now()}`,
      fromBeginning: true,
      handler: async (message) => {
        this.applyFromLog(message);
        if (Number(message.offset) >= lastOffset) caughtUp();
      },
    });
    await this.consumer.start();
    await replayed;
    if (this.history.length) this.logger.log(`replayed ${this.history.length} registry changes from the audit log`);
  }

  private applyFromLog(message: IncomingMessage): void {
    const change = JSON.parse(message.value.toString('utf8')) as RegistryChange;
    const key = `${message.headers['lgsp-change-id'] ?? ''}`;
    const waiting = this.waiting.get(key);
    this.waiting.delete(key);
    try {
      this.registry.apply(change);
      this.history.push(change);
      waiting?.resolve();
    } catch (err) {
      // Deterministic: every replica refuses the same change at the same place in the log.
      this.logger.warn(`registry change at offset ${message.offset} not applied: ${(err as Error).message}`);
      waiting?.reject(err as Error);
    }
  }

  /**
   * Works a change out on a scratch registry, writes it to the audit log, and resolves once this replica has
   * applied it from the log (so the caller's next request already sees it).
   */
  commit<T>(make: (scratch: Registry) => Promise<{ change: RegistryChange; result: T }> | { change: RegistryChange; result: T }): Promise<T> {
    const run = async (): Promise<T> => {
      const scratch = new Registry(this.registry.snapshot());
      const { change, result } = await make(scratch); // throws RegistryError for a bad change: nothing written
      const changeId = `${gatewayInstanceId(this.config)}:${Date.now()}:${Math.random().toString(36).slice(2)}`;
      const applied = new Promise<void>((resolve, reject) => this.waiting.set(changeId, { resolve, reject }));
      try {
        await this.publisher.publish(this.topics.registryAudit, { key: 'registry', value: JSON.stringify(change), headers: { 'lgsp-change-id': changeId } });
      } catch (err) {
        this.waiting.delete(changeId);
        throw err;
      }
      await applied;
      return result;
    };
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Every change applied, oldest first (secret hashes removed: the audit trail is for reading). */
  changes(): RegistryChange[] {
    return this.history.map((c) => {
      const { secretHash: _hash, ...details } = c.details as Record<string, unknown>;
      return { ...c, details };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    for (const w of this.waiting.values()) w.reject(new Error('gateway is stopping'));
  }
}

export { RegistryError };
