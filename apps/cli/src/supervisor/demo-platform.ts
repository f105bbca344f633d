import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateThanhHoaDemo, serializePlatformConfig } from '@lgsp/registry';

export interface DemoPlatformFiles {
  readonly configPath: string;
  readonly credentialsPath: string;
  /** False when the files were already there (the demo keeps its secrets across restarts). */
  readonly created: boolean;
}

/**
 * The demo platform `lgsp up` runs when given no configuration: Thanh Hóa at the scale of the seed reports,
 * generated once into the data directory. Clients' secrets exist in clear only in demo-credentials.json
 * (readable by the owner alone); the platform file holds their hashes.
 */
export async function ensureDemoPlatform(dataDir: string): Promise<DemoPlatformFiles> {
  const configPath = join(dataDir, 'platform.yaml');
  const credentialsPath = join(dataDir, 'demo-credentials.json');
  if (existsSync(configPath) && existsSync(credentialsPath)) return { configPath, credentialsPath, created: false };
  mkdirSync(dataDir, { recursive: true });
  const demo = await generateThanhHoaDemo({ secrets: 'random' });
  writeFileSync(credentialsPath, `${JSON.stringify({ tokenEndpoint: '/oauth/token', clients: demo.credentials }, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(configPath, serializePlatformConfig(demo.config));
  return { configPath, credentialsPath, created: true };
}
