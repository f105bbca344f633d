import { ClientRole } from '@lgsp/registry';

/** Who is calling: established from a verified access token, attached to the request. */
export interface Principal {
  readonly clientId: string;
  /** QCVN 102 code of the member agency the client system belongs to. */
  readonly member: string;
  readonly roles: readonly ClientRole[];
  readonly tier: string;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}
