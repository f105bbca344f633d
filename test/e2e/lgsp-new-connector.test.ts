import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned } from '@lgsp/test-support/spawned';

jest.setTimeout(120_000);

const REPO = join(__dirname, '..', '..');
const CONNECTORS = join('apps', 'national-connectors', 'src', 'connectors');

/**
 * `lgsp new connector` as a developer runs it, on a copy of the connectors app (this checkout is never written to):
 * the generated specs pass at once under jest, the README's walk-through turns one into a connector whose spec
 * passes too, and all of them and the edited list type-check with the project's own compiler settings.
 */
describe('lgsp new connector', () => {
  const root = mkdtempSync(join(tmpdir(), 'lgsp-new-connector-'));
  const run = async (command: string, args: string[]) => {
    const p = new Spawned(process.execPath, [command, ...args], { LOG_LEVEL: 'warn' }, { cwd: root });
    const { code } = await p.exit(90_000);
    return { code, stdout: p.stdout, stderr: p.stderr };
  };
  const lgsp = (...args: string[]) => run(cliEntry(), ['new', 'connector', ...args, '--root', root]);
  const index = () => readFileSync(join(root, CONNECTORS, 'index.ts'), 'utf8');

  beforeAll(() => {
    cpSync(join(REPO, 'apps', 'national-connectors', 'src'), join(root, 'apps', 'national-connectors', 'src'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"private": true}\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes a module and its spec, adds it to the list, and says what comes next', async () => {
    const made = await lgsp('civil-status', '--title', 'The electronic civil-status database');
    expect(made).toMatchObject({ code: 0, stderr: '' });
    expect(made.stdout).toContain(`created ${join(CONNECTORS, 'civil-status.connector.ts')}\ncreated ${join(CONNECTORS, 'civil-status.connector.spec.ts')}\nupdated ${join(CONNECTORS, 'index.ts')}`);
    expect(made.stdout).toContain('- { service: national.civil-status, group: one-stop-shops, methods: [GET] }');
    expect(made.stdout).toContain('NATIONAL_DATABASES_CIVIL_STATUS_CLIENT_ID');
    expect(made.stdout).toContain('with x-lgsp-issue');
    const organisations = await lgsp('cooperatives', '--identifier', 'enterprise-code');
    expect(organisations).toMatchObject({ code: 0, stderr: '' });
    expect(organisations.stdout).not.toContain('x-lgsp-issue');
    expect(index()).toMatch(/ {2}budgetUnitsConnector,\n {2}civilStatusConnector,\n {2}cooperativesConnector,\n\];/);
  });

  /** Runs the named connectors' specs in the copy with jest, as the project's jest would (swc, @lgsp/* from libs). */
  const specs = async (...names: string[]) => {
    writeFileSync(
      join(root, 'jest.config.js'),
      `module.exports = ${JSON.stringify({
        rootDir: root,
        testEnvironment: 'node',
        testMatch: names.map((name) => `**/${name}.connector.spec.ts`),
        transform: { '^.+\\.ts$': [require.resolve('@swc/jest'), { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
        moduleNameMapper: { '^@lgsp/([a-z-]+)(.*)$': `${REPO}/libs/$1/src$2` },
      })};\n`,
    );
    return run(require.resolve('jest/bin/jest'), ['--config', join(root, 'jest.config.js'), '--ci']);
  };

  it('generates specs that pass as they are', async () => {
    const jest = await specs('civil-status', 'cooperatives');
    expect({ code: jest.code, output: jest.code === 0 ? '' : jest.stderr }).toEqual({ code: 0, output: '' });
    expect(jest.stderr).toMatch(/Tests: +(\d+) passed, \1 total/);
    expect(jest.stderr).toContain('Test Suites: 2 passed, 2 total');
  });

  it('turns into the README walk-through’s civil-status connector, whose spec passes', async () => {
    // The README's two blocks are fenced as ```ts {path}: the walk-through is tested as it is written.
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    for (const file of ['civil-status.connector.ts', 'civil-status.connector.spec.ts']) {
      const path = `${CONNECTORS}/${file}`;
      const block = new RegExp(`\`\`\`ts ${path.replace(/[.]/g, '\\.')}\n([\\s\\S]*?)\`\`\`\n`).exec(readme);
      expect({ path, found: block !== null }).toEqual({ path, found: true });
      writeFileSync(join(root, path), block![1]!);
    }
    const jest = await specs('civil-status');
    expect({ code: jest.code, output: jest.code === 0 ? '' : jest.stderr }).toEqual({ code: 0, output: '' });
    expect(jest.stderr).toContain('Test Suites: 1 passed, 1 total');
  });

  it('generates modules that type-check with the project’s settings', async () => {
    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({
        extends: join(REPO, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: '/', typeRoots: [join(REPO, 'node_modules', '@types')] },
        include: [`${CONNECTORS}/**/*.ts`],
      }),
    );
    const tsc = await run(require.resolve('typescript/bin/tsc'), ['-p', join(root, 'tsconfig.json')]);
    expect({ code: tsc.code, output: tsc.stdout + tsc.stderr }).toEqual({ code: 0, output: '' });
  });

  it('refuses a name that exists or is not kebab case, changing nothing', async () => {
    const before = index();
    const again = await lgsp('civil-status');
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`lgsp new connector: ${join(CONNECTORS, 'civil-status.connector.ts')} exists already; choose another name, or delete it first.\n`);
    const badName = await lgsp('Civil_Status');
    expect(badName.code).not.toBe(0);
    expect(badName.stderr).toContain('use lower-case letters, digits and single hyphens');
    const badIdentifier = await lgsp('passports', '--identifier', 'passport');
    expect(badIdentifier.code).not.toBe(0);
    expect(badIdentifier.stderr).toContain('Allowed choices are personal-id, enterprise-code, social-insurance-code, budget-unit');
    expect(index()).toBe(before);
  });
});
