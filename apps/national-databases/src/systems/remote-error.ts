import type { NationalSystem } from '../config/national-databases-config';

/**
 * The numeric codes the simulated systems answer with. 100, 101, 106 and 201 are the ones seen behind a real LGSP
 * (DOMAIN.md §5) [S]; the others, and every HTTP status, are the simulation's own [I].
 */
export const REMOTE_ERRORS = {
  AUTHEN_ERROR: { code: 100, status: 401, message: 'The credentials or the access token are missing, wrong or expired.' },
  IP_DISALLOWED: { code: 101, status: 403, message: 'The system does not accept calls from this network address.' },
  AGENCY_ID_INCORRECT: { code: 106, status: 403, message: "The calling agency's code is missing, malformed or not registered with the system." },
  RECORD_NOT_FOUND: { code: 201, status: 404, message: 'No record has this identifier.' },
  INVALID_IDENTIFIER: { code: 202, status: 400, message: 'The identifier is not valid.' },
  INVALID_REQUEST: { code: 203, status: 400, message: 'The request is not valid.' },
  NOT_FOUND: { code: 204, status: 404, message: 'There is nothing at this address.' },
  SYSTEM_ERROR: { code: 500, status: 500, message: 'The system failed while handling the call; retry later.' },
  SERVICE_UNAVAILABLE: { code: 503, status: 503, message: 'The system is temporarily unavailable; retry later.' },
} as const;

export type RemoteErrorName = keyof typeof REMOTE_ERRORS;

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  readonly status: number;

  constructor(
    /** Null when the path names no system: the answer then takes the plain shape. */
    readonly system: NationalSystem | null,
    readonly errorName: RemoteErrorName,
    message?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? REMOTE_ERRORS[errorName].message);
    this.status = REMOTE_ERRORS[errorName].status;
  }
}

/** Thrown to make a system answer non-JSON, the way a misconfigured proxy or an HTML error page does. */
export class GarbageAnswer extends Error {
  override readonly name = 'GarbageAnswer';
  constructor(readonly system: NationalSystem) {
    super(`${system} answers garbage (simulated)`);
  }
}

/**
 * Each system wraps answers its own way, as separately built national systems do; a connector has to map every one
 * of them. The shapes are invented [I]: only the codes above are from real material.
 */
export const ENVELOPES: Record<NationalSystem, { ok(data: unknown): unknown; fail(code: number, name: string, message: string): unknown }> = {
  population: {
    ok: (data) => ({ status: 'OK', data }),
    fail: (code, name, message) => ({ status: 'ERROR', error: { code, name, message } }),
  },
  business: {
    ok: (data) => ({ errorCode: 0, errorMessage: 'SUCCESS', data }),
    fail: (code, name, message) => ({ errorCode: code, errorMessage: name, description: message }),
  },
  insurance: {
    // Codes as strings and Vietnamese field names [I]: connectors must not assume every system types codes alike.
    ok: (data) => ({ maLoi: '0', moTaLoi: 'THANH_CONG', duLieu: data }),
    fail: (code, name, message) => ({ maLoi: String(code), moTaLoi: name, thongBao: message }),
  },
  land: {
    ok: (data) => ({ success: true, result: data }),
    fail: (code, name, message) => ({ success: false, code, name, message }),
  },
  'budget-units': {
    ok: (data) => ({ ResultCode: 0, ResultName: 'SUCCESS', Data: data }),
    fail: (code, name, message) => ({ ResultCode: code, ResultName: name, Message: message }),
  },
  'civil-status': {
    // Vietnamese field names again, but numeric codes and no error name at all [I]: a connector has to tell errors
    // apart by `maLoi` alone, and must not mistake this `maLoi` (a number) for the insurance system's (a string).
    ok: (data) => ({ ketQua: 'THANH_CONG', trichLuc: data }),
    fail: (code, _name, message) => ({ ketQua: 'LOI', maLoi: code, moTa: message }),
  },
};

export function errorBody(error: RemoteError): unknown {
  const { code } = REMOTE_ERRORS[error.errorName];
  if (error.system === null) return { code, name: error.errorName, message: error.message };
  return ENVELOPES[error.system].fail(code, error.errorName, error.message);
}
