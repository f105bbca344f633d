import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BenchChild, stopper } from './gateway-process';

/** dist/apps, seen from this file's compiled location (dist/apps/cli/src/bench). */
const DIST_APPS = join(__dirname, '..', '..', '..');
const READY_LINE = /^document-exchange ready$/;
const START_TIMEOUT_MS = 60_000;

/** Starts the built document exchange as its own process (as `lgsp up` does), so that its CPU is measured apart. */
export function startDocumentExchangeProcess(options: { platformConfig: string; kafkaBootstrap: string; log: (line: string) => void }): Promise<BenchChild> {
  const env: NodeJS.ProcessEnv = { ...process.env, LGSP_CONFIG: options.platformConfig, KAFKA_BROKERS: options.kafkaBootstrap, LOG_LEVEL: 'warn' };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [join(DIST_APPS, 'document-exchange', 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the document exchange did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the document exchange exited (${signal ?? `code ${code}`}) before it was ready`));
    });
    createInterface({ input: child.stderr! }).on('line', (line) => options.log(`document-exchange: ${line}`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!READY_LINE.test(line)) return void options.log(`document-exchange: ${line}`);
      clearTimeout(timer);
      resolve({ child, pid: child.pid!, origin: '', stop: stopper(child) });
    });
  });
}
