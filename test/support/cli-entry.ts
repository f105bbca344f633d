import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The built `lgsp` entry; end-to-end suites run the real processes, so `npm test` builds first. */
export function cliEntry(): string {
  const root = join(__dirname, '..', '..');
  if (!existsSync(join(root, 'dist', 'apps', 'cli', 'src', 'main.js'))) {
    throw new Error('the platform is not built: run `npm run build` (npm test does it) before this suite');
  }
  return join(root, 'bin', 'lgsp.js');
}
