import type { ExchangeFields } from '../message-log-record';

/**
 * One successful exchange, the n-th of a test's series (ids `rec-n` / `req-n`), for the suites that chain, sign,
 * index or verify records. Fields a test is about are given as overrides.
 */
export function exchangeFields(n: number, overrides: Partial<ExchangeFields> = {}): ExchangeFields {
  return {
    id: `rec-${n}`,
    requestId: `req-${n}`,
    client: 'h56-qlvb-so-tu-phap',
    clientMember: '000.00.02.H56',
    service: 'ping',
    method: 'POST',
    path: '/',
    issue: null,
    requestInAt: '2026-11-23T10:00:00.000Z',
    requestOutAt: '2026-11-23T10:00:00.001Z',
    responseInAt: '2026-11-23T10:00:00.004Z',
    responseOutAt: '2026-11-23T10:00:00.005Z',
    requestBytes: 10,
    responseBytes: 20,
    status: 200,
    succeeded: true,
    faultCode: null,
    faultMessage: null,
    requestHash: null,
    requestBody: null,
    responseBody: null,
    contentType: 'application/json',
    ...overrides,
  };
}
