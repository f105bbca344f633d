import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { GATEWAY_CONFIG, GatewayConfig, logIndexMaxRecords } from '../config/gateway-config';
import { MESSAGE_LOG_INDEX, MessageLogIndex } from './message-log-index';
import { RedisMessageLogIndex } from './redis-message-log-index';

/**
 * Keeps the Redis message-log index to its configured size (GATEWAY_LOG_INDEX_MAX_RECORDS) by trimming it every
 * GATEWAY_LOG_INDEX_TRIM_INTERVAL_MS. Nothing is lost by it: the message-log topic in Kafka is the complete
 * record, and the index is only the searchable window over its newest records; without the trim Redis would grow
 * with every exchange until it hit its memory limit. Every replica runs one — trims are safe to overlap — so that
 * the index stays bounded whichever replicas are up. (The in-process index bounds itself on every add.)
 */
@Injectable()
export class MessageLogIndexTrimmer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MessageLogIndex');
  private readonly maxRecords: number;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** Logged once per run of failures, not once per tick while Redis is down. */
  private failing = false;

  constructor(
    @Inject(MESSAGE_LOG_INDEX) private readonly index: MessageLogIndex,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.maxRecords = logIndexMaxRecords(config);
    this.intervalMs = config.GATEWAY_LOG_INDEX_TRIM_INTERVAL_MS;
  }

  onApplicationBootstrap(): void {
    if (!(this.index instanceof RedisMessageLogIndex)) return;
    // One right away, so that a lowered bound applies from this start rather than after the first interval; not
    // awaited, so that a large first trim does not hold the boot.
    void this.trimOnce();
    this.timer = setInterval(() => void this.trimOnce(), this.intervalMs);
    // The trim never keeps the process alive: shutdown must not wait for the next tick.
    this.timer.unref();
  }

  /**
   * Trims now; resolves with how many records were dropped (0 when the index is in-process or Redis failed). A
   * call while a trim is under way joins it rather than starting a second one.
   */
  trimOnce(): Promise<number> {
    if (!(this.index instanceof RedisMessageLogIndex)) return Promise.resolve(0);
    this.running ??= this.trim(this.index).finally(() => (this.running = null));
    return this.running;
  }

  private async trim(index: RedisMessageLogIndex): Promise<number> {
    try {
      const dropped = await index.trim(this.maxRecords);
      if (this.failing) this.logger.log('the message-log index can be trimmed again');
      this.failing = false;
      if (dropped > 0) this.logger.log(`message-log index trimmed to the newest ${this.maxRecords} records (${dropped} older ones dropped; they remain in the log topic)`);
      return dropped;
    } catch (err) {
      // Not fatal: exchanges are still logged; the index only grows past its bound until the next trim succeeds.
      if (!this.failing) this.logger.warn(`message-log index could not be trimmed; retried every ${this.intervalMs} ms: ${(err as Error).message}`);
      this.failing = true;
      return 0;
    }
  }

  /**
   * Stops the timer and waits for a trim under way. onModuleDestroy comes before every shutdown hook, so before
   * MessagingShutdown closes the Redis connection the trim is using.
   */
  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
