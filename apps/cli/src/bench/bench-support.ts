import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { DemoPlatform, generateThanhHoaDemo, serializePlatformConfig } from '@lgsp/registry';
import { httpCall, loadAgent, LoadResult } from './http-load';
import { machineBusyCpuSeconds, ownCpuSeconds, percentile, processCpuSeconds } from './process-cpu';

/** What the benchmark suites share: rounding, CPU accounting per phase, a self-renewing token. */

export function round(n: number | null, digits = 0): number | null {
  if (n === null || !Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export const r0 = (n: number): number => round(n) ?? NaN;
export const r2 = (n: number): number => round(n, 2) ?? NaN;


/** The token is renewed when this share of its lifetime has passed. */
const TOKEN_RENEW_AT = 0.8;

/** Client-credentials token for a benchmark client, renewed in the background before it expires. */
export class TokenSource {
  private token = '';
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly origin: string,
    private readonly clientId: string,
    private readonly secret: string,
    private readonly progress: (text: string) => void,
  ) {}

  get authorization(): string {
    return `Bearer ${this.token}`;
  }

  async start(): Promise<void> {
    await this.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private async refresh(): Promise<void> {
    const res = await httpCall(`${this.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.clientId, client_secret: this.secret }).toString(),
    });
    if (res.status !== 200) throw new Error(`the gateway refused the benchmark client a token: HTTP ${res.status} ${res.body.toString('utf8')}`);
    const body = JSON.parse(res.body.toString('utf8')) as { access_token: string; expires_in: number };
    this.token = body.access_token;
    const renewInS = Math.max(1, body.expires_in * TOKEN_RENEW_AT);
    this.timer = setTimeout(() => {
      this.refresh().catch((err: Error) => {
        this.progress(`token refresh failed (${err.message}); retrying in 5 s`);
        this.timer = setTimeout(() => void this.refresh().catch(() => undefined), 5000);
      });
    }, renewInS * 1000);
    this.timer.unref();
  }
}

/**
 * The Thanh Hóa demo platform, written to `path` with every client on the unlimited tier: the demo's tiers would cap a
 * one-stop system at 2,000 requests a minute, and a benchmark measures the platform, not the quota.
 */
export async function writeUnlimitedDemoPlatform(path: string): Promise<DemoPlatform> {
  const demo = await generateThanhHoaDemo({ secrets: 'random' });
  writeFileSync(path, serializePlatformConfig({ ...demo.config, clients: demo.config.clients.map((c) => ({ ...c, tier: 'unlimited' })) }));
  return demo;
}

export interface CpuWatch {
  readonly name: string;
  readonly pid: number | null;
}

export interface Measured<T> {
  value: T;
  cpu: Record<string, number | null>;
  loadgenCpuS: number;
  /** Machine-wide busy CPU less the benchmark's own processes: other work on a shared machine. */
  otherCpuS: number | null;
}

export async function withCpu<T>(watch: CpuWatch[], run: () => Promise<T>): Promise<Measured<T>> {
  const before = watch.map((w) => (w.pid === null ? null : processCpuSeconds(w.pid)));
  const machine0 = machineBusyCpuSeconds();
  const own0 = ownCpuSeconds();
  const value = await run();
  const loadgenCpuS = ownCpuSeconds() - own0;
  const machine1 = machineBusyCpuSeconds();
  const cpu: Record<string, number | null> = {};
  let ours: number | null = loadgenCpuS;
  watch.forEach((w, i) => {
    const after = w.pid === null ? null : processCpuSeconds(w.pid);
    const b = before[i];
    cpu[w.name] = b === null || after === null ? null : after - b;
    ours = ours === null || cpu[w.name] === null ? null : ours + cpu[w.name]!;
  });
  const otherCpuS = machine0 === null || machine1 === null || ours === null ? null : Math.max(0, machine1 - machine0 - ours);
  return { value, cpu, loadgenCpuS, otherCpuS };
}

export const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Between phases, so that one phase's tail (collections, flushes) is not charged to the next. */
export const SETTLE_MS = 500;

export function perRequest(cpuS: number | null, requests: number): number | null {
  return cpuS === null || requests === 0 ? null : round((cpuS * 1000) / requests, 3);
}


/**
 * What one benchmark run starts — processes, token refreshers — and its scratch directory. `close()` stops them in
 * reverse order (clients before the servers they use, the broker last) and removes the directory; Ctrl-C or SIGTERM
 * during the run does the same and exits 130, so no benchmark leaves processes or data behind.
 */
export class BenchRun {
  readonly root: string;
  private readonly started: { stop(): unknown }[] = [];
  private readonly onSignal = (): void => {
    void this.close().finally(() => process.exit(130));
  };

  constructor(suite: string) {
    this.root = mkdtempSync(join(tmpdir(), `lgsp-bench-${suite}-`));
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /** Registers something started for this run; returns it, so a start reads `run.track(await start…())`. */
  track<T extends { stop(): unknown }>(thing: T): T {
    this.started.push(thing);
    return thing;
  }

  async close(): Promise<void> {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    for (const thing of this.started.splice(0).reverse()) await Promise.resolve(thing.stop()).catch(() => undefined);
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** One load phase on its own keep-alive pool, then a pause so that its tail is not charged to the next phase. */
export async function phase<T>(maxSockets: number, run: (agent: Agent) => Promise<T>): Promise<T> {
  const agent = loadAgent(maxSockets);
  try {
    return await run(agent);
  } finally {
    agent.destroy();
    await settle(SETTLE_MS);
  }
}

/** A phase's progress line: rate, p50, p99 and errors. */
export function loadLine(label: string, unit: string, r: LoadResult): string {
  const errors = r.errors ? `, ${r.errors} errors (first: ${r.firstError})` : '';
  return `${label}: ${Math.round(r.ok / r.seconds)} ${unit}/s, p50 ${percentile(r.latenciesMs, 50).toFixed(2)} ms, p99 ${percentile(r.latenciesMs, 99).toFixed(2)} ms${errors}`;
}
