/**
 * Every error the gateway answers with: a machine-readable code, its HTTP status, and the sentence a person
 * reads. Clients branch on `code`; the sentence may be refined without breaking them.
 */
export const GATEWAY_ERRORS = {
  TOKEN_MISSING: { status: 401, message: 'This call needs an access token: send "Authorization: Bearer <token>" obtained from POST /oauth/token.' },
  TOKEN_INVALID: { status: 401, message: 'The access token is not valid: it is malformed, not signed by this platform, or uses an algorithm this platform does not accept.' },
  TOKEN_EXPIRED: { status: 401, message: 'The access token has expired; request a new one from POST /oauth/token.' },
  TOKEN_WRONG_AUDIENCE: { status: 401, message: 'The access token was issued for another platform.' },
  CLIENT_DISABLED: { status: 401, message: 'The client system this token belongs to has been revoked.' },
  INVALID_CLIENT: { status: 401, message: 'Client authentication failed: unknown client id, wrong secret, or a revoked client.' },
  UNSUPPORTED_GRANT_TYPE: { status: 400, message: 'Only the OAuth2 client_credentials grant is supported.' },
  INVALID_TOKEN_REQUEST: { status: 400, message: 'The token request is incomplete: it needs grant_type, client_id and client_secret.' },
  FORBIDDEN_ROLE: { status: 403, message: 'Your client system does not have the role this operation needs.' },
  ACCESS_DENIED: { status: 403, message: 'Your client system has not been granted access to this service (or to this method and path of it).' },
  UNKNOWN_SERVICE: { status: 404, message: 'There is no service with this code in the platform catalog.' },
  NOT_FOUND: { status: 404, message: 'There is nothing at this address.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than this platform accepts.' },
  INVALID_JSON: { status: 400, message: 'The request body is declared as JSON but is not valid JSON.' },
  INVALID_HEADER: { status: 400, message: 'A header value contains characters that are not allowed (such as line breaks).' },
  INVALID_REQUEST_ID: { status: 400, message: 'The request id must be 1–128 characters of letters, digits, ".", "_", ":" or "-".' },
  VALIDATION_FAILED: { status: 400, message: 'The request does not have the expected shape.' },
  REQUEST_ID_REUSED: { status: 409, message: 'This request id was already used for a different request.' },
  REQUEST_IN_PROGRESS: { status: 409, message: 'An earlier request with this request id is still being processed; retry the same request after a moment (see the Retry-After header) to get its answer.' },
  CLIENT_EXISTS: { status: 409, message: 'A client system with this id already exists (revoked ids are not reused).' },
  GRANT_EXISTS: { status: 409, message: 'An identical grant already exists.' },
  UNKNOWN_CLIENT: { status: 404, message: 'There is no such client system in the registry.' },
  UNKNOWN_GRANT: { status: 404, message: 'There is no such grant in the registry.' },
  UNKNOWN_MEMBER: { status: 400, message: 'The agency is not a member of this platform.' },
  UNKNOWN_GROUP: { status: 400, message: 'No client system belongs to this group.' },
  UNKNOWN_TIER: { status: 400, message: 'There is no such rate tier.' },
  INVALID_AGENCY_CODE: { status: 400, message: 'The agency code is not a valid QCVN 102 code (V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.00.22.H56).' },
  INVALID_INPUT: { status: 400, message: 'The change does not fit the registry.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests for your client tier; retry after the time in the Retry-After header.' },
  UPSTREAM_TIMEOUT: { status: 504, message: 'The service did not answer within its deadline.' },
  UPSTREAM_UNAVAILABLE: { status: 503, message: 'The message could not be handed to the platform\'s message bus; nothing was delivered. Retry later.' },
  STATE_STORE_UNAVAILABLE: { status: 503, message: 'The gateway\'s shared state store (Redis) did not answer in time, so this exchange could not be completed. Retry shortly with the same request id.' },
  INTERNAL_ERROR: { status: 500, message: 'The gateway failed unexpectedly; the failure is logged with this request id.' },
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;
