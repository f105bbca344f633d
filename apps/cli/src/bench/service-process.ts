import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BenchChild, stopper } from './gateway-process';

/** dist/apps, seen from this file's compiled location (dist/apps/cli/src/bench). */
const DIST_APPS = join(__dirname, '..', '..', '..');
const DEFAULT_START_TIMEOUT_MS = 60_000;

export interface ServiceProcessOptions {
  /** The app's folder under dist/apps, e.g. `document-exchange`. */
  readonly app: string;
  /** Its first capture group, if any, is the address the service listens on (`origin` of the result). */
  readonly readyLine: RegExp;
  readonly env: Record<string, string>;
  /** Options for node itself, e.g. a larger heap for a service rebuilding a million cases. */
  readonly nodeArgs?: readonly string[];
  readonly startTimeoutMs?: number;
  readonly log: (line: string) => void;
}

/**
 * Starts a built service (`node dist/apps/<app>/src/main.js`) as its own process, as `lgsp up` does, so that its
 * CPU is measured apart from the load generator's; resolves once it prints its ready line.
 */
export function startServiceProcess(options: ServiceProcessOptions): Promise<BenchChild> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  // A shared store is the suite's choice (pass REDIS_URL in `env`), never an accident of the shell's environment.
  delete env.REDIS_URL;
  Object.assign(env, options.env);
  delete env.NODE_OPTIONS;
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(DIST_APPS, options.app, 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.app} did not start within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.app} exited (${signal ?? `code ${code}`}) before it was ready`));
    });
    createInterface({ input: child.stderr! }).on('line', (line) => options.log(`${options.app}: ${line}`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = options.readyLine.exec(line);
      if (!ready) return void options.log(`${options.app}: ${line}`);
      clearTimeout(timer);
      resolve({ child, pid: child.pid!, origin: ready[1] ?? '', stop: stopper(child) });
    });
  });
}
