import type Redis from 'ioredis';
import { MessageLogRecord } from '@lgsp/message-log';
import { MessageLogIndex, MessageLogPage, MessageLogQuery, matchesQuery } from './message-log-index';

/**
 * Indexes a record unless its id is already held, or its place in its chain was trimmed away (a rebuild from the
 * log topic would otherwise bring trimmed records back, as the newest). One script, so that two replicas adding
 * the same record at once cannot both take a position.
 * KEYS: records, position counter, trim floors, then every sorted set the record belongs to.
 * ARGV: id, record JSON, chain, seq.
 */
const ADD_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
local floor = redis.call('HGET', KEYS[3], ARGV[3])
if floor and tonumber(ARGV[4]) <= tonumber(floor) then return 0 end
local position = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for i = 4, #KEYS do redis.call('ZADD', KEYS[i], position, ARGV[1]) end
return position
`;

/**
 * Drops one record and raises its chain's trim floor in the same step, so that a concurrent add of the same
 * record sees either the record or the floor, never neither.
 * KEYS: records, trim floors, then every sorted set the record belongs to. ARGV: id, chain, seq.
 * Returns 1 if this call removed the record, 0 if it was already gone (another replica trimming at the same time).
 */
const DROP_SCRIPT = `
local held = redis.call('HDEL', KEYS[1], ARGV[1])
for i = 3, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
local floor = redis.call('HGET', KEYS[2], ARGV[2])
if not floor or tonumber(floor) < tonumber(ARGV[3]) then redis.call('HSET', KEYS[2], ARGV[2], ARGV[3]) end
return held
`;

/** The scripts as ioredis commands (defineCommand adds them to the client at run time, untyped). */
interface IndexScripts {
  lgspMessageLogAdd(numKeys: number, ...keysThenArgs: (string | number)[]): Promise<number>;
  lgspMessageLogDrop(numKeys: number, ...keysThenArgs: (string | number)[]): Promise<number>;
}

/** Largest number of ids read per round trip when the remaining filters must be checked on the records. */
const MAX_SCAN_BATCH = 512;
/** Records dropped per round trip by trim, so that one call never holds Redis for long. */
const TRIM_CHUNK = 256;

/**
 * The message-log index in Redis, shared by every gateway replica. Layout under the prefix (e.g.
 * `lgsp-h56:gateway:message-log:`):
 * - `records`: HASH record id → record JSON (each record stored once);
 * - `position`: counter (INCR) giving each newly indexed record the next position, across all replicas;
 * - `all`, `by-client:<id>`, `by-service:<code>`, `by-outcome:succeeded|failed`, `by-status:<NNN>`,
 *   `by-request:<request id>`, `by-issue:<issue>`: sorted sets of record ids scored by position;
 * - `trimmed`: HASH chain → highest seq dropped by `trim`.
 * A search walks the smallest set that covers one of its filters, newest first, from the cursor (the position
 * of the last record returned) downwards, so records added between pages never shift a page.
 *
 * Memory grows with the log: each record is held whole (with its bodies for services logged in full) plus one
 * entry in up to seven sorted sets. Nothing expires by itself; `trim(maxRecords)` keeps the newest N, and every
 * gateway replica calls it periodically (MessageLogIndexTrimmer). The index is a searchable window over the log:
 * the message-log topic in Kafka stays the complete record, and what is trimmed here is still there.
 */
export class RedisMessageLogIndex implements MessageLogIndex {
  private readonly scripts: IndexScripts;

  constructor(
    private readonly redis: Redis,
    /** Namespaces the keys by platform instance, e.g. `lgsp-h56:gateway:message-log:`. */
    private readonly keyPrefix: string,
  ) {
    redis.defineCommand('lgspMessageLogAdd', { lua: ADD_SCRIPT });
    redis.defineCommand('lgspMessageLogDrop', { lua: DROP_SCRIPT });
    this.scripts = redis as unknown as IndexScripts;
  }

  private key(name: string): string {
    return this.keyPrefix + name;
  }

  /** Every sorted set a record belongs to, `all` first. */
  private setsOf(r: MessageLogRecord): string[] {
    const sets = [this.key('all'), this.key(`by-outcome:${r.succeeded ? 'succeeded' : 'failed'}`), this.key(`by-status:${r.status}`), this.key(`by-request:${r.requestId}`)];
    if (r.client !== null) sets.push(this.key(`by-client:${r.client}`));
    if (r.service !== null) sets.push(this.key(`by-service:${r.service}`));
    if (r.issue !== null) sets.push(this.key(`by-issue:${r.issue}`));
    return sets;
  }

  /** The sets that each stand for one of the query's filters exactly. */
  private setsFor(q: MessageLogQuery): string[] {
    const sets: string[] = [];
    if (q.client !== undefined) sets.push(this.key(`by-client:${q.client}`));
    if (q.service !== undefined) sets.push(this.key(`by-service:${q.service}`));
    if (q.status === 'succeeded' || q.status === 'failed') sets.push(this.key(`by-outcome:${q.status}`));
    else if (q.status !== undefined && /^\d{3}$/.test(q.status)) sets.push(this.key(`by-status:${Number(q.status)}`));
    if (q.requestId !== undefined) sets.push(this.key(`by-request:${q.requestId}`));
    if (q.issue !== undefined) sets.push(this.key(`by-issue:${q.issue}`));
    return sets;
  }

  async add(record: MessageLogRecord): Promise<void> {
    const keys = [this.key('records'), this.key('position'), this.key('trimmed'), ...this.setsOf(record)];
    await this.scripts.lgspMessageLogAdd(keys.length, ...keys, record.id, JSON.stringify(record), record.chain, record.seq);
  }

  async search(q: MessageLogQuery): Promise<MessageLogPage> {
    if (!Number.isInteger(q.limit) || q.limit < 1) throw new RangeError(`limit must be a positive whole number; got ${q.limit}`);
    if (q.cursor !== undefined && !/^\d+$/.test(q.cursor)) throw new RangeError(`not a message-log cursor: "${q.cursor}"`);

    const candidates = this.setsFor(q);
    let walk = this.key('all');
    if (candidates.length === 1) walk = candidates[0];
    else if (candidates.length > 1) {
      const sizes = await Promise.all(candidates.map((k) => this.redis.zcard(k)));
      const smallest = sizes.indexOf(Math.min(...sizes));
      if (sizes[smallest] === 0) return { items: [], nextCursor: null };
      walk = candidates[smallest];
    }
    // When the walked set is the query's only filter, every member matches: a page needs exactly `limit` records
    // read, and whether more exist is known from the ids alone (records with full bodies can be large).
    const exact = candidates.length <= 1 && q.from === undefined && q.to === undefined;

    const items: MessageLogRecord[] = [];
    let last: string | null = null;
    let more = false;
    let upper = q.cursor === undefined ? '+inf' : `(${q.cursor}`;
    for (let round = 0; ; round++) {
      const want = exact ? q.limit - items.length + 1 : Math.min(MAX_SCAN_BATCH, (q.limit + 1) * 2 ** round);
      const flat = await this.redis.zrevrangebyscore(walk, upper, '-inf', 'WITHSCORES', 'LIMIT', 0, want);
      const ids: string[] = [];
      const scores: string[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        ids.push(flat[i]);
        scores.push(flat[i + 1]);
      }
      if (ids.length === 0) break;

      const read = exact ? Math.min(ids.length, q.limit - items.length) : ids.length;
      const texts = await this.redis.hmget(this.key('records'), ...ids.slice(0, read));
      for (let i = 0; i < read && !more; i++) {
        const text = texts[i];
        if (text === null) continue; // trimmed between the two reads
        const r = JSON.parse(text) as MessageLogRecord;
        if (!exact && !matchesQuery(r, q)) continue;
        if (items.length === q.limit) {
          more = true;
        } else {
          items.push(r);
          last = scores[i];
        }
      }
      if (more) break;
      if (exact && items.length === q.limit) {
        more = ids.length > read;
        break;
      }
      if (ids.length < want) break;
      upper = `(${scores[read - 1]}`;
    }
    return { items, nextCursor: more ? last : null };
  }

  async size(): Promise<number> {
    return this.redis.zcard(this.key('all'));
  }

  /**
   * Keeps the newest `maxRecords` records and drops the rest from every set; returns how many this call dropped.
   * The log topic still holds them; a later rebuild does not bring them back. A record of a chain whose later
   * record was trimmed will not be indexed afterwards either — it is older than what the index keeps.
   *
   * Safe to run on several replicas at once: the cut is the position of the newest record to drop, read in one
   * command, and only records at or below it are dropped. Positions only grow, so however trims and adds
   * interleave, none of them removes one of the newest `maxRecords` records of the moment it read its cut.
   */
  async trim(maxRecords: number): Promise<number> {
    if (!Number.isInteger(maxRecords) || maxRecords < 0) throw new RangeError(`maxRecords must be a whole number ≥ 0; got ${maxRecords}`);
    // Rank -(maxRecords + 1) from the top is the newest record beyond the window, if there is one.
    const cut = await this.redis.zrange(this.key('all'), -(maxRecords + 1), -(maxRecords + 1), 'WITHSCORES');
    if (cut.length === 0) return 0;
    const upTo = cut[1];
    let dropped = 0;
    for (;;) {
      const ids = await this.redis.zrangebyscore(this.key('all'), '-inf', upTo, 'LIMIT', 0, TRIM_CHUNK);
      if (ids.length === 0) return dropped;
      const texts = await this.redis.hmget(this.key('records'), ...ids);
      const batch = this.redis.pipeline();
      ids.forEach((id, i) => {
        const text = texts[i];
        // A set member without a record cannot be placed in the other sets; it is at least removed from `all`.
        if (text === null) return void batch.zrem(this.key('all'), id);
        const r = JSON.parse(text) as MessageLogRecord;
        const keys = [this.key('records'), this.key('trimmed'), ...this.setsOf(r)];
        (batch as unknown as IndexScripts).lgspMessageLogDrop(keys.length, ...keys, id, r.chain, r.seq);
      });
      const results = await batch.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
      ids.forEach((_, i) => {
        // Orphan set members are not records; only records this call removed are counted.
        if (texts[i] !== null && results?.[i][1] === 1) dropped++;
      });
    }
  }
}
