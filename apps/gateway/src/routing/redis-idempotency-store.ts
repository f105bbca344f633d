import type Redis from 'ioredis';
import { IdempotencyStore, StoredAnswer } from './idempotency-store';

/** Bumped if the stored layout ever changes, so that a replica never misreads another version's answer. */
const FORMAT_VERSION = 1;
/** Version byte + big-endian length of the metadata JSON. */
const HEADER_BYTES = 5;

/**
 * Answers shared by all gateway replicas, one Redis string per client and request id:
 * `<prefix><client id, URI-encoded>:<request id>`. The value is one binary frame — a version byte, the length of a
 * small JSON of the metadata, that JSON, then the body bytes untouched — so that the answer and its expiry are set
 * in one `SET … PX … NX` (first answer wins, no partial write) and bodies that are not UTF-8 survive unchanged.
 * Memory is bounded only by the TTL (and the server's maxmemory policy), unlike the in-process adapter's count cap.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    /** Namespaces the keys by platform instance, e.g. `lgsp-h56:gateway:idempotency:`. */
    private readonly keyPrefix: string,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
  ) {
    if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new RangeError(`idempotency TTL must be a positive whole number of ms; got ${ttlMs}`);
  }

  /** Client ids cannot hold ':' today, but request ids can: encoding the client keeps ("a", "b:c") apart from ("a:b", "c"). */
  private key(clientId: string, requestId: string): string {
    return `${this.keyPrefix}${encodeURIComponent(clientId)}:${requestId}`;
  }

  async get(clientId: string, requestId: string): Promise<StoredAnswer | undefined> {
    const frame = await this.redis.getBuffer(this.key(clientId, requestId));
    return frame === null ? undefined : decode(frame);
  }

  async put(clientId: string, requestId: string, answer: StoredAnswer): Promise<void> {
    await this.redis.set(this.key(clientId, requestId), encode(answer), 'PX', this.ttlMs, 'NX');
  }
}

function encode(answer: StoredAnswer): Buffer {
  const meta = Buffer.from(JSON.stringify({ requestHash: answer.requestHash, status: answer.status, headers: answer.headers }), 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(FORMAT_VERSION, 0);
  header.writeUInt32BE(meta.length, 1);
  return Buffer.concat([header, meta, answer.body]);
}

function decode(frame: Buffer): StoredAnswer {
  if (frame.length < HEADER_BYTES || frame.readUInt8(0) !== FORMAT_VERSION) {
    throw new Error(`stored idempotent answer has an unknown format (version byte ${frame.length ? frame.readUInt8(0) : 'missing'})`);
  }
  const metaEnd = HEADER_BYTES + frame.readUInt32BE(1);
  if (metaEnd > frame.length) throw new Error('stored idempotent answer is truncated');
  const meta = JSON.parse(frame.subarray(HEADER_BYTES, metaEnd).toString('utf8')) as Omit<StoredAnswer, 'body'>;
  return { requestHash: meta.requestHash, status: meta.status, headers: meta.headers, body: frame.subarray(metaEnd) };
}
