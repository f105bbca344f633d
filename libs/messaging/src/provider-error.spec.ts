import { KafkaHeader } from '@lgsp/contracts';
import { errorReply } from './provider-error';

describe('errorReply', () => {
  it('carries a numeric status and a string code from the error', () => {
    const reply = errorReply(Object.assign(new Error('no such citizen'), { status: 404, code: 'CITIZEN_NOT_FOUND' }));
    expect(reply.headers).toMatchObject({ [KafkaHeader.Status]: '404', [KafkaHeader.ErrorCode]: 'CITIZEN_NOT_FOUND' });
    expect(JSON.parse(String(reply.value))).toEqual({ error: { code: 'CITIZEN_NOT_FOUND', message: 'no such citizen' } });
  });

  it('falls back to 500 / PROVIDER_ERROR when status is not numeric or code not a string (e.g. a Node errno)', () => {
    const reply = errorReply(Object.assign(new Error('boom'), { status: '404', code: -111 }));
    expect(reply.headers).toMatchObject({ [KafkaHeader.Status]: '500', [KafkaHeader.ErrorCode]: 'PROVIDER_ERROR' });
  });

  it('survives a thrown non-error', () => {
    expect(JSON.parse(String(errorReply('just a string').value))).toEqual({ error: { code: 'PROVIDER_ERROR', message: 'just a string' } });
  });
});
