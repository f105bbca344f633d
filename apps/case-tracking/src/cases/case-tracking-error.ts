/** A refusal the one-stop-shop system receives as {code, message} with an HTTP status (through the gateway). */
export class CaseTrackingError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CaseTrackingError';
  }
}
