import { isIP } from 'node:net';
import { InvalidAgencyCodeError, parseAgencyCode } from '@lgsp/registry';

/** The header a look-up names its calling agency in, by its QCVN 102 code. */
export const AGENCY_ID_HEADER = 'x-agency-id';

/**
 * An address as the allow-lists compare it: a dual-stack server sees an IPv4 caller as `::ffff:127.0.0.1`, which an
 * operator would write `127.0.0.1`; IPv6 is compared in lower case.
 */
export function normalizeIp(address: string): string {
  const trimmed = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(trimmed);
  return mapped ? mapped[1]! : trimmed;
}

/** Why `address` is not an IP address, or null when it is one. */
export function ipAddressProblem(address: string): string | null {
  return isIP(address.trim()) === 0 ? `${JSON.stringify(address)} is not an IPv4 or IPv6 address` : null;
}

/** Why `code` is not a QCVN 102 agency code (the registry's own sentence), or null when it is one. */
export function agencyCodeProblem(code: string): string | null {
  try {
    parseAgencyCode(code);
    return null;
  } catch (error) {
    if (error instanceof InvalidAgencyCodeError) return error.message;
    throw error;
  }
}

/** The sentence of an IP_DISALLOWED refusal, or null when the system takes calls from `remoteAddress`. */
export function ipRefusal(system: string, allowedIps: readonly string[] | null, remoteAddress: string | undefined): string | null {
  if (allowedIps === null) return null;
  const caller = remoteAddress === undefined ? null : normalizeIp(remoteAddress);
  if (caller !== null && allowedIps.includes(caller)) return null;
  return `The ${system} system does not accept calls from ${caller ?? 'an unknown address'}: it is not on the system's list of allowed addresses. Ask the system's operators to allow it.`;
}

/**
 * The sentence of an AGENCY_ID_INCORRECT refusal, saying whether the code is missing, malformed or not registered; or
 * null when the look-up names an agency the system accepts.
 */
export function agencyRefusal(system: string, agencyIds: readonly string[] | null, header: string | string[] | undefined): string | null {
  if (header === undefined || header === '') {
    return `Send the calling agency's QCVN 102 code (e.g. 000.00.00.H56) in the ${AGENCY_ID_HEADER} header: the ${system} system answers only look-ups that name their agency.`;
  }
  // Node joins repeated headers with ", ", which no code matches: two agencies in one look-up is malformed too.
  const code = Array.isArray(header) ? header.join(', ') : header;
  const problem = agencyCodeProblem(code);
  if (problem !== null) return `The ${AGENCY_ID_HEADER} header is malformed: ${problem}.`;
  if (agencyIds !== null && !agencyIds.includes(code)) {
    return `Agency ${code} is not registered with the ${system} system, so it may not look records up there. Ask the system's operators to register it.`;
  }
  return null;
}
