/** Header names on Kafka messages exchanged between the gateway and the services behind it. */
export const KafkaHeader = {
  RequestId: 'lgsp-request-id',
  Client: 'lgsp-client',
  /** The QCVN 102 code of the member agency the calling client system belongs to, as the gateway's registry says. */
  ClientMember: 'lgsp-client-member',
  /** The calling client's roles (comma-separated: agency-system, operator, admin), as the gateway's registry says. */
  ClientRoles: 'lgsp-client-roles',
  Service: 'lgsp-service',
  Issue: 'lgsp-issue',
  Method: 'lgsp-method',
  Path: 'lgsp-path',
  ContentType: 'content-type',
  /** Request/reply: which topic the reply goes to, and the id that matches it to its request. */
  ReplyTo: 'lgsp-reply-to',
  CorrelationId: 'lgsp-correlation-id',
  /** Epoch milliseconds after which the requester no longer waits; a provider may drop the request. */
  Deadline: 'lgsp-deadline',
  /** On a reply: the provider's status (HTTP semantics) and, for a failure, a machine-readable code. */
  Status: 'lgsp-status',
  ErrorCode: 'lgsp-error-code',
  /** W3C trace context, carried from the HTTP request into Kafka. */
  TraceParent: 'traceparent',
  TraceState: 'tracestate',
  /** Dead-letter records: where the message came from and why it was parked. */
  OriginTopic: 'lgsp-origin-topic',
  OriginPartition: 'lgsp-origin-partition',
  OriginOffset: 'lgsp-origin-offset',
  Failure: 'lgsp-failure',
  Attempts: 'lgsp-attempts',
} as const;

/** HTTP headers of the gateway's routing protocol (modelled on X-Road's REST protocol). */
export const HttpHeader = {
  /** Taken from the request if present (a client's idempotency key), generated otherwise; always echoed. */
  RequestId: 'x-lgsp-request-id',
  /** The case number or purpose of the call, e.g. a one-stop-shop case code. */
  Issue: 'x-lgsp-issue',
  /** On the response: SHA-256 of the request as received, binding the answer to what was asked. */
  RequestHash: 'x-lgsp-request-hash',
  /**
   * On every refusal, the gateway's own or one passed on from a service: its machine-readable code (the body says it
   * in a sentence), so a client can branch on it without parsing the body.
   */
  ErrorCode: 'x-lgsp-error-code',
} as const;
