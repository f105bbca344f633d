import { EdxmlError } from '@lgsp/edxml';

/** A refusal the agency system receives as {code, message} with an HTTP status (through the gateway). */
export class DocumentExchangeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DocumentExchangeError';
  }

  static from(error: EdxmlError): DocumentExchangeError {
    return new DocumentExchangeError(error.httpStatus, error.code, error.message, { problems: error.problems });
  }
}
