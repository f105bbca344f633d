import { Agent, IncomingHttpHeaders, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * The benchmark's HTTP load generator. It shares the machine's cores with what it measures, so it is built on
 * `node:http` with a keep-alive Agent: on this machine that costs about a fifth of the CPU per request of the
 * built-in `fetch` (undici), which would otherwise take cores away from the gateway.
 */
export interface LoadTarget {
  /**
   * Origin and path, e.g. http://127.0.0.1:8080/r1/ping; several when the target runs as replicas. Like callers
   * behind a load balancer with keep-alive, each closed-loop caller stays with one of them, and the open loop takes
   * them in turn.
   */
  readonly urls: readonly string[];
  /** Read before every request, so that a refreshed token is picked up at once. */
  readonly headers: () => Record<string, string>;
  /** GET unless given. */
  readonly method?: string;
  /** Called for every request (each may need its own body, e.g. a new DocumentId); none unless given. */
  readonly body?: () => Buffer;
  /**
   * Closed loop only: caller `caller`'s next request when it depends on the caller's own state (e.g. the next status
   * of the case it is moving), as a path on the caller's origin and a body; null when the caller has no work left.
   */
  readonly next?: (caller: number) => { path: string; body?: Buffer } | null;
  /** An answer outside 2xx that still completes the request (e.g. a lookup's 404 RECORD_NOT_FOUND); none unless given. */
  readonly accept?: (status: number, headers: IncomingHttpHeaders) => boolean;
}

export interface LoadResult {
  /** Completed with a 2xx status, or one the target accepts. */
  readonly ok: number;
  /** Non-2xx answers, network errors and timeouts. */
  readonly errors: number;
  readonly firstError: string | null;
  readonly seconds: number;
  /** Latencies of the successful requests, ascending. */
  readonly latenciesMs: Float64Array;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: Buffer;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** One request with its body read; for probes and the token call, not for the measured loops. */
export function httpCall(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer from ${url} within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * A keep-alive agent. A closed loop gets a pool as large as the requests it keeps in flight; an open loop gets an
 * unbounded one (Infinity), because a capped pool would queue requests behind a slow answer and so turn a short
 * stall into a growing backlog that a real population of independent callers would not have. Sockets are reused
 * last-in first-out, so an open loop at a modest rate keeps only a few of them busy.
 */
export function loadAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: Number.isFinite(maxSockets) ? maxSockets : 256, scheduling: 'lifo' });
}

class Recorder {
  ok = 0;
  errors = 0;
  firstError: string | null = null;
  private latencies = new Float64Array(1 << 16);

  success(ms: number): void {
    if (this.ok === this.latencies.length) {
      const bigger = new Float64Array(this.latencies.length * 2);
      bigger.set(this.latencies);
      this.latencies = bigger;
    }
    this.latencies[this.ok++] = ms;
  }

  failure(why: string): void {
    this.errors++;
    this.firstError ??= why;
  }

  result(seconds: number): LoadResult {
    const latenciesMs = this.latencies.slice(0, this.ok).sort();
    return { ok: this.ok, errors: this.errors, firstError: this.firstError, seconds, latenciesMs };
  }
}

interface Prepared {
  readonly hostname: string;
  readonly port: number;
  readonly path: string;
}

function prepare(target: LoadTarget): Prepared[] {
  return target.urls.map((url) => {
    const u = new URL(url);
    return { hostname: u.hostname, port: Number(u.port || 80), path: `${u.pathname}${u.search}` };
  });
}

/** Sends one request and calls back with null on a 2xx (or accepted) answer whose body has been read, or with what went wrong. */
function sendOne(p: Prepared, target: LoadTarget, agent: Agent, done: (error: string | null) => void, step?: { path: string; body?: Buffer }): void {
  let settled = false;
  const settle = (error: string | null): void => {
    if (settled) return;
    settled = true;
    done(error);
  };
  const body = step ? step.body : target.body?.();
  const headers = body ? { ...target.headers(), 'content-length': String(body.length) } : target.headers();
  const req = request({ hostname: p.hostname, port: p.port, path: step?.path ?? p.path, method: target.method ?? 'GET', headers, agent }, (res) => {
    const status = res.statusCode ?? 0;
    res.on('data', () => undefined);
    const completed = (status >= 200 && status < 300) || target.accept?.(status, res.headers) === true;
    res.on('end', () => settle(completed ? null : `HTTP ${status}`));
    res.on('error', (err) => settle(err.message));
  });
  req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`timeout after ${REQUEST_TIMEOUT_MS} ms`)));
  req.on('error', (err) => settle(err.message));
  req.end(body);
}

/**
 * Closed loop: `concurrency` callers, each sending its next request as soon as the previous one is answered, for
 * `seconds`. Latency is from send to the end of the answer.
 */
export function closedLoop(target: LoadTarget, agent: Agent, concurrency: number, seconds: number): Promise<LoadResult> {
  const replicas = prepare(target);
  const rec = new Recorder();
  const start = performance.now();
  const end = start + seconds * 1000;
  return new Promise((resolve) => {
    let running = concurrency;
    const caller = (p: Prepared, index: number): void => {
      const next = (): void => {
        const sentAt = performance.now();
        // Asked only when it will be sent, so that a caller's own state (see `next`) counts exactly what was sent.
        const step = sentAt >= end ? null : target.next?.(index);
        if (step === null) {
          if (--running === 0) resolve(rec.result((performance.now() - start) / 1000));
          return;
        }
        sendOne(
          p,
          target,
          agent,
          (error) => {
            if (error === null) rec.success(performance.now() - sentAt);
            else rec.failure(error);
            next();
          },
          step,
        );
      };
      next();
    };
    for (let i = 0; i < concurrency; i++) caller(replicas[i % replicas.length], i);
  });
}

/**
 * Open loop: requests at a fixed rate whatever the answers do, for `seconds`. Latency is measured from each
 * request's scheduled send time, so a stall delays (and is charged to) every request scheduled during it instead of
 * quietly sending fewer of them (coordinated omission).
 */
export function openLoop(target: LoadTarget, agent: Agent, ratePerS: number, seconds: number): Promise<LoadResult> {
  const replicas = prepare(target);
  const rec = new Recorder();
  const total = Math.max(1, Math.round(ratePerS * seconds));
  const intervalMs = 1000 / ratePerS;
  const start = performance.now();
  return new Promise((resolve) => {
    let sent = 0;
    let answered = 0;
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) {
        const scheduledAt = start + sent * intervalMs;
        const p = replicas[sent % replicas.length];
        sent++;
        sendOne(p, target, agent, (error) => {
          if (error === null) rec.success(performance.now() - scheduledAt);
          else rec.failure(error);
          if (++answered === total) resolve(rec.result((performance.now() - start) / 1000));
        });
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
}
