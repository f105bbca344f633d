import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ServiceSpec } from './service-spec';

export interface SupervisorOutput {
  line(service: string, text: string, stream: 'out' | 'err'): void;
  notice(text: string): void;
}

interface Running {
  readonly spec: ServiceSpec;
  child: ChildProcess | null;
  restarts: number;
  startedAt: number;
  address: string | null;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;
/** A service that stayed up this long is considered healthy again: its restart back-off starts over. */
const HEALTHY_AFTER_MS = 60_000;

/**
 * Runs the platform's processes on one machine: starts them in order (each waits for the previous one's ready
 * line), prefixes their output, restarts any that exits unexpectedly with an exponential back-off, and stops them
 * all in reverse order on request. Written here rather than taken from a process manager (pm2, concurrently)
 * because start-up must wait for readiness lines and restarts must keep the same ports — neither does both.
 */
export class Supervisor {
  private readonly running: Running[] = [];
  private stopping = false;

  constructor(
    private readonly specs: readonly ServiceSpec[],
    private readonly output: SupervisorOutput,
  ) {}

  /** Starts every service in order; resolves with each one's address once all are ready. */
  async start(): Promise<{ name: string; address: string; pid: number }[]> {
    for (const spec of this.specs) {
      const entry: Running = { spec, child: null, restarts: 0, startedAt: 0, address: null };
      this.running.push(entry);
      entry.address = await this.launch(entry);
    }
    return this.running.map((r) => ({ name: r.spec.name, address: r.address ?? '', pid: r.child?.pid ?? -1 }));
  }

  private launch(entry: Running): Promise<string> {
    const { spec } = entry;
    return new Promise((resolve, reject) => {
      const child = spawn(spec.command, spec.args, {
        env: { ...process.env, ...spec.env, LGSP_SUPERVISOR_PID: String(process.pid) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      entry.child = child;
      entry.startedAt = Date.now();
      let ready = false;
      const timer = setTimeout(() => {
        if (!ready) reject(new Error(`${spec.name} did not report ready within ${READY_TIMEOUT_MS / 1000} s`));
      }, READY_TIMEOUT_MS);

      createInterface({ input: child.stdout! }).on('line', (line) => {
        this.output.line(spec.name, line, 'out');
        if (!ready) {
          const match = line.match(spec.readyLine);
          if (match) {
            ready = true;
            clearTimeout(timer);
            resolve(spec.describe(match));
          }
        }
      });
      createInterface({ input: child.stderr! }).on('line', (line) => this.output.line(spec.name, line, 'err'));

      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.stopping) return;
        const how = signal ? `signal ${signal}` : `code ${code}`;
        if (!ready) {
          reject(new Error(`${spec.name} exited with ${how} before it was ready`));
          return;
        }
        if (Date.now() - entry.startedAt > HEALTHY_AFTER_MS) entry.restarts = 0;
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** entry.restarts);
        entry.restarts++;
        this.output.notice(`${spec.name} exited with ${how}; restarting in ${delay / 1000} s (restart #${entry.restarts})`);
        setTimeout(() => {
          if (this.stopping) return;
          this.launch(entry).then(
            (address) => {
              entry.address = address;
              this.output.notice(`${spec.name} is back on ${address}`);
            },
            (err: Error) => this.output.notice(`${spec.name} failed to restart: ${err.message}`),
          );
        }, delay);
      });
    });
  }

  /** Stops services in reverse start order: SIGTERM, then SIGKILL after a grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const entry of [...this.running].reverse()) {
      const child = entry.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => {
          this.output.notice(`${entry.spec.name} did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
          child.kill('SIGKILL');
        }, STOP_GRACE_MS);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
  }
}
