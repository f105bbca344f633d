import { jsonAnswer, refusalOf, resolverFor } from '../testing/connector-spec-support';
import { budgetUnitsConnector } from './budget-units.connector';

const json = (status: number, body: unknown) => jsonAnswer(status, body);
const operation = budgetUnitsConnector.operations[0]!;
const resolve = resolverFor(budgetUnitsConnector);
const refusal = refusalOf;

describe('budget units connector', () => {
  it('is national.budget-units on the budget-units system and needs no stated issue', () => {
    expect(budgetUnitsConnector).toMatchObject({ service: 'national.budget-units', system: 'budget-units', personalData: false });
  });

  it('checks the 7-digit unit code with the identifier library before asking', () => {
    expect(resolve('/units/1012345')).toEqual({ remotePath: '/units/1012345', identifier: '1012345' });
    expect(() => resolve('/units/101234')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_LENGTH', message: expect.stringContaining('budget-relation unit code') }));
    expect(() => resolve('/units/10123456')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_LENGTH' }));
    expect(() => resolve('/units/10I2345')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_NOT_DIGITS' }));
    expect(operation.pattern.exec('/units/1012345/accounts')).toBeNull();
  });

  it('returns the record of a success envelope', () => {
    const data = { unitCode: '1012345', name: 'Trạm Y tế xã Hòa An' };
    expect(budgetUnitsConnector.readAnswer(json(200, { ResultCode: 0, ResultName: 'SUCCESS', Data: data }), '1012345')).toEqual(data);
  });

  it.each([
    ['record not found', json(404, { ResultCode: 201, ResultName: 'RECORD_NOT_FOUND', Message: 'x' }), 404, 'RECORD_NOT_FOUND'],
    ['a refused token', json(401, { ResultCode: 100, ResultName: 'AUTHEN_ERROR', Message: 'x' }), 502, 'REMOTE_AUTH_FAILED'],
    ['the platform’s address refused', json(403, { ResultCode: 101, ResultName: 'IP_DISALLOWED', Message: 'x' }), 502, 'REMOTE_ACCESS_DENIED'],
    ['the platform’s agency code refused', json(403, { ResultCode: 106, ResultName: 'AGENCY_ID_INCORRECT', Message: 'x' }), 502, 'REMOTE_ACCESS_DENIED'],
    ['a refused identifier', json(400, { ResultCode: 202, ResultName: 'INVALID_IDENTIFIER', Message: 'x' }), 400, 'INVALID_IDENTIFIER'],
    ['a system error', json(500, { ResultCode: 500, ResultName: 'SYSTEM_ERROR', Message: 'x' }), 502, 'REMOTE_ERROR'],
    ['an outage page', { status: 503, contentType: 'text/html', text: '<html>down</html>' }, 502, 'REMOTE_ERROR'],
    ['a maintenance page with 200', { status: 200, contentType: 'text/html', text: '<html></html>' }, 502, 'REMOTE_BAD_ANSWER'],
    ['success without a record', json(200, { ResultCode: 0, ResultName: 'SUCCESS' }), 502, 'REMOTE_BAD_ANSWER'],
    ['a code written as a string', json(200, { ResultCode: '0', Data: {} }), 502, 'REMOTE_BAD_ANSWER'],
    ['another system’s envelope', json(200, { errorCode: 0, data: {} }), 502, 'REMOTE_BAD_ANSWER'],
  ])('maps %s to the platform code', (_what, answer, status, code) => {
    expect(refusal(() => budgetUnitsConnector.readAnswer(answer, '1012345'))).toEqual({ status, code });
  });
});
