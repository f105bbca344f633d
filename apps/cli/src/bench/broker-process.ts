import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BROKER_READY_LINE } from '../commands/broker.command';

export interface BrokerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts `lgsp broker` as its own process on a free port, so its CPU can be measured apart from the clients'. */
export function startBrokerProcess(cliEntry: string, dataDir: string, extraArgs: string[] = []): Promise<BrokerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, 'broker', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => reject(new Error('broker did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`broker exited with code ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = line.match(BROKER_READY_LINE);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        child,
        port: Number(m[2]),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
