/** Who is calling, as the gateway vouches for it (token → client → member agency). */
export interface Caller {
  clientId: string;
  /** The QCVN 102 code of the client's agency. */
  member: string;
}
