import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidIdentifierError } from '@lgsp/identifiers';
import { addToIndex, CONNECTORS_DIR, planConnectorScaffold, SCAFFOLD_IDENTIFIERS, ScaffoldError, ScaffoldIdentifier, writeConnectorScaffold } from './connector-scaffold';

const REPO = join(__dirname, '..', '..', '..', '..');
const KINDS = Object.keys(SCAFFOLD_IDENTIFIERS) as ScaffoldIdentifier[];

/** A checkout with only what the scaffold reads: the connectors folder, copied from this one. */
function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'lgsp-scaffold-'));
  mkdirSync(join(root, CONNECTORS_DIR), { recursive: true });
  cpSync(join(REPO, CONNECTORS_DIR, 'index.ts'), join(root, CONNECTORS_DIR, 'index.ts'));
  return root;
}

describe('connector scaffold', () => {
  const roots: string[] = [];
  const fresh = () => {
    const root = checkout();
    roots.push(root);
    return root;
  };
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  // The generated spec asserts these examples; if an identifier rule changed, this fails first, here.
  it.each(KINDS)('has examples for %s that the identifier library agrees with', (kind) => {
    const { valid, refusals, parse } = SCAFFOLD_IDENTIFIERS[kind];
    expect(() => parse(valid)).not.toThrow();
    for (const { input, code } of refusals) {
      let thrown: unknown;
      try {
        parse(input);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidIdentifierError);
      expect({ input, code: (thrown as InvalidIdentifierError).identifierCode }).toEqual({ input, code });
    }
  });

  it('plans the module, its spec and two lines in index.ts, named after the connector', () => {
    const root = fresh();
    const { template, files } = planConnectorScaffold(root, { name: 'civil-status', identifier: 'personal-id' });
    expect(template).toMatchObject({ constName: 'civilStatusConnector', service: 'national.civil-status', system: 'civil-status', title: 'The civil-status system', personalData: true });
    expect(files.map((f) => [f.path, f.existing])).toEqual([
      [join(CONNECTORS_DIR, 'civil-status.connector.ts'), false],
      [join(CONNECTORS_DIR, 'civil-status.connector.spec.ts'), false],
      [join(CONNECTORS_DIR, 'index.ts'), true],
    ]);
    const before = readFileSync(join(root, CONNECTORS_DIR, 'index.ts'), 'utf8');
    const added = files[2]!.content.split('\n').filter((line) => !before.split('\n').includes(line));
    expect(added).toEqual(["import { civilStatusConnector } from './civil-status.connector';", '  civilStatusConnector,']);
    // Planning writes nothing.
    expect(existsSync(join(root, files[0]!.path))).toBe(false);
    expect(readFileSync(join(root, CONNECTORS_DIR, 'index.ts'), 'utf8')).toBe(before);
  });

  it('takes the system, the title and the personal-data flag when given, and the identifier’s default otherwise', () => {
    const root = fresh();
    const business = planConnectorScaffold(root, { name: 'cooperatives', identifier: 'enterprise-code' }).template;
    expect(business).toMatchObject({ personalData: false, identifier: { parser: 'parseEnterpriseCode', param: 'enterpriseCode' } });
    const custom = planConnectorScaffold(root, { name: 'vehicles', system: 'traffic-police', title: "The police's vehicle register", identifier: 'personal-id', personalData: false }).template;
    expect(custom).toMatchObject({ system: 'traffic-police', title: "The police's vehicle register", personalData: false });
    expect(planConnectorScaffold(root, { name: 'vehicles', title: "The police's vehicle register", identifier: 'personal-id' }).files[0]!.content).toContain(
      "const SYSTEM_NAME = 'The police\\'s vehicle register';",
    );
  });

  it.each([
    ['Civil-Status', /lower-case letters/],
    ['civil_status', /lower-case letters/],
    ['civil--status', /single hyphens/],
    ['-civil', /starting with a letter/],
    ['1civil', /starting with a letter/],
    ['x'.repeat(56), /at most 55/],
  ])('refuses the name %s', (name, why) => {
    expect(() => planConnectorScaffold(fresh(), { name, identifier: 'personal-id' })).toThrow(why);
  });

  it('refuses a bad system name, a title that would break the module, and an unknown identifier', () => {
    const root = fresh();
    expect(() => planConnectorScaffold(root, { name: 'ok', system: 'Bad System', identifier: 'personal-id' })).toThrow(/cannot name a national system/);
    expect(() => planConnectorScaffold(root, { name: 'ok', title: 'closes */ the comment', identifier: 'personal-id' })).toThrow(/without "\*\/"/);
    expect(() => planConnectorScaffold(root, { name: 'ok', title: 'two\nlines', identifier: 'personal-id' })).toThrow(/one line/);
    expect(() => planConnectorScaffold(root, { name: 'ok', identifier: 'passport' as ScaffoldIdentifier })).toThrow(/choose one of personal-id, enterprise-code/);
  });

  it('refuses a connector that exists, whether as a file or in the list, and a checkout without connectors', () => {
    const root = fresh();
    writeConnectorScaffold(root, planConnectorScaffold(root, { name: 'civil-status', identifier: 'personal-id' }));
    expect(() => planConnectorScaffold(root, { name: 'civil-status', identifier: 'personal-id' })).toThrow(/civil-status.connector.ts exists already/);
    expect(() => planConnectorScaffold(fresh(), { name: 'population', identifier: 'personal-id' })).toThrow(/already lists populationConnector/);
    expect(() => planConnectorScaffold(mkdtempSync(join(tmpdir(), 'lgsp-empty-')), { name: 'x1', identifier: 'personal-id' })).toThrow(/does not exist: run the command in the platform's checkout/);
  });

  it('refuses an index.ts it cannot edit, before writing anything', () => {
    const root = fresh();
    writeFileSync(join(root, CONNECTORS_DIR, 'index.ts'), 'export const NATIONAL_CONNECTORS = loadThemAll();\n');
    expect(() => planConnectorScaffold(root, { name: 'civil-status', identifier: 'personal-id' })).toThrow(ScaffoldError);
    expect(existsSync(join(root, CONNECTORS_DIR, 'civil-status.connector.ts'))).toBe(false);
  });

  it('adds to an empty list too', () => {
    const index = "import { Connector } from '../connector';\n\nexport const NATIONAL_CONNECTORS: readonly Connector[] = [\n];\n";
    const template = planConnectorScaffold(fresh(), { name: 'land-prices', identifier: 'budget-unit' }).template;
    expect(addToIndex(index, template)).toBe(
      "import { Connector } from '../connector';\nimport { landPricesConnector } from './land-prices.connector';\n\nexport const NATIONAL_CONNECTORS: readonly Connector[] = [\n  landPricesConnector,\n];\n",
    );
  });
});
