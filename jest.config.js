// Three tiers (STYLE.md): unit specs live beside the code they test; integration suites
// drive the real embedded broker, kafkajs, NestJS and kcat; end-to-end suites spawn the `lgsp` processes.
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];

const common = {
  // jose ships ES modules only; swc turns them into CommonJS for jest (Node itself loads them with require).
  transform: { '^.+\\.ts$': swc, '^.+/node_modules/jose/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@lgsp/(kafka-broker|contracts|registry|messaging|observability|message-log|edxml|working-days|concurrency|identifiers)(.*)$': '<rootDir>/libs/$1/src$2',
    '^@lgsp/test-support/(.*)$': '<rootDir>/test/support/$1',
  },
  testEnvironment: 'node',
  rootDir: __dirname,
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
  // Pinned so that dates in logs and assertions never depend on the machine (Ghostfolio does the same).
  globalSetup: '<rootDir>/test/support/global-setup.js',
};
