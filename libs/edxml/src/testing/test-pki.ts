import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
const DAY = 24 * 60 * 60 * 1000;

export interface TestIdentity {
  privateKeyPem: string;
  certificatePem: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privatePem(keys: CryptoKeyPair): Promise<string> {
  return pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
}

/**
 * A certificate authority for tests, standing in for the government CA that issues agencies' signing
 * certificates. Keys are generated per test run; nothing here is a real credential.
 */
export class TestCa {
  private constructor(
    private readonly keys: CryptoKeyPair,
    readonly certificate: x509.X509Certificate,
    readonly name: string,
  ) {}

  /** `ca: false` makes a self-signed end-entity certificate that still signs others: what a trust store must not honour. */
  static async create(name = 'CN=LGSP Test CA, O=Test, C=VN', options: { ca?: boolean } = {}): Promise<TestCa> {
    const ca = options.ca ?? true;
    const keys = await keyPair();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 365 * DAY),
      keys,
      signingAlgorithm: RSA,
      extensions: ca
        ? [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)]
        : [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
    });
    return new TestCa(keys, certificate, name);
  }

  get certificatePem(): string {
    return this.certificate.toString('pem');
  }

  /** An agency's signing identity issued by this CA; `validDays` may be negative (an expired certificate). */
  async issue(agency: string, options: { validFromDaysAgo?: number; validDays?: number } = {}): Promise<TestIdentity> {
    const keys = await keyPair();
    const from = new Date(Date.now() - (options.validFromDaysAgo ?? 1) * DAY);
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
      subject: `CN=${agency}, O=Test agency, C=VN`,
      issuer: this.certificate.subject,
      notBefore: from,
      notAfter: new Date(from.getTime() + (options.validDays ?? 365) * DAY),
      publicKey: keys.publicKey,
      signingKey: this.keys.privateKey,
      signingAlgorithm: RSA,
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true)],
    });
    return { privateKeyPem: await privatePem(keys), certificatePem: certificate.toString('pem') };
  }
}
