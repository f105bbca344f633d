import type { PortalErrorAnswer, PortalErrorCode, PortalRecordProblem } from '@lgsp/contracts';

/**
 * Every refusal of the simulated portal: HTTP status, the two-digit `error_code` real clients test against "00",
 * and the sentence a person reads. All of it is the simulation's own choice; see libs/contracts national-portal.ts.
 */
export const PORTAL_ERRORS: Record<PortalErrorCode, { status: number; errorCode: string; message: string }> = {
  INVALID_CREDENTIALS: { status: 401, errorCode: '01', message: 'The user name or password is wrong.' },
  SESSION_EXPIRED: { status: 401, errorCode: '02', message: 'The session has expired; log in again and repeat the call.' },
  SESSION_UNKNOWN: { status: 401, errorCode: '03', message: 'The session is missing or unknown to the portal; log in and repeat the call.' },
  VALIDATION_FAILED: { status: 400, errorCode: '10', message: 'The request is not valid; nothing from it was stored.' },
  UNKNOWN_CASE: { status: 400, errorCode: '11', message: 'Progress was sent for a case the portal does not have; push the case with DongBoHoSoMC first. Nothing from this batch was stored.' },
  UNKNOWN_SERVICE: { status: 400, errorCode: '12', message: 'There is no such service at this address.' },
  INVALID_JSON: { status: 400, errorCode: '13', message: 'The request body is not valid JSON.' },
  BODY_TOO_LARGE: { status: 413, errorCode: '14', message: 'The request body is larger than the portal accepts.' },
  NOT_FOUND: { status: 404, errorCode: '15', message: 'There is nothing at this address.' },
  PORTAL_DOWN: { status: 503, errorCode: '50', message: 'The portal is temporarily unavailable; retry later.' },
  INTERNAL_ERROR: { status: 500, errorCode: '51', message: 'The portal failed while handling the call; retry later.' },
};

export class PortalError extends Error {
  override readonly name = 'PortalError';
  readonly status: number;

  constructor(
    readonly code: PortalErrorCode,
    message?: string,
    readonly problems?: PortalRecordProblem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? PORTAL_ERRORS[code].message);
    this.status = PORTAL_ERRORS[code].status;
  }

  answer(): PortalErrorAnswer {
    return {
      error_code: PORTAL_ERRORS[this.code].errorCode,
      code: this.code,
      message: this.message,
      ...(this.problems && this.problems.length > 0 ? { problems: this.problems } : {}),
    };
  }
}
