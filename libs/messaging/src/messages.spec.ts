import { fromKafkaMessage, headersToRecord, toKafkaMessage } from './messages';

describe('headersToRecord', () => {
  it('decodes buffers and strings, takes the last of repeated headers, and drops absent values', () => {
    expect(
      headersToRecord({
        a: Buffer.from('één'),
        b: 'plain',
        c: [Buffer.from('first'), Buffer.from('last')],
        d: undefined,
        e: null,
      }),
    ).toEqual({ a: 'één', b: 'plain', c: 'last' });
  });

  it('gives an empty record for anything that is not a headers object', () => {
    expect(headersToRecord(undefined)).toEqual({});
    expect(headersToRecord(null)).toEqual({});
    expect(headersToRecord('x')).toEqual({});
  });
});

describe('message conversion', () => {
  it('sends an absent key as null and copies the headers', () => {
    const headers = { h: '1' };
    const m = toKafkaMessage({ value: 'v', headers });
    expect(m).toEqual({ key: null, value: 'v', headers: { h: '1' } });
    expect(m.headers).not.toBe(headers);
  });

  it('reads a tombstone as an empty body and the timestamp as a number', () => {
    const m = fromKafkaMessage('t', 2, { key: Buffer.from('k'), value: null, timestamp: '1700000000000', attributes: 0, offset: '7', headers: {} });
    expect(m).toEqual({ topic: 't', partition: 2, offset: '7', key: 'k', value: Buffer.alloc(0), headers: {}, timestamp: 1700000000000 });
  });
});
