import { ClientRole } from '@lgsp/registry';

/** Who is calling, as the gateway vouches for it (token → client → member agency and roles). */
export interface Caller {
  clientId: string;
  /** The QCVN 102 code of the client's agency. */
  member: string;
  roles: readonly ClientRole[];
}
