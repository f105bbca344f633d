/**
 * Preload: `node --require <dist>/libs/observability/src/tracing-register.js <app>`. OpenTelemetry instruments a
 * module by patching it as it is first required, so this must run before Nest, express, kafkajs or ioredis load
 * (STYLE.md 9). The one place this library reads the environment.
 */
import { startTracing, TracingHandle } from './tracing';

/** Within a pod's termination grace period, with room left for the app's own shutdown. */
const FLUSH_TIMEOUT_MS = 5000;

const env = process.env;
const switchedOff = /^(off|false|0|no)$/i.test(env.LGSP_TRACING ?? '');

export const tracing: TracingHandle = startTracing({
  serviceName: env.OTEL_SERVICE_NAME || 'lgsp',
  otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
  enabled: !switchedOff,
});

async function flushWithin(ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([tracing.shutdown(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
let finishing = false;

function finish(signal: NodeJS.Signals): void {
  if (finishing) return;
  finishing = true;
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // With no listener left, the re-raised signal ends the process the way it was asked to end.
  void flushWithin(FLUSH_TIMEOUT_MS).finally(() => process.kill(process.pid, signal));
}

/**
 * Telemetry is flushed last (STYLE.md 10). While the app has its own handler for the signal (Nest's
 * enableShutdownHooks), this one stands aside until the app is done: Nest closes the app, removes its handler and
 * raises the signal again. That second delivery may never be handled — once the app has closed everything the event
 * loop is empty and Node exits first (signal handles do not keep it alive) — so 'beforeExit' is the other way in.
 * Without an app handler, the first delivery flushes and ends the process. An app that calls process.exit() itself
 * skips the flush: nothing asynchronous runs after that.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) {
    process.once('beforeExit', () => finish(signal));
    return;
  }
  finish(signal);
}

if (!switchedOff) {
  for (const signal of SIGNALS) process.on(signal, onSignal);
}
