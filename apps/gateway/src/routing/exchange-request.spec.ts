import { ExchangeRequest, requestHash } from './exchange-request';

function request(overrides: Partial<ExchangeRequest> = {}): ExchangeRequest {
  return {
    clientId: 'h56-qlvb-so-tu-phap',
    serviceCode: 'ping',
    method: 'POST',
    path: '/',
    query: '',
    requestId: 'abc',
    issue: null,
    contentType: null,
    body: Buffer.alloc(0),
    ...overrides,
  };
}

describe('requestHash', () => {
  it('is stable across versions: a stored answer is replayed only to the request it was computed for', () => {
    // Values from the first implementation (one buffer per field); the hash is stored with idempotent answers.
    expect(requestHash(request())).toBe('HKuX6SNASKGD7WD7dxjg7dsuSVhZdw4oXkloWFVweqM=');
    const unicode = request({
      method: 'GET',
      serviceCode: 'csdl-dan-cu',
      path: '/công-dân/ư',
      query: 'a=1&b=\ud800',
      requestId: 'x:y',
      issue: '000.00.53.H48-220921-0099',
      contentType: 'application/json',
      body: Buffer.from('{"a":"Nguyễn"}'),
    });
    expect(requestHash(unicode)).toBe('ywGmgLnGFH0esDDzyGN4qyRT1e7HGe1ruALcWziVgpA=');
  });

  it('length-prefixes each field, so moving text from one field to the next changes the hash', () => {
    expect(requestHash(request({ path: '/ab', query: '' }))).not.toBe(requestHash(request({ path: '/a', query: 'b' })));
    expect(requestHash(request({ requestId: 'ab', issue: null }))).not.toBe(requestHash(request({ requestId: 'a', issue: 'b' })));
  });

  it('ignores who asked: the same request from another client hashes alike (the idempotency key adds the client)', () => {
    expect(requestHash(request({ clientId: 'other' }))).toBe(requestHash(request()));
  });
});
