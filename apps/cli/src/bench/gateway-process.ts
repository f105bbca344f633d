import { ChildProcess, fork, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ForwarderInput, ForwarderMessage } from './baseline-forwarder';

/** dist/apps, seen from this file's compiled location (dist/apps/cli/src/bench). */
const DIST_APPS = join(__dirname, '..', '..', '..');
const GATEWAY_READY_LINE = /^gateway listening on (http:\/\/\S+)$/;
const START_TIMEOUT_MS = 60_000;

export interface BenchChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  stop(): Promise<void>;
}

export interface GatewayProcessOptions {
  readonly platformConfig: string;
  readonly dataDir: string;
  readonly kafkaBootstrap: string;
  /** When set, the gateway writes a V8 CPU profile (.cpuprofile) into this directory as it stops. */
  readonly cpuProfileDir?: string;
  /** Replica id (GATEWAY_INSTANCE_ID): names its message-log chain and reply group, so two gateways never share them. */
  readonly instanceId: string;
  /** Whether this gateway also serves the built-in `ping` provider (GATEWAY_PING_PROVIDER). */
  readonly pingProvider: boolean;
  /** Shared state for replicas (REDIS_URL); unset, the gateway keeps its state in the process. */
  readonly redisUrl?: string;
  readonly log: (line: string) => void;
}

export function stopper(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): () => Promise<void> {
  return () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.removeAllListeners('exit');
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(force);
        done();
      });
      child.kill(signal);
    });
}

/**
 * Starts the built gateway (`node dist/apps/gateway/src/main.js`) as its own process on a free port, as `lgsp up`
 * does but without tracing, so that its CPU can be measured apart from the load generator's. Its state lives in
 * the process unless `redisUrl` is given (replicas must share it); the environment's REDIS_URL is not passed on.
 */
export function startGatewayProcess(options: GatewayProcessOptions): Promise<BenchChild> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LGSP_CONFIG: options.platformConfig,
    LGSP_DATA_DIR: options.dataDir,
    KAFKA_BROKERS: options.kafkaBootstrap,
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    GATEWAY_INSTANCE_ID: options.instanceId,
    GATEWAY_PING_PROVIDER: options.pingProvider ? 'on' : 'off',
    LOG_LEVEL: 'warn',
    LGSP_TRACING: 'off',
  };
  delete env.REDIS_URL;
  if (options.redisUrl) env.REDIS_URL = options.redisUrl;
  delete env.NODE_OPTIONS;
  const profiling = options.cpuProfileDir
    ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir, '--require', join(__dirname, 'exit-on-sigusr2.js')]
    : [];
  const child = spawn(process.execPath, [...profiling, join(DIST_APPS, 'gateway', 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the gateway did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited (${signal ?? `code ${code}`}) before it was ready`));
    });
    createInterface({ input: child.stderr! }).on('line', (line) => options.log(`${options.instanceId}: ${line}`));
    let ready = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = ready ? null : GATEWAY_READY_LINE.exec(line);
      if (!m) {
        options.log(`gateway: ${line}`);
        return;
      }
      ready = true;
      clearTimeout(timer);
      resolve({
        child,
        pid: child.pid!,
        origin: m[1],
        // A profiled gateway leaves through process.exit (SIGUSR2) so that V8 writes the profile; Nest's own
        // SIGTERM handling ends by re-raising the signal, which would lose it.
        stop: stopper(child, options.cpuProfileDir ? 'SIGUSR2' : 'SIGTERM'),
      });
    });
  });
}

/** Forks the baseline forwarder (baseline-forwarder.ts) and waits until it listens. */
export function startForwarderProcess(input: ForwarderInput, log: (line: string) => void): Promise<BenchChild> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete env.NODE_OPTIONS;
  const child = fork(join(__dirname, 'baseline-forwarder.js'), [JSON.stringify(input)], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [] });
  createInterface({ input: child.stdout! }).on('line', (line) => log(`forwarder: ${line}`));
  createInterface({ input: child.stderr! }).on('line', (line) => log(`forwarder: ${line}`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the baseline forwarder did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the baseline forwarder exited (${signal ?? `code ${code}`}) before it was ready`));
    });
    child.on('message', (m: ForwarderMessage) => {
      if ('error' in m) {
        clearTimeout(timer);
        reject(new Error(`the baseline forwarder failed to start: ${m.error}`));
        return;
      }
      clearTimeout(timer);
      resolve({ child, pid: child.pid!, origin: `http://127.0.0.1:${m.ready.port}`, stop: stopper(child) });
    });
  });
}
