import { join } from 'node:path';
import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned } from '@lgsp/test-support/spawned';

jest.setTimeout(60_000);

const DIST_APPS = join(__dirname, '..', '..', 'dist', 'apps');

/**
 * Every app reads its environment once at boot (`readEnvironment`): a bad value stops it before it touches Kafka or
 * a port, with exit code 2 and a line naming the variable, as `lgsp up` shows it to the person who set it.
 */
describe('an app started with a bad environment', () => {
  beforeAll(() => cliEntry()); // fails with "not built" rather than with a missing file below

  it.each([
    ['gateway', { GATEWAY_PORT: '70000' }, 'GATEWAY_PORT'],
    ['document-exchange', { KAFKA_BROKERS: '127.0.0.1:9', LGSP_CONFIG: '' }, 'LGSP_CONFIG'],
    ['case-tracking', { LGSP_CONFIG: '/x.yaml', NATIONAL_PORTAL_URL: 'not a url' }, 'NATIONAL_PORTAL_URL'],
    ['national-portal', { NATIONAL_PORTAL_PORT: '-1' }, 'NATIONAL_PORTAL_PORT'],
    ['national-databases', { NATIONAL_DATABASES_ABSENT_SHARE: '2' }, 'NATIONAL_DATABASES_ABSENT_SHARE'],
    ['national-connectors', { LGSP_CONFIG: '/x.yaml', NATIONAL_TIMEOUT_MS: '10' }, 'NATIONAL_TIMEOUT_MS'],
  ])('%s exits 2 naming the variable', async (app, env, variable) => {
    const p = new Spawned(process.execPath, [join(DIST_APPS, app, 'src', 'main.js')], { LOG_LEVEL: 'silent', ...env });
    const { code } = await p.exit(30_000);
    expect({ code, firstLine: p.stderr.split('\n')[0] }).toEqual({ code: 2, firstLine: `${app}: invalid ${app} environment:` });
    expect(p.stderr).toMatch(new RegExp(`^  - ${variable}: .+$`, 'm'));
  });
});
