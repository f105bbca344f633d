#!/usr/bin/env node
// Entry point of the `lgsp` command (package.json "bin"). Runs the compiled CLI; `npm install` builds it.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('lgsp: the platform is not built yet; run `npm run build` (npm install does it too).\n');
  process.exit(1);
}
require(entry);
