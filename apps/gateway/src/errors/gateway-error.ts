import { GATEWAY_ERRORS, GatewayErrorCode } from './error-codes';

/** An error answered to the caller with its code, status and sentence (and optional extra headers). */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly status: number;

  constructor(
    readonly code: GatewayErrorCode,
    message?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? GATEWAY_ERRORS[code].message);
    this.status = GATEWAY_ERRORS[code].status;
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string };
  requestId?: string;
}
