import { appendTraceHeader, buildDocumentPackage, checkSignature, EdxmlError, parseEdxml, signPackage, SignaturePolicy, TrustStore } from './index';
import { sampleDocument } from './testing/sample-packages';
import { TestCa, TestIdentity } from './testing/test-pki';

jest.setTimeout(30_000);

describe('edXML signatures', () => {
  let ca: TestCa;
  let otherCa: TestCa;
  let agency: TestIdentity;
  let expired: TestIdentity;
  let strangers: TestIdentity;
  let trust: TrustStore;

  beforeAll(async () => {
    ca = await TestCa.create();
    otherCa = await TestCa.create('CN=Somebody Else CA, C=VN');
    agency = await ca.issue('Sở Tư pháp tỉnh Thanh Hóa');
    expired = await ca.issue('Sở Nội vụ tỉnh Thanh Hóa', { validFromDaysAgo: 400, validDays: 30 });
    strangers = await otherCa.issue('Unknown agency');
    trust = new TrustStore([ca.certificatePem]);
  });

  function check(xml: string, policy: SignaturePolicy = 'required', store = trust) {
    const parsed = parseEdxml(xml);
    return checkSignature(parsed, parsed.package.signature, { policy, trustStore: store });
  }

  function refusal(xml: string, policy: SignaturePolicy = 'required'): EdxmlError {
    try {
      check(xml, policy);
    } catch (error) {
      if (error instanceof EdxmlError) return error;
      throw error;
    }
    throw new Error('the signature was accepted');
  }

  it.each(['rsa-sha256', 'rsa-sha1'] as const)('signs and verifies with %s, naming the signer', (algorithm) => {
    const signed = signPackage(buildDocumentPackage(sampleDocument()), { ...agency, algorithm });
    expect(parseEdxml(signed).package.signature).toBe('xmldsig');
    const result = check(signed);
    expect(result).toMatchObject({ status: 'verified', algorithm, hopsAfterSigning: 0 });
    expect(result.status === 'verified' && result.signer.subject).toContain('CN=Sở Tư pháp tỉnh Thanh Hóa');
    // Placed in edXMLHeader, in the XML-DSig namespace, with the signer's certificate.
    expect(signed).toMatch(/<\/edXML:TraceHeaderList><Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">/);
    expect(signed).toContain('<X509Certificate>');
  });

  it('still verifies after platforms appended their hops, and says how many came after signing', () => {
    const signed = signPackage(buildDocumentPackage(sampleDocument()), agency);
    const hop1 = appendTraceHeader(parseEdxml(signed), { organId: '000.00.00.H56', timestamp: '2026/11/20 08:15:01' });
    const hop2 = appendTraceHeader(parseEdxml(hop1), { organId: '000.00.00.G22', timestamp: '2026/11/20 08:15:02' });
    expect(check(hop2)).toMatchObject({ status: 'verified', hopsAfterSigning: 2 });
  });

  it('sets a hop aside also where the hop had to create the TraceHeaderList, or open up an empty one', () => {
    const withoutList = buildDocumentPackage(sampleDocument()).replace(/<edXML:TraceHeaderList>.*<\/edXML:TraceHeaderList>/s, '');
    const signedWithout = signPackage(withoutList, agency);
    const hopped = appendTraceHeader(parseEdxml(signedWithout), { organId: '000.00.00.H56', timestamp: '2026/11/20 08:15:01' });
    expect(hopped).toContain('</edXML:MessageHeader><edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>000.00.00.H56');
    expect(check(hopped)).toMatchObject({ status: 'verified', hopsAfterSigning: 1 });

    const emptyList = buildDocumentPackage(sampleDocument()).replace(/<edXML:TraceHeaderList>.*<\/edXML:TraceHeaderList>/s, '<edXML:TraceHeaderList/>');
    const opened = appendTraceHeader(parseEdxml(signPackage(emptyList, agency)), { organId: '000.00.00.H56', timestamp: '2026/11/20 08:15:01' });
    expect(opened).toContain('<edXML:TraceHeaderList><edXML:TraceHeader>');
    expect(check(opened)).toMatchObject({ status: 'verified', hopsAfterSigning: 1 });
  });

  it('refuses a package changed after signing', () => {
    const signed = signPackage(buildDocumentPackage(sampleDocument()), agency);
    const tampered = signed.replace('V/v rà soát thủ tục', 'V/v bãi bỏ thủ tục');
    expect(tampered).not.toBe(signed);
    const error = refusal(tampered);
    expect(error).toMatchObject({ code: 'SIGNATURE_INVALID', httpStatus: 422 });
    expect(error.message).toMatch(/^The signature does not verify: /);
    // An attachment swapped for another is a change like any other.
    const swapped = signed.replace(/<ContentTransferEncoded>[^<]+</, `<ContentTransferEncoded>${Buffer.from('%PDF-1.4 other').toString('base64')}<`);
    expect(refusal(swapped).code).toBe('SIGNATURE_INVALID');
  });

  it('refuses a certificate this platform does not trust, and one that has expired', () => {
    const untrusted = refusal(signPackage(buildDocumentPackage(sampleDocument()), strangers));
    expect(untrusted).toMatchObject({ code: 'CERTIFICATE_UNTRUSTED', httpStatus: 422 });
    expect(untrusted.message).toContain('issued by CN=Somebody Else CA');
    const old = refusal(signPackage(buildDocumentPackage(sampleDocument()), expired));
    expect(old.code).toBe('CERTIFICATE_EXPIRED');
    expect(old.message).toMatch(/^The signer's certificate is valid from .* to .*, not at /);
  });

  it('trusts an agency certificate listed on its own, without its CA, but not as an issuer of others', async () => {
    const store = new TrustStore([agency.certificatePem]);
    expect(check(signPackage(buildDocumentPackage(sampleDocument()), agency), 'required', store).status).toBe('verified');
    const notACa = await TestCa.create('CN=Agency acting as CA, C=VN', { ca: false });
    const issuedByIt = await notACa.issue('Forged agency');
    const xml = signPackage(buildDocumentPackage(sampleDocument()), issuedByIt);
    expect(() => check(xml, 'required', new TrustStore([notACa.certificatePem]))).toThrow(expect.objectContaining({ code: 'CERTIFICATE_UNTRUSTED' }));
  });

  it('applies the platform policy to unsigned packages and to the SDK\'s empty <Signature/>', () => {
    const unsigned = buildDocumentPackage(sampleDocument());
    const emptySignature = unsigned.replace('</edXML:TraceHeaderList>', '</edXML:TraceHeaderList><Signature/>');
    expect(parseEdxml(emptySignature).package.signature).toBe('empty');
    for (const xml of [unsigned, emptySignature]) {
      expect(refusal(xml, 'required')).toMatchObject({ code: 'SIGNATURE_MISSING', httpStatus: 422 });
      expect(check(xml, 'verify-if-present')).toEqual({ status: 'unsigned' });
      expect(check(xml, 'off')).toEqual({ status: 'not-checked' });
    }
    // `off` does not even look: a tampered signature passes unchecked, as configured.
    const tampered = signPackage(unsigned, agency).replace('V/v rà soát', 'V/v khác');
    expect(check(tampered, 'off')).toEqual({ status: 'not-checked' });
    expect(refusal(tampered, 'verify-if-present').code).toBe('SIGNATURE_INVALID');
  });

  it('refuses a non-empty Signature outside the XML-DSig namespace: nothing could check it', () => {
    const xml = buildDocumentPackage(sampleDocument()).replace('</edXML:TraceHeaderList>', '</edXML:TraceHeaderList><Signature><SignatureValue>abc</SignatureValue></Signature>');
    expect(refusal(xml, 'verify-if-present').message).toContain('outside the XML-DSig namespace');
  });

  it('refuses shapes that would let a signature cover less than the package (wrapping)', () => {
    const signed = signPackage(buildDocumentPackage(sampleDocument()), agency);
    const partial = signed.replace('<Reference URI="">', '<Reference URI="#part">');
    expect(refusal(partial).message).toBe('The signature covers "#part", not the whole package (Reference URI="").');
    const sig = /<Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">.*<\/Signature>/s.exec(signed)![0];
    const twice = signed.replace('</edXML:edXMLManifest>', `</edXML:edXMLManifest>${sig}`);
    expect(refusal(twice).message).toBe('The package carries 2 XML-DSig signatures; exactly one is accepted.');
    const hmac = signed.replace(/SignatureMethod Algorithm="[^"]+"/, 'SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"');
    expect(refusal(hmac).message).toContain('is not accepted');
    const noCert = signed.replace(/<KeyInfo>.*<\/KeyInfo>/s, '');
    expect(refusal(noCert).message).toBe('The signature carries no certificate (KeyInfo/X509Data/X509Certificate).');
  });
});
