import { requestIdFrom, resolveRequestId } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('resolveRequestId', () => {
  it.each(['abc', 'H56.22:2024-05-01_x', 'a'.repeat(128)])('keeps the safe token %s', (id) => {
    expect(resolveRequestId(id)).toBe(id);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['too long', 'a'.repeat(129)],
    ['CR/LF (log and header injection)', 'abc\r\nx-evil: 1'],
    ['a space', 'a b'],
    ['a quote', 'a"b'],
    ['a repeated header', ['a', 'b']],
    ['non-ASCII', 'mã-hồ-sơ'],
  ])('replaces an id that is %s with a UUID', (_what, header) => {
    expect(resolveRequestId(header)).toMatch(UUID);
  });
});

describe('requestIdFrom', () => {
  it('reads req.id when it is a string', () => {
    expect(requestIdFrom({ id: 'r-1' })).toBe('r-1');
  });

  it.each([[undefined], [null], ['req'], [{}], [{ id: 7 }], [{ id: '' }]])('gives undefined for %p', (req) => {
    expect(requestIdFrom(req)).toBeUndefined();
  });
});
