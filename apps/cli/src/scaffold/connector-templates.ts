/** What the generated files are made from; checked by `planConnectorScaffold` before it gets here. */
export interface ConnectorTemplate {
  /** `civil-status` */
  name: string;
  /** `civilStatusConnector` */
  constName: string;
  /** `national.civil-status` */
  service: string;
  /** The remote system's path prefix and credentials' name. */
  system: string;
  /** The system's name in sentences. */
  title: string;
  identifier: {
    /** The `@lgsp/identifiers` function that checks it. */
    parser: string;
    /** The identifier's string, given the parser's result in a variable of that name. */
    valueOf: (parsed: string) => string;
    /** The path parameter's name, `{personalId}`. */
    param: string;
    kind: string;
    valid: string;
    refusals: readonly { input: string; code: string }[];
  };
  personalData: boolean;
}

/**
 * Spelled in two parts because the build's path-alias rewriter (tsc-alias) would otherwise turn the import line in
 * the template below into a relative path into this checkout's dist.
 */
const IDENTIFIERS_MODULE = ['@lgsp', 'identifiers'].join('/');

/** A single-quoted TypeScript string of `text`, as the project writes strings. */
function quoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The connector module: complete and working against a system that answers in the envelope it describes. */
export function connectorSource(t: ConnectorTemplate): string {
  const id = t.identifier;
  return `import { ${id.parser} } from '${IDENTIFIERS_MODULE}';
import { Connector, pathSegment, readJsonAnswer, remoteCode } from '../connector';

const SYSTEM_NAME = ${quoted(t.title)};

/**
 * ${t.title}: a record by ${id.kind}.
 *
 * Made by \`lgsp new connector ${t.name}\`, it works as it stands with a system that serves
 * \`GET {NATIONAL_DATABASES_URL}/${t.system}/records/{${id.param}}\` to a bearer token from \`POST …/${t.system}/token\`,
 * and answers \`{errorCode: 0, data}\` or \`{errorCode, message}\` with the national systems' codes (100 AUTHEN_ERROR,
 * 101 IP_DISALLOWED, 106 AGENCY_ID_INCORRECT, 201 RECORD_NOT_FOUND, 202 INVALID_IDENTIFIER). Write what the real system does differently — its paths, its
 * envelope, its fields — here and in the spec beside this file: the README's "Adding a connector" walks through it.
 */
export const ${t.constName}: Connector = {
  service: '${t.service}',
  system: '${t.system}',
  systemName: SYSTEM_NAME,
${
  t.personalData
    ? `  // The record is about a person: every lookup states the case or purpose it is for (x-lgsp-issue) and is logged with it.
  personalData: true,`
    : `  // The record is about an organisation, not a person: a lookup needs no stated case or purpose.
  personalData: false,`
}
  // How long a successful answer is served without asking the system again: as long as it stays true in practice.
  cacheTtlMs: 5 * 60_000,
  operations: [
    {
      route: 'GET /records/{${id.param}}',
      method: 'GET',
      pattern: /^\\/records\\/([^/]+)$/,
      resolve(match) {
        const ${id.param} = ${id.valueOf(`${id.parser}(pathSegment(match, 1))`)};
        return { remotePath: \`/records/\${${id.param}}\`, identifier: ${id.param} };
      },
    },
  ],
  readAnswer: (answer, identifier) =>
    readJsonAnswer(SYSTEM_NAME, answer, identifier, (body) => {
      const code = remoteCode(body.errorCode);
      // No code at all: not this system's envelope (an HTML page, another system's answer).
      if (Number.isNaN(code)) return null;
      return code === 0 ? { record: body.data } : { refusal: { code, message: String(body.message ?? '') } };
    }),
};
`;
}

/** Its spec: what the connector checks and how it reads each kind of answer. Passes as generated. */
export function connectorSpecSource(t: ConnectorTemplate): string {
  const id = t.identifier;
  const refusals = id.refusals
    .map((r) => `    expect(() => resolve('/records/${r.input}')).toThrow(expect.objectContaining({ identifierCode: '${r.code}' }));`)
    .join('\n');
  return `import { jsonAnswer, refusalOf, resolverFor } from '../testing/connector-spec-support';
import { ${t.constName} } from './${t.name}.connector';

const resolve = resolverFor(${t.constName});
const read = (status: number, body: unknown) => ${t.constName}.readAnswer(jsonAnswer(status, body), '${id.valid}');

describe('${t.name} connector', () => {
  it('is ${t.service} on the ${t.system} system${t.personalData ? ', for a stated case or purpose only' : ''}', () => {
    expect(${t.constName}).toMatchObject({ service: '${t.service}', system: '${t.system}', personalData: ${t.personalData} });
  });

  it('checks the ${id.kind} before asking the system', () => {
    expect(resolve('/records/${id.valid}')).toEqual({ remotePath: '/records/${id.valid}', identifier: '${id.valid}' });
${refusals}
    expect(() => resolve('/records/${id.valid}/history')).toThrow(/no operation/);
  });

  it('returns the record of a success', () => {
    const data = { ${id.param}: '${id.valid}' };
    expect(read(200, { errorCode: 0, message: 'OK', data })).toEqual(data);
  });

  it.each([
    ['record not found', 404, { errorCode: 201, message: 'not found' }, 404, 'RECORD_NOT_FOUND'],
    ['a refused token', 401, { errorCode: 100, message: 'expired' }, 502, 'REMOTE_AUTH_FAILED'],
    ['a refused network address', 403, { errorCode: 101, message: 'IP not allowed' }, 502, 'REMOTE_ACCESS_DENIED'],
    ['a refused agency code', 403, { errorCode: 106, message: 'agency not registered' }, 502, 'REMOTE_ACCESS_DENIED'],
    ['a refused identifier', 400, { errorCode: 202, message: 'invalid' }, 400, 'INVALID_IDENTIFIER'],
    ['a system error', 500, { errorCode: 500, message: 'failed' }, 502, 'REMOTE_ERROR'],
    ['a code the platform does not know', 400, { errorCode: 999, message: '?' }, 502, 'REMOTE_BAD_ANSWER'],
    ['success without a record', 200, { errorCode: 0, message: 'OK' }, 502, 'REMOTE_BAD_ANSWER'],
    ['another envelope', 200, { status: 'OK', data: {} }, 502, 'REMOTE_BAD_ANSWER'],
  ])('maps %s to the platform code', (_what, status, body, platformStatus, code) => {
    expect(refusalOf(() => read(status, body))).toEqual({ status: platformStatus, code });
  });

  it('reads a page that is not JSON as an outage (5xx) or a bad answer', () => {
    const page = (status: number) => ({ status, contentType: 'text/html', text: '<html>maintenance</html>' });
    expect(refusalOf(() => ${t.constName}.readAnswer(page(503), '${id.valid}'))).toEqual({ status: 502, code: 'REMOTE_ERROR' });
    expect(refusalOf(() => ${t.constName}.readAnswer(page(200), '${id.valid}'))).toEqual({ status: 502, code: 'REMOTE_BAD_ANSWER' });
  });
});
`;
}
