import { jsonAnswer, refusalOf, resolverFor } from '../testing/connector-spec-support';
import { populationConnector } from './population.connector';

const json = (status: number, body: unknown) => jsonAnswer(status, body, 'application/json; charset=utf-8');
const operation = populationConnector.operations[0]!;
const resolve = resolverFor(populationConnector);
const refusal = refusalOf;

describe('population connector', () => {
  it('is personal data behind national.population', () => {
    expect(populationConnector).toMatchObject({ service: 'national.population', system: 'population', personalData: true });
  });

  it('checks the personal identification number with the identifier library before asking', () => {
    expect(resolve('/citizens/038185000101')).toEqual({ remotePath: '/citizens/038185000101', identifier: '038185000101' });
    expect(() => resolve('/citizens/03818500010')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_LENGTH' }));
    expect(() => resolve('/citizens/0381850001O1')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_NOT_DIGITS' }));
    expect(operation.pattern.exec('/citizens/038185000101/household')).toBeNull();
  });

  it('returns the record of an OK envelope', () => {
    const data = { personalId: '038185000101', fullName: 'Lê Thị Hoa' };
    expect(populationConnector.readAnswer(json(200, { status: 'OK', data }), '038185000101')).toEqual(data);
  });

  it.each([
    ['record not found', json(404, { status: 'ERROR', error: { code: 201, name: 'RECORD_NOT_FOUND', message: 'x' } }), 404, 'RECORD_NOT_FOUND'],
    ['a refused token', json(401, { status: 'ERROR', error: { code: 100, name: 'AUTHEN_ERROR', message: 'x' } }), 502, 'REMOTE_AUTH_FAILED'],
    ['the platform’s address refused', json(403, { status: 'ERROR', error: { code: 101, name: 'IP_DISALLOWED', message: 'x' } }), 502, 'REMOTE_ACCESS_DENIED'],
    ['the platform’s agency code refused', json(403, { status: 'ERROR', error: { code: 106, name: 'AGENCY_ID_INCORRECT', message: 'x' } }), 502, 'REMOTE_ACCESS_DENIED'],
    ['a system error', json(500, { status: 'ERROR', error: { code: 500, name: 'SYSTEM_ERROR', message: 'x' } }), 502, 'REMOTE_ERROR'],
    ['an outage page', { status: 503, contentType: 'text/html', text: '<html>down</html>' }, 502, 'REMOTE_ERROR'],
    ['a maintenance page with 200', { status: 200, contentType: 'text/html', text: '<html>maintenance</html>' }, 502, 'REMOTE_BAD_ANSWER'],
    ['JSON without the envelope', json(200, { citizen: {} }), 502, 'REMOTE_BAD_ANSWER'],
    ['OK without data', json(200, { status: 'OK' }), 502, 'REMOTE_BAD_ANSWER'],
    ['an unknown error code', json(400, { status: 'ERROR', error: { code: 999, name: 'WHAT', message: 'x' } }), 502, 'REMOTE_BAD_ANSWER'],
    ['a refused identifier', json(400, { status: 'ERROR', error: { code: 202, name: 'INVALID_IDENTIFIER', message: 'x' } }), 400, 'INVALID_IDENTIFIER'],
  ])('maps %s to the platform code', (_what, answer, status, code) => {
    expect(refusal(() => populationConnector.readAnswer(answer, '038185000101'))).toEqual({ status, code });
  });
});
