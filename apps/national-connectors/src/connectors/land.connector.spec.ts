import { jsonAnswer, refusalOf, resolverFor } from '../testing/connector-spec-support';
import { landConnector } from './land.connector';

const json = (status: number, body: unknown) => jsonAnswer(status, body);
const operation = landConnector.operations[0]!;
const resolve = resolverFor(landConnector);
const refusal = refusalOf;

describe('land connector', () => {
  it('is personal data behind national.land (parcels name their holders)', () => {
    expect(landConnector).toMatchObject({ service: 'national.land', system: 'land', personalData: true });
  });

  it('checks commune, map sheet and parcel together as one parcel reference', () => {
    expect(resolve('/parcels/14755/12/345')).toEqual({ remotePath: '/parcels/14755/12/345', identifier: '14755/12/345' });
    expect(() => resolve('/parcels/1475/12/345')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_LENGTH', message: expect.stringContaining('land parcel reference') }));
    expect(() => resolve('/parcels/14755/012/345')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_FORMAT' }));
    expect(() => resolve('/parcels/14755/12/0')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_FORMAT' }));
    expect(() => resolve('/parcels/14755/12/34a')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_NOT_DIGITS' }));
    expect(() => resolve('/parcels/14755/12345/1')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_OUT_OF_RANGE' }));
    // An escaped slash does not smuggle a fourth part past the check.
    expect(() => resolve('/parcels/14755/12%2F3/345')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_FORMAT' }));
    expect(operation.pattern.exec('/parcels/14755/12')).toBeNull();
    expect(operation.pattern.exec('/parcels/14755/12/345/holders')).toBeNull();
  });

  it('returns the record of a success envelope', () => {
    const data = { parcelRef: '14755/12/345', holders: [{ fullName: 'Lê Văn An', personalId: '038085001234' }] };
    expect(landConnector.readAnswer(json(200, { success: true, result: data }), '14755/12/345')).toEqual(data);
  });

  it.each([
    ['record not found', json(404, { success: false, code: 201, name: 'RECORD_NOT_FOUND', message: 'x' }), 404, 'RECORD_NOT_FOUND'],
    ['a refused token', json(401, { success: false, code: 100, name: 'AUTHEN_ERROR', message: 'x' }), 502, 'REMOTE_AUTH_FAILED'],
    ['the platform’s address refused', json(403, { success: false, code: 101, name: 'IP_DISALLOWED', message: 'x' }), 502, 'REMOTE_ACCESS_DENIED'],
    ['the platform’s agency code refused', json(403, { success: false, code: 106, name: 'AGENCY_ID_INCORRECT', message: 'x' }), 502, 'REMOTE_ACCESS_DENIED'],
    ['a refused identifier', json(400, { success: false, code: 202, name: 'INVALID_IDENTIFIER', message: 'x' }), 400, 'INVALID_IDENTIFIER'],
    ['a system error', json(500, { success: false, code: 500, name: 'SYSTEM_ERROR', message: 'x' }), 502, 'REMOTE_ERROR'],
    ['an outage without a body', { status: 502, contentType: 'text/plain', text: '' }, 502, 'REMOTE_ERROR'],
    ['a maintenance page with 200', { status: 200, contentType: 'text/html', text: '<html></html>' }, 502, 'REMOTE_BAD_ANSWER'],
    ['success without a record', json(200, { success: true }), 502, 'REMOTE_BAD_ANSWER'],
    ['success with an error status', json(404, { success: true, result: {} }), 502, 'REMOTE_BAD_ANSWER'],
    ['a failure without a code', json(400, { success: false, message: 'x' }), 502, 'REMOTE_BAD_ANSWER'],
    ['another system’s envelope', json(200, { status: 'OK', data: {} }), 502, 'REMOTE_BAD_ANSWER'],
  ])('maps %s to the platform code', (_what, answer, status, code) => {
    expect(refusal(() => landConnector.readAnswer(answer, '14755/12/345'))).toEqual({ status, code });
  });
});
