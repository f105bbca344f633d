import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { assertTtl, IdempotencyStore, Reservation, StoredAnswer } from './idempotency-store';

/**
 * The first byte of every stored value says what follows, so that a replica never misreads another version's value.
 * Answers keep the layout (and the byte, 1) they had before reservations existed, so replicas of either version
 * replay each other's answers during a rolling upgrade. A reservation is a new shape with a new byte, which the
 * older version refuses as an unknown format instead of taking it for an answer.
 */
const ANSWER_FRAME = 1;
const PENDING_FRAME = 2;
/** Frame byte + big-endian length of the metadata JSON. */
const ANSWER_HEADER_BYTES = 5;
/** Frame byte + length of the token. */
const PENDING_HEADER_BYTES = 2;

/**
 * Reserves the id unless anything is held under it, else returns what is held; one script, so exactly one of many
 * racing callers finds the key free. Time is frozen inside a script, so a key that SET NX found cannot expire
 * before the GET. KEYS: the id. ARGV: reservation frame, pending TTL (ms). Returns nil when reserved.
 */
const BEGIN_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return false end
return redis.call('GET', KEYS[1])
`;

/**
 * Stores the answer if the caller's reservation is still held, or if nothing is (it lapsed, but the effect
 * happened). KEYS: the id. ARGV: the reservation's frame byte, token length and token; the answer frame; TTL (ms).
 */
const COMPLETE_SCRIPT = `
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, #ARGV[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

/** Deletes the id only while it holds the caller's reservation. KEYS: the id. ARGV: as the first of COMPLETE's. */
const ABANDON_SCRIPT = `
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, #ARGV[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** The scripts as ioredis commands (defineCommand adds them to the client at run time, untyped). */
interface IdempotencyScripts {
  lgspIdempotencyBeginBuffer(key: string, frame: Buffer, pendingTtlMs: number): Promise<Buffer | null>;
  lgspIdempotencyComplete(key: string, owner: Buffer, frame: Buffer, ttlMs: number): Promise<number>;
  lgspIdempotencyAbandon(key: string, owner: Buffer): Promise<number>;
}

/**
 * Reservations and answers shared by all gateway replicas, one Redis string per client and request id:
 * `<prefix><client id, URI-encoded>:<request id>`. The value is one binary frame — either a reservation (its
 * token and the request hash) or an answer (a small JSON of the metadata, then the body bytes untouched) — so that
 * a value and its expiry change together in one command or script, and bodies that are not UTF-8 survive unchanged.
 * Memory is bounded only by the TTLs (and the server's maxmemory policy), unlike the in-process adapter's count cap.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly scripts: IdempotencyScripts;

  constructor(
    private readonly redis: Redis,
    /** Namespaces the keys by platform instance, e.g. `lgsp-h56:gateway:idempotency:`. */
    private readonly keyPrefix: string,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
  ) {
    assertTtl('idempotency TTL', ttlMs);
    redis.defineCommand('lgspIdempotencyBegin', { lua: BEGIN_SCRIPT, numberOfKeys: 1 });
    redis.defineCommand('lgspIdempotencyComplete', { lua: COMPLETE_SCRIPT, numberOfKeys: 1 });
    redis.defineCommand('lgspIdempotencyAbandon', { lua: ABANDON_SCRIPT, numberOfKeys: 1 });
    this.scripts = redis as unknown as IdempotencyScripts;
  }

  /** Client ids cannot hold ':' today, but request ids can: encoding the client keeps ("a", "b:c") apart from ("a:b", "c"). */
  private key(clientId: string, requestId: string): string {
    return `${this.keyPrefix}${encodeURIComponent(clientId)}:${requestId}`;
  }

  async begin(clientId: string, requestId: string, requestHash: string, pendingTtlMs: number): Promise<Reservation> {
    assertTtl('pending TTL', pendingTtlMs);
    // Random rather than counted: tokens must differ across replicas and restarts, not only within one process.
    const token = randomBytes(16).toString('hex');
    const held = await this.scripts.lgspIdempotencyBeginBuffer(this.key(clientId, requestId), encodePending(token, requestHash), pendingTtlMs);
    if (held === null) return { kind: 'started', token };
    const found = decode(held);
    return found.kind === 'pending' ? { kind: 'in-progress', requestHash: found.requestHash } : { kind: 'answered', answer: found.answer };
  }

  async complete(clientId: string, requestId: string, token: string, answer: StoredAnswer): Promise<boolean> {
    return (await this.scripts.lgspIdempotencyComplete(this.key(clientId, requestId), pendingOwner(token), encodeAnswer(answer), this.ttlMs)) === 1;
  }

  async abandon(clientId: string, requestId: string, token: string): Promise<void> {
    await this.scripts.lgspIdempotencyAbandon(this.key(clientId, requestId), pendingOwner(token));
  }
}

/** The start of a reservation's frame that names its holder; length-prefixed, so no token is a prefix of another's. */
function pendingOwner(token: string): Buffer {
  const bytes = Buffer.from(token, 'utf8');
  if (bytes.length > 255) throw new RangeError('reservation token is too long');
  return Buffer.concat([Buffer.from([PENDING_FRAME, bytes.length]), bytes]);
}

function encodePending(token: string, requestHash: string): Buffer {
  return Buffer.concat([pendingOwner(token), Buffer.from(requestHash, 'utf8')]);
}

function encodeAnswer(answer: StoredAnswer): Buffer {
  const meta = Buffer.from(JSON.stringify({ requestHash: answer.requestHash, status: answer.status, headers: answer.headers }), 'utf8');
  const header = Buffer.alloc(ANSWER_HEADER_BYTES);
  header.writeUInt8(ANSWER_FRAME, 0);
  header.writeUInt32BE(meta.length, 1);
  return Buffer.concat([header, meta, answer.body]);
}

type Held = { readonly kind: 'pending'; readonly requestHash: string } | { readonly kind: 'answer'; readonly answer: StoredAnswer };

function decode(frame: Buffer): Held {
  const kind = frame.length > 0 ? frame.readUInt8(0) : undefined;
  if (kind === PENDING_FRAME && frame.length >= PENDING_HEADER_BYTES) {
    const hashStart = PENDING_HEADER_BYTES + frame.readUInt8(1);
    if (hashStart > frame.length) throw new Error('stored idempotency reservation is truncated');
    return { kind: 'pending', requestHash: frame.subarray(hashStart).toString('utf8') };
  }
  if (kind !== ANSWER_FRAME || frame.length < ANSWER_HEADER_BYTES) {
    throw new Error(`stored idempotency value has an unknown format (first byte ${kind ?? 'missing'})`);
  }
  const metaEnd = ANSWER_HEADER_BYTES + frame.readUInt32BE(1);
  if (metaEnd > frame.length) throw new Error('stored idempotent answer is truncated');
  const meta = JSON.parse(frame.subarray(ANSWER_HEADER_BYTES, metaEnd).toString('utf8')) as Omit<StoredAnswer, 'body'>;
  return { kind: 'answer', answer: { requestHash: meta.requestHash, status: meta.status, headers: meta.headers, body: frame.subarray(metaEnd) } };
}
