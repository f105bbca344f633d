import { X509Certificate } from 'node:crypto';
import { EdxmlError, problem } from './edxml-error';

/** Who signed, as a person checking a package wants to see it. */
export interface SignerIdentity {
  subject: string;
  issuer: string;
  serialNumber: string;
  fingerprint256: string;
  validFrom: string;
  validTo: string;
}

const MAX_CHAIN = 5;

/**
 * The certificates one platform trusts for agency signatures: the issuing CAs (for Vietnam, the government CA
 * hierarchy) or individual agency certificates. A signer's certificate is trusted when it is one of these, or when
 * a chain of certificates the package carries leads from it to one of these, every link valid at the moment checked.
 */
export class TrustStore {
  private readonly anchors: X509Certificate[];

  constructor(pems: readonly string[]) {
    this.anchors = pems.flatMap(splitPem).map((pem) => new X509Certificate(pem));
  }

  get size(): number {
    return this.anchors.length;
  }

  /** Throws CERTIFICATE_UNTRUSTED / CERTIFICATE_EXPIRED; returns the signer's identity when the chain holds. */
  check(signer: X509Certificate, carried: readonly X509Certificate[], at: Date): SignerIdentity {
    let current = signer;
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      assertValidAt(current, at, depth === 0 ? 'The signer\'s certificate' : `Certificate ${current.subject.replace(/\n/g, ', ')} in its chain`);
      if (this.anchors.some((a) => a.fingerprint256 === current.fingerprint256)) return identity(signer);
      // Only a CA issues: an agency certificate listed on its own is trusted as itself, never as an issuer.
      const anchor = this.anchors.find((a) => a.ca && current.checkIssued(a) && current.verify(a.publicKey));
      if (anchor) {
        assertValidAt(anchor, at, `The trusted issuer ${anchor.subject.replace(/\n/g, ', ')}`);
        return identity(signer);
      }
      const next = carried.find((c) => c !== current && c.ca && current.checkIssued(c) && current.verify(c.publicKey));
      if (!next) break;
      current = next;
    }
    throw new EdxmlError(
      problem('CERTIFICATE_UNTRUSTED', 'Signature/KeyInfo', `The signer's certificate (${oneLine(signer.subject)}, issued by ${oneLine(signer.issuer)}) does not lead to a certificate this platform trusts.`),
    );
  }
}

function assertValidAt(cert: X509Certificate, at: Date, what: string): void {
  if (at < new Date(cert.validFrom) || at > new Date(cert.validTo)) {
    throw new EdxmlError(problem('CERTIFICATE_EXPIRED', 'Signature/KeyInfo', `${what} is valid from ${cert.validFrom} to ${cert.validTo}, not at ${at.toISOString()}.`));
  }
}

function identity(cert: X509Certificate): SignerIdentity {
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
  };
}

function oneLine(dn: string): string {
  return dn.split('\n').join(', ');
}

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** A certificate from base64 DER (as X509Certificate elements carry it) or PEM. */
export function certificateFrom(text: string): X509Certificate {
  const trimmed = text.trim();
  return new X509Certificate(trimmed.startsWith('-----BEGIN') ? trimmed : Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'));
}
