import { jsonAnswer, refusalOf, resolverFor } from '../testing/connector-spec-support';
import { socialInsuranceConnector } from './social-insurance.connector';

const json = (status: number, body: unknown) => jsonAnswer(status, body, 'application/json; charset=utf-8');
const [participants, cards] = socialInsuranceConnector.operations;
const resolve = resolverFor(socialInsuranceConnector);
const refusal = refusalOf;

describe('social insurance connector', () => {
  it('is personal data behind national.social-insurance, on the insurance system', () => {
    expect(socialInsuranceConnector).toMatchObject({ service: 'national.social-insurance', system: 'insurance', personalData: true });
    expect(socialInsuranceConnector.operations.map((o) => o.route)).toEqual(['GET /participants/{socialInsuranceCode}', 'GET /cards/{cardNumber}']);
  });

  it('checks the social insurance code with the identifier library before asking', () => {
    expect(resolve('/participants/3801234567')).toEqual({ remotePath: '/participants/3801234567', identifier: '3801234567' });
    expect(() => resolve('/participants/380123456')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_LENGTH', message: expect.stringContaining('social insurance code') }));
    expect(() => resolve('/participants/38012345A7')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_NOT_DIGITS' }));
    expect(() => resolve('/participants/3801%20234567')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_NOT_DIGITS' }));
    expect(participants!.pattern.exec('/participants/3801234567/cards')).toBeNull();
  });

  it('checks the legacy card number: letters, benefit level and province', () => {
    expect(resolve('/cards/HC4380123456789')).toEqual({ remotePath: '/cards/HC4380123456789', identifier: 'HC4380123456789' });
    expect(() => resolve('/cards/HC438012345678')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_LENGTH', message: expect.stringContaining('health insurance card number') }));
    expect(() => resolve('/cards/hc4380123456789')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_FORMAT' }));
    expect(() => resolve('/cards/HC6380123456789')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_OUT_OF_RANGE' }));
    expect(() => resolve('/cards/HC4030123456789')).toThrow(expect.objectContaining({ identifierCode: 'IDENTIFIER_UNKNOWN_PROVINCE' }));
    expect(cards!.pattern.exec('/cards/HC4380123456789/history')).toBeNull();
  });

  it('returns the record of a success envelope, its code written as a string', () => {
    const data = { socialInsuranceCode: '3801234567', fullName: 'Lê Thị Hoa', birthDatePrecision: 'day' };
    expect(socialInsuranceConnector.readAnswer(json(200, { maLoi: '0', moTaLoi: 'THANH_CONG', duLieu: data }), '3801234567')).toEqual(data);
  });

  it('passes on the remote sentence when the system refuses an identifier the platform accepted', () => {
    const answer = json(400, { maLoi: '202', moTaLoi: 'INVALID_IDENTIFIER', thongBao: 'the card has been withdrawn' });
    expect(() => socialInsuranceConnector.readAnswer(answer, '3801234567')).toThrow(expect.objectContaining({ code: 'INVALID_IDENTIFIER', message: expect.stringContaining('the card has been withdrawn') }));
  });

  it.each([
    ['record not found', json(404, { maLoi: '201', moTaLoi: 'RECORD_NOT_FOUND', thongBao: 'x' }), 404, 'RECORD_NOT_FOUND'],
    ['a refused token', json(401, { maLoi: '100', moTaLoi: 'AUTHEN_ERROR', thongBao: 'x' }), 502, 'REMOTE_AUTH_FAILED'],
    ['the platform’s address refused', json(403, { maLoi: '101', moTaLoi: 'IP_DISALLOWED', thongBao: 'x' }), 502, 'REMOTE_ACCESS_DENIED'],
    ['the platform’s agency code refused', json(403, { maLoi: '106', moTaLoi: 'AGENCY_ID_INCORRECT', thongBao: 'x' }), 502, 'REMOTE_ACCESS_DENIED'],
    ['a system error', json(500, { maLoi: '500', moTaLoi: 'SYSTEM_ERROR', thongBao: 'x' }), 502, 'REMOTE_ERROR'],
    ['an unavailable system', json(503, { maLoi: '503', moTaLoi: 'SERVICE_UNAVAILABLE', thongBao: 'x' }), 502, 'REMOTE_ERROR'],
    ['an outage page', { status: 503, contentType: 'text/html', text: '<html>down</html>' }, 502, 'REMOTE_ERROR'],
    ['a maintenance page with 200', { status: 200, contentType: 'text/html', text: '<html>bảo trì</html>' }, 502, 'REMOTE_BAD_ANSWER'],
    ['success without a record', json(200, { maLoi: '0', moTaLoi: 'THANH_CONG' }), 502, 'REMOTE_BAD_ANSWER'],
    ['an empty code', json(200, { maLoi: '', duLieu: {} }), 502, 'REMOTE_BAD_ANSWER'],
    ['another system’s envelope', json(200, { errorCode: 0, data: {} }), 502, 'REMOTE_BAD_ANSWER'],
    ['an unknown error code', json(400, { maLoi: '999', moTaLoi: 'WHAT', thongBao: 'x' }), 502, 'REMOTE_BAD_ANSWER'],
  ])('maps %s to the platform code', (_what, answer, status, code) => {
    expect(refusal(() => socialInsuranceConnector.readAnswer(answer, '3801234567'))).toEqual({ status, code });
  });
});
