// Lets a child `node` process run the TypeScript sources directly — `node -r test/support/ts-register.js app.ts` —
// compiled by @swc/core with the same settings as jest and with jest's @lgsp/* aliases. Suites that need a real
// process (a --require preload, signals, a fresh module registry) use it instead of a build.
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '..', '..');
const LIB_ALIAS = /^@lgsp\/(kafka-broker|contracts|registry|messaging|observability|message-log|edxml|working-days|concurrency|identifiers)(\/.*)?$/;
const SUPPORT_ALIAS = /^@lgsp\/test-support\/(.*)$/;

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const lib = LIB_ALIAS.exec(request);
  if (lib) return resolveFilename.call(this, join(root, 'libs', lib[1], 'src', lib[2] ?? ''), ...rest);
  const support = SUPPORT_ALIAS.exec(request);
  if (support) return resolveFilename.call(this, join(root, 'test', 'support', support[1]), ...rest);
  return resolveFilename.call(this, request, ...rest);
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
