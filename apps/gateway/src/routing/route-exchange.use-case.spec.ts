import { Logger } from '@nestjs/common';
import { KafkaHeader, platformTopics } from '@lgsp/contracts';
import { DeadlineExceededError, EventPublisher, IncomingMessage, RequestReplyClient } from '@lgsp/messaging';
import { Registry } from '@lgsp/registry';
import { smallConfig } from '../../../../libs/registry/src/testing/small-config';
import { GatewayError } from '../errors/gateway-error';
import { ExchangeTrace } from '../message-log/exchange-trace';
import { ExchangeRequest } from './exchange-request';
import { InMemoryIdempotencyStore } from './idempotency-store';
import { RouteExchangeUseCase } from './route-exchange.use-case';

/**
 * The use case's side of idempotency, with the bus faked and the in-process store real: one upstream call per
 * request id however the duplicates overlap, and an id given back whenever an exchange does not complete.
 */

const CLIENT = 'h56-qlvb-so-tu-phap';
const PING_TIMEOUT_MS = 5000; // small-config's ping

function pingRequest(requestId: string, body = '{"n":1}'): ExchangeRequest {
  return { clientId: CLIENT, serviceCode: 'ping', method: 'POST', path: '/', query: '', requestId, issue: null, contentType: 'application/json', body: Buffer.from(body) };
}

function documentEvent(requestId: string): ExchangeRequest {
  return { clientId: CLIENT, serviceCode: 'document-exchange.documents', method: 'POST', path: '/documents', query: '', requestId, issue: null, contentType: 'application/xml', body: Buffer.from('<edXML/>') };
}

function reply(status: number, body: string): IncomingMessage {
  return { topic: 'reply', partition: 0, offset: '0', key: null, value: Buffer.from(body), headers: { [KafkaHeader.Status]: String(status), [KafkaHeader.ContentType]: 'application/json' }, timestamp: Date.now() };
}

const trace = (): ExchangeTrace => ({ requestInAt: new Date() });

async function refusal(pending: Promise<unknown>): Promise<GatewayError> {
  const outcome = await pending.then(
    () => new Error('expected the exchange to be refused'),
    (err: unknown) => err,
  );
  if (!(outcome instanceof GatewayError)) throw outcome;
  return outcome;
}

describe('RouteExchangeUseCase: request ids', () => {
  let store: InMemoryIdempotencyStore;
  let request: jest.Mock<Promise<IncomingMessage>, Parameters<RequestReplyClient['request']>>;
  let publish: jest.Mock<ReturnType<EventPublisher['publish']>, Parameters<EventPublisher['publish']>>;
  let exchange: RouteExchangeUseCase;
  let warnings: jest.SpyInstance;

  let registry: Registry;

  beforeAll(async () => {
    registry = new Registry(await smallConfig());
  });

  beforeEach(() => {
    store = new InMemoryIdempotencyStore();
    request = jest.fn();
    publish = jest.fn();
    exchange = new RouteExchangeUseCase(registry, platformTopics('lgsp-h56'), { request } as unknown as RequestReplyClient, { publish } as unknown as EventPublisher, store);
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => warnings.mockRestore());

  it('calls the service once while duplicates overlap: the others get 409 REQUEST_IN_PROGRESS with Retry-After, later ones the answer', async () => {
    let answer!: (reply: IncomingMessage) => void;
    request.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const begin = jest.spyOn(store, 'begin');
    const first = exchange.execute(pingRequest('req-overlap'), trace());

    const duplicate = await refusal(exchange.execute(pingRequest('req-overlap'), trace()));
    expect(duplicate).toMatchObject({ code: 'REQUEST_IN_PROGRESS', status: 409, headers: { 'Retry-After': '1' } });
    expect(duplicate.message).toMatch(/retry/i);
    // The reservation must outlast the service's deadline, or a slow but successful call would lose its id.
    expect(begin.mock.calls[0][3]).toBeGreaterThan(PING_TIMEOUT_MS);

    answer(reply(200, '{"pong":1}'));
    expect(await first).toMatchObject({ status: 200, replayed: false });
    const later = await exchange.execute(pingRequest('req-overlap'), trace());
    expect(later).toMatchObject({ status: 200, replayed: true });
    expect(later.body.toString()).toBe('{"pong":1}');
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('refuses a different request under an id still in progress as a reused id', async () => {
    request.mockReturnValueOnce(new Promise(() => undefined));
    void exchange.execute(pingRequest('req-reused', '{"n":1}'), trace());
    expect(await refusal(exchange.execute(pingRequest('req-reused', '{"n":2}'), trace()))).toMatchObject({ code: 'REQUEST_ID_REUSED', status: 409 });
    expect(request).toHaveBeenCalledTimes(1);
  });

  it.each<[string, () => void, ExchangeRequest, string | number]>([
    ['the service misses its deadline', () => request.mockRejectedValueOnce(new DeadlineExceededError(PING_TIMEOUT_MS, 'topic', 'c-1')), pingRequest('req-timeout'), 'UPSTREAM_TIMEOUT'],
    ['the request cannot be handed to the bus', () => request.mockRejectedValueOnce(new Error('broker down')), pingRequest('req-no-bus'), 'UPSTREAM_UNAVAILABLE'],
    ['the service answers with a 5xx', () => request.mockResolvedValueOnce(reply(503, '{"busy":true}')), pingRequest('req-5xx'), 503],
    ['an event cannot be written', () => publish.mockRejectedValueOnce(new Error('not enough replicas')), documentEvent('req-event'), 'UPSTREAM_UNAVAILABLE'],
  ])('gives the id back when %s, so that the same request can be retried', async (_, failOnce, req, outcome) => {
    failOnce();
    if (typeof outcome === 'number') expect(await exchange.execute(req, trace())).toMatchObject({ status: outcome, replayed: false });
    else expect(await refusal(exchange.execute(req, trace()))).toMatchObject({ code: outcome });

    request.mockResolvedValueOnce(reply(200, '{"pong":2}'));
    publish.mockResolvedValueOnce({ partition: 0, offset: '7' });
    const retried = await exchange.execute(req, trace());
    expect(retried).toMatchObject({ replayed: false });
    expect(retried.status).toBeLessThan(300);
    expect(request.mock.calls.length + publish.mock.calls.length).toBe(2);
  });

  it('keeps the id reserved when the answer cannot be stored: the effect happened, so a retry must not repeat it', async () => {
    request.mockResolvedValue(reply(200, '{"pong":1}'));
    jest.spyOn(store, 'complete').mockRejectedValueOnce(new Error('Redis connection lost'));
    const abandon = jest.spyOn(store, 'abandon');
    await expect(exchange.execute(pingRequest('req-unstored'), trace())).rejects.toThrow('Redis connection lost');
    expect(abandon).not.toHaveBeenCalled();
    expect(await refusal(exchange.execute(pingRequest('req-unstored'), trace()))).toMatchObject({ code: 'REQUEST_IN_PROGRESS' });
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('reports why the exchange failed, not that the id could not be given back, and logs the latter', async () => {
    request.mockRejectedValueOnce(new DeadlineExceededError(PING_TIMEOUT_MS, 'topic', 'c-1'));
    jest.spyOn(store, 'abandon').mockRejectedValueOnce(new Error('Redis connection lost'));
    expect(await refusal(exchange.execute(pingRequest('req-both-fail'), trace()))).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/could not free request id req-both-fail .*Redis connection lost/));
  });
});
