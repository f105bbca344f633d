/**
 * Kafka topic names. Every name starts with the platform instance (DESIGN decision 5), so that several
 * platforms — three provinces and the NGSP — can share one broker without seeing each other's traffic.
 */
export interface PlatformTopics {
  /** One record per exchange, hash-chained (the message log). */
  readonly messageLog: string;
  /** Every change to the registry made through the admin API. */
  readonly registryAudit: string;
  /** Replies to request/reply calls, read by every gateway replica (each in its own consumer group). */
  readonly gatewayReplies: string;
  /** The document exchange's record of what happened: packages accepted, deliveries acknowledged. */
  readonly documentEvents: string;
  /** Case tracking's record of what happened to one-stop-shop cases: intake, moves, transfers, alerts, portal sync. */
  readonly caseEvents: string;
  /** Requests to a request/reply service. */
  serviceRequests(serviceCode: string): string;
  /** Events sent to an event service. */
  serviceEvents(serviceCode: string): string;
  /** Where a consumer parks a message that kept failing. */
  deadLetter(topic: string): string;
}

/** `instance` is the platform instance id from the configuration, e.g. `lgsp-h56`. */
export function platformTopics(instance: string): PlatformTopics {
  return {
    messageLog: `${instance}.gateway.message-log`,
    registryAudit: `${instance}.gateway.registry-audit`,
    gatewayReplies: `${instance}.gateway.replies`,
    documentEvents: `${instance}.document-exchange.events`,
    caseEvents: `${instance}.case-tracking.events`,
    serviceRequests: (code) => `${instance}.service.${code}.requests`,
    serviceEvents: (code) => `${instance}.service.${code}.events`,
    deadLetter: (topic) => `${topic}.dead-letter`,
  };
}
