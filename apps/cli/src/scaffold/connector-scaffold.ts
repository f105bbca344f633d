import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completeEnterpriseCode, formatPersonalId, parseBudgetUnitCode, parseEnterpriseCode, parsePersonalId, parseSocialInsuranceCode } from '@lgsp/identifiers';
import { connectorSource, connectorSpecSource, type ConnectorTemplate } from './connector-templates';

/**
 * The identifiers a scaffolded connector can look records up by: each with the parser from `@lgsp/identifiers` the
 * generated code calls, and examples for its spec that the scaffold's own spec checks with that parser (so a change to an
 * identifier rule fails here, not in a developer's first run).
 */
export const SCAFFOLD_IDENTIFIERS = {
  'personal-id': {
    parser: 'parsePersonalId',
    parse: (input: string): unknown => parsePersonalId(input),
    valueOf: (parsed: string) => `${parsed}.value`,
    param: 'personalId',
    kind: 'personal identification number',
    // Hà Nội, a man born in 1985.
    valid: formatPersonalId({ provinceGso: '001', birthYear: 1985, sex: 'male', serial: '012345' }),
    refusals: [
      { input: '00108501234', code: 'IDENTIFIER_LENGTH' },
      { input: '00108501234A', code: 'IDENTIFIER_NOT_DIGITS' },
      { input: '999085012345', code: 'IDENTIFIER_UNKNOWN_PROVINCE' },
    ],
    personalData: true,
  },
  'enterprise-code': {
    parser: 'parseEnterpriseCode',
    parse: (input: string): unknown => parseEnterpriseCode(input),
    valueOf: (parsed: string) => `${parsed}.value`,
    param: 'enterpriseCode',
    kind: 'enterprise code',
    valid: completeEnterpriseCode('010010910'),
    refusals: [
      { input: '010010910', code: 'IDENTIFIER_LENGTH' },
      { input: '0100109107', code: 'IDENTIFIER_CHECK_DIGIT' },
    ],
    personalData: false,
  },
  'social-insurance-code': {
    parser: 'parseSocialInsuranceCode',
    parse: (input: string): unknown => parseSocialInsuranceCode(input),
    valueOf: (parsed: string) => parsed,
    param: 'socialInsuranceCode',
    kind: 'social insurance code',
    valid: '0123456789',
    refusals: [
      { input: '012345678', code: 'IDENTIFIER_LENGTH' },
      { input: '012345678O', code: 'IDENTIFIER_NOT_DIGITS' },
    ],
    personalData: true,
  },
  'budget-unit': {
    parser: 'parseBudgetUnitCode',
    parse: (input: string): unknown => parseBudgetUnitCode(input),
    valueOf: (parsed: string) => parsed,
    param: 'unitCode',
    kind: 'budget-relation unit code',
    valid: '1012345',
    refusals: [
      { input: '101234', code: 'IDENTIFIER_LENGTH' },
      { input: '10I2345', code: 'IDENTIFIER_NOT_DIGITS' },
    ],
    personalData: false,
  },
} as const;

export type ScaffoldIdentifier = keyof typeof SCAFFOLD_IDENTIFIERS;

export interface ConnectorScaffoldRequest {
  /** Kebab case: the file name, the gateway service `national.{name}` and, unless `system` says otherwise, the system. */
  name: string;
  /** The national system's name in the credentials' variables and in the remote path prefix. */
  system?: string;
  /** The system's name in sentences ("The civil-status database"). */
  title?: string;
  identifier: ScaffoldIdentifier;
  /** Defaults to what the identifier is about: a person's (true) or an organisation's (false). */
  personalData?: boolean;
}

/** Why the scaffold refused; nothing has been written when it is thrown. */
export class ScaffoldError extends Error {
  override readonly name = 'ScaffoldError';
}

/** Where the connectors live in a checkout, and the list a new one is added to. */
export const CONNECTORS_DIR = join('apps', 'national-connectors', 'src', 'connectors');
const INDEX_FILE = 'index.ts';
const LIST_PATTERN = /(export const NATIONAL_CONNECTORS: readonly Connector\[\] = \[\n)([\s\S]*?)(\];)/;
const NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** `national.` and the name must make a service code of at most 64 characters (the registry's rule). */
const MAX_NAME_LENGTH = 64 - 'national.'.length;

export interface PlannedFile {
  /** Relative to the checkout's root. */
  path: string;
  content: string;
  /** True for index.ts, which exists and gains two lines. */
  existing: boolean;
}

export interface ConnectorScaffold {
  template: ConnectorTemplate;
  files: PlannedFile[];
}

/** The files a new connector needs, checked against the checkout; throws ScaffoldError before anything is written. */
export function planConnectorScaffold(root: string, request: ConnectorScaffoldRequest): ConnectorScaffold {
  const { name } = request;
  if (!NAME_PATTERN.test(name)) {
    throw new ScaffoldError(`"${name}" cannot name a connector: use lower-case letters, digits and single hyphens, starting with a letter (e.g. civil-status).`);
  }
  if (name.length > MAX_NAME_LENGTH) throw new ScaffoldError(`"${name}" is ${name.length} characters; a connector's name has at most ${MAX_NAME_LENGTH}, so that national.${name} is a valid service code.`);
  const system = request.system ?? name;
  if (!NAME_PATTERN.test(system)) throw new ScaffoldError(`"${system}" cannot name a national system: use lower-case letters, digits and single hyphens.`);
  // The title goes into a string and a doc comment: one line, and nothing that would end the comment.
  if (request.title !== undefined && (!/^[^\p{Cc}]{3,120}$/u.test(request.title) || request.title.includes('*/'))) {
    throw new ScaffoldError(`the title must be one line of 3 to 120 characters, without "*/" (got ${JSON.stringify(request.title)}).`);
  }
  const identifier = SCAFFOLD_IDENTIFIERS[request.identifier];
  if (!identifier) {
    throw new ScaffoldError(`"${request.identifier}" is not an identifier the scaffold knows; choose one of ${Object.keys(SCAFFOLD_IDENTIFIERS).join(', ')}.`);
  }
  const dir = join(root, CONNECTORS_DIR);
  const indexPath = join(dir, INDEX_FILE);
  if (!existsSync(indexPath)) throw new ScaffoldError(`${indexPath} does not exist: run the command in the platform's checkout, or give it with --root.`);

  const template: ConnectorTemplate = {
    name,
    constName: `${name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Connector`,
    service: `national.${name}`,
    system,
    title: request.title ?? `The ${name} system`,
    identifier: { ...identifier, refusals: [...identifier.refusals] },
    personalData: request.personalData ?? identifier.personalData,
  };
  const connectorPath = join(CONNECTORS_DIR, `${name}.connector.ts`);
  const specPath = join(CONNECTORS_DIR, `${name}.connector.spec.ts`);
  for (const path of [connectorPath, specPath]) {
    if (existsSync(join(root, path))) throw new ScaffoldError(`${path} exists already; choose another name, or delete it first.`);
  }
  const index = readFileSync(indexPath, 'utf8');
  if (new RegExp(`\\b${template.constName}\\b`).test(index)) throw new ScaffoldError(`${join(CONNECTORS_DIR, INDEX_FILE)} already lists ${template.constName}.`);
  return {
    template,
    files: [
      { path: connectorPath, content: connectorSource(template), existing: false },
      { path: specPath, content: connectorSpecSource(template), existing: false },
      { path: join(CONNECTORS_DIR, INDEX_FILE), content: addToIndex(index, template), existing: true },
    ],
  };
}

/** index.ts with the connector imported (after the last import) and appended to NATIONAL_CONNECTORS. */
export function addToIndex(index: string, template: ConnectorTemplate): string {
  const list = LIST_PATTERN.exec(index);
  const imports = [...index.matchAll(/^import .*;$/gm)];
  if (!list || imports.length === 0) {
    throw new ScaffoldError(
      `${join(CONNECTORS_DIR, INDEX_FILE)} no longer has the shape the scaffold edits (its imports, then "export const NATIONAL_CONNECTORS: readonly Connector[] = [" … "];"); ` +
        `nothing was written.`,
    );
  }
  const lastImport = imports[imports.length - 1]!;
  const importEnd = lastImport.index + lastImport[0].length;
  const withImport = `${index.slice(0, importEnd)}\nimport { ${template.constName} } from './${template.name}.connector';${index.slice(importEnd)}`;
  return withImport.replace(LIST_PATTERN, (_, head: string, items: string, tail: string) => `${head}${items}  ${template.constName},\n${tail}`);
}

/**
 * Writes the planned files. The new files first, then index.ts by rename, so that an interrupted run never leaves
 * index.ts importing a file that is not there.
 */
export function writeConnectorScaffold(root: string, scaffold: ConnectorScaffold): void {
  for (const file of scaffold.files.filter((f) => !f.existing)) writeFileSync(join(root, file.path), file.content, { flag: 'wx' });
  for (const file of scaffold.files.filter((f) => f.existing)) {
    const target = join(root, file.path);
    writeFileSync(`${target}.new`, file.content);
    renameSync(`${target}.new`, target);
  }
}

/** What to do next, printed after the files: the README section walks through each step. */
export function nextSteps(scaffold: ConnectorScaffold, dataDir: string): string {
  const t = scaffold.template;
  const env = t.system.toUpperCase().replace(/-/g, '_');
  const specFile = scaffold.files[1]!.path;
  return [
    ...scaffold.files.map((f) => `${f.existing ? 'updated' : 'created'} ${f.path}`),
    '',
    `Its spec passes as generated:  npx jest ${specFile}`,
    '',
    `Next (README, "Adding a connector"):`,
    `  1. Write ${t.system}'s paths, envelope and fields into ${t.name}.connector.ts, and their cases into its spec.`,
    `  2. Declare the gateway service and who may call it in the platform configuration (the demo's is ${join(dataDir, 'platform.yaml')}):`,
    `       services:`,
    `         - { code: ${t.service}, provider: 000.00.00.H56, name: <its name>, kind: request-reply, bodyLogging: none, timeoutMs: 15000 }`,
    `       grants:`,
    `         - { service: ${t.service}, group: one-stop-shops, methods: [GET] }`,
    `     (the demo's province and its one-stop systems; the connector refuses to start until its service is declared).`,
    `  3. Give the platform its credentials: NATIONAL_DATABASES_${env}_CLIENT_ID and NATIONAL_DATABASES_${env}_CLIENT_SECRET`,
    `     (without them, the demo's lgsp-demo-${t.system} / lgsp-demo-${t.system}-secret), and NATIONAL_DATABASES_URL for where it answers.`,
    `  4. npm start, then GET /r1/${t.service}/records/{${t.identifier.param}} through the gateway${t.personalData ? ', with x-lgsp-issue: <case code or purpose>' : ''}.`,
  ].join('\n');
}
