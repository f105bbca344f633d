/**
 * What the gateway learns about one exchange as it passes through — attached to the request so that both the
 * successful path and the exception filter can write the same record.
 */
export interface ExchangeTrace {
  readonly requestInAt: Date;
  requestId?: string;
  clientId?: string;
  clientMember?: string;
  serviceCode?: string;
  path?: string;
  issue?: string | null;
  requestHash?: string;
  requestOutAt?: Date;
  responseInAt?: Date;
  /** Set once the record is written, so that an exchange is never logged twice. */
  logged?: boolean;
}

export interface TracedRequest {
  exchangeTrace?: ExchangeTrace;
}

export function traceOf(req: TracedRequest): ExchangeTrace {
  if (!req.exchangeTrace) req.exchangeTrace = { requestInAt: new Date() };
  return req.exchangeTrace;
}
