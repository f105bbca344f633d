import { completeEnterpriseCode } from '@lgsp/identifiers';
import { jsonAnswer, refusalOf, resolverFor } from '../testing/connector-spec-support';
import { businessRegistryConnector } from './business-registry.connector';

const json = (status: number, body: unknown) => jsonAnswer(status, body);
const operation = businessRegistryConnector.operations[0]!;
const resolve = resolverFor(businessRegistryConnector);
const refusal = refusalOf;

describe('business registry connector', () => {
  const code = completeEnterpriseCode('380010012');

  it('is national.business-registry and needs no stated issue', () => {
    expect(businessRegistryConnector).toMatchObject({ service: 'national.business-registry', system: 'business', personalData: false });
  });

  it('accepts an enterprise code and a branch, and refuses a wrong check digit or suffix', () => {
    expect(resolve(`/enterprises/${code}`)).toEqual({ remotePath: `/enterprises/${code}`, identifier: code });
    expect(resolve(`/enterprises/${code}-012`).remotePath).toBe(`/enterprises/${code}-012`);
    const wrong = `${code.slice(0, 9)}${(Number(code[9]) + 1) % 10}`;
    expect(() => resolve(`/enterprises/${wrong}`)).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_CHECK_DIGIT' }));
    expect(() => resolve(`/enterprises/${code}-000`)).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_BRANCH_SUFFIX' }));
  });

  it('returns the record of a success envelope', () => {
    const data = { enterpriseCode: code, name: 'Công ty TNHH An Phát' };
    expect(businessRegistryConnector.readAnswer(json(200, { errorCode: 0, errorMessage: 'SUCCESS', data }), code)).toEqual(data);
  });

  it.each([
    ['record not found', json(404, { errorCode: 201, errorMessage: 'RECORD_NOT_FOUND', description: 'x' }), 404, 'RECORD_NOT_FOUND'],
    ['a refused token', json(401, { errorCode: 100, errorMessage: 'AUTHEN_ERROR', description: 'x' }), 502, 'REMOTE_AUTH_FAILED'],
    ['the platform’s address refused', json(403, { errorCode: 101, errorMessage: 'IP_DISALLOWED', description: 'x' }), 502, 'REMOTE_ACCESS_DENIED'],
    ['the platform’s agency code refused', json(403, { errorCode: 106, errorMessage: 'AGENCY_ID_INCORRECT', description: 'x' }), 502, 'REMOTE_ACCESS_DENIED'],
    ['a 403 with a code nobody documents', json(403, { errorCode: 107, errorMessage: 'FORBIDDEN', description: 'x' }), 502, 'REMOTE_BAD_ANSWER'],
    ['a system error', json(500, { errorCode: 500, errorMessage: 'SYSTEM_ERROR', description: 'x' }), 502, 'REMOTE_ERROR'],
    ['an outage without a body', { status: 502, contentType: 'text/plain', text: '' }, 502, 'REMOTE_ERROR'],
    ['a maintenance page with 200', { status: 200, contentType: 'text/html', text: '<html></html>' }, 502, 'REMOTE_BAD_ANSWER'],
    ['success without a record', json(200, { errorCode: 0, errorMessage: 'SUCCESS' }), 502, 'REMOTE_BAD_ANSWER'],
    ['another system’s envelope', json(200, { status: 'OK', data: {} }), 502, 'REMOTE_BAD_ANSWER'],
  ])('maps %s to the platform code', (_what, answer, status, code_) => {
    expect(refusal(() => businessRegistryConnector.readAnswer(answer, code))).toEqual({ status, code: code_ });
  });
});
