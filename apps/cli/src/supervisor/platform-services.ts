import { join } from 'node:path';
import { BROKER_READY_LINE } from '../commands/broker.command';
import { ServiceSpec } from './service-spec';

export interface PlatformLayout {
  readonly dataDir: string;
  readonly kafkaPort: number;
  /** The `lgsp` entry script, so that every service runs the same build as the supervisor. */
  readonly cliEntry: string;
}

/**
 * Every process `lgsp up` runs, in start order. The broker comes first; each app added to the platform
 * (gateway, document-exchange, …) joins this list with its own ready line.
 */
export function platformServices(layout: PlatformLayout): ServiceSpec[] {
  return [
    {
      name: 'broker',
      command: process.execPath,
      args: [layout.cliEntry, 'broker', '--port', String(layout.kafkaPort), '--data-dir', join(layout.dataDir, 'kafka')],
      readyLine: BROKER_READY_LINE,
      describe: (m) => `kafka://${m[1]}:${m[2]}`,
    },
  ];
}
