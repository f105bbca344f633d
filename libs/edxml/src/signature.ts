import { X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { childElement, childElements, XmlElement } from './xml-tree';
import { EdxmlError, problem } from './edxml-error';
import { XMLDSIG_NS } from './edxml-format';
import { SignaturePresence } from './edxml-package';
import { envelopeParts } from './read-package';
import { certificateFrom, SignerIdentity, TrustStore } from './trust-store';

/** Per platform: whether agency signatures must be present and valid. Some senders ship an empty signature. */
export type SignaturePolicy = 'required' | 'verify-if-present' | 'off';

export type SignatureAlgorithmName = 'rsa-sha1' | 'rsa-sha256';

const ALGORITHMS: Record<SignatureAlgorithmName, { signature: string; digest: string }> = {
  'rsa-sha1': { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' },
  'rsa-sha256': { signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digest: 'http://www.w3.org/2001/04/xmlenc#sha256' },
};
const ACCEPTED_SIGNATURE_METHODS = new Map<string, string>([
  ...Object.entries(ALGORITHMS).map(([name, a]) => [a.signature, name] as [string, string]),
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', 'rsa-sha512'],
]);
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const HEADER_XPATH = "/*[local-name()='edXML']/*[local-name()='edXMLEnvelope']/*[local-name()='edXMLHeader']";

export type SignatureCheck =
  | { status: 'verified'; signer: SignerIdentity; algorithm: string; hopsAfterSigning: number }
  | { status: 'unsigned' }
  | { status: 'not-checked' };

/**
 * Signs a package as an agency's software does: an enveloped XML-DSig signature over the whole package
 * (`Reference URI=""`, enveloped-signature + exclusive c14n), placed in edXMLHeader, with the signer's certificate
 * in KeyInfo/X509Data. For test agencies and tools; production agencies sign with their own (USB token) software.
 */
export function signPackage(xml: string, key: { privateKeyPem: string; certificatePem: string; algorithm?: SignatureAlgorithmName }): string {
  const algorithm = ALGORITHMS[key.algorithm ?? 'rsa-sha256'];
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: algorithm.signature,
    canonicalizationAlgorithm: EXC_C14N,
  });
  sig.addReference({ xpath: '/*', uri: '', isEmptyUri: true, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: algorithm.digest });
  sig.computeSignature(xml, { location: { reference: HEADER_XPATH, action: 'append' } });
  return sig.getSignedXml();
}

/**
 * Checks a package's signature under a platform's policy and trust store.
 *
 * Each platform a package crosses appends a TraceHeader, which changes the signed bytes. So when the package as it
 * stands does not verify, the TraceHeaders at the end of the list are set aside one at a time (as many as there
 * are) and the signature is checked against the package as it was before those hops; the result says how many hops
 * came after signing. Nothing else may have changed.
 *
 * Wrapping attacks have nothing to work with: exactly one XML-DSig Signature is allowed, with exactly one Reference,
 * and that Reference must be the whole document (URI="") with the enveloped-signature transform.
 */
export function checkSignature(
  parsed: { text: string; root: XmlElement },
  presence: SignaturePresence,
  options: { policy: SignaturePolicy; trustStore: TrustStore; at?: Date },
): SignatureCheck {
  if (options.policy === 'off') return { status: 'not-checked' };
  if (presence === 'none' || presence === 'empty') {
    if (options.policy === 'required') {
      throw new EdxmlError(problem('SIGNATURE_MISSING', 'edXMLHeader/Signature', 'This platform requires packages to carry an XML-DSig signature, and this one has none.'));
    }
    return { status: 'unsigned' };
  }
  if (presence === 'unverifiable') {
    throw invalid('The package carries a Signature element outside the XML-DSig namespace (http://www.w3.org/2000/09/xmldsig#), which cannot be verified.');
  }
  // Only now is a DOM built: xml-crypto works on one. The text already passed the strict, DTD-free parse.
  const doc = new DOMParser().parseFromString(parsed.text, 'text/xml') as unknown as Document;
  const signatures = descendantsNS(doc, 'Signature');
  if (signatures.length !== 1) throw invalid(`The package carries ${signatures.length} XML-DSig signatures; exactly one is accepted.`);
  const signatureEl = signatures[0];
  const algorithm = assertShape(signatureEl);
  const { signer, chain } = certificatesOf(signatureEl);
  const identity = options.trustStore.check(signer, chain, options.at ?? new Date());

  let lastError = 'the signed content does not match';
  for (const [hops, text] of asSigned(parsed)) {
    const verdict = verifyOnce(text, signer);
    if (verdict === true) return { status: 'verified', signer: identity, algorithm, hopsAfterSigning: hops };
    lastError = verdict;
  }
  throw invalid(`The signature does not verify: ${lastError}.`);
}

/**
 * The package as it stands, then as it was before each of its trailing hops (their TraceHeader text cut out, last
 * first), and, where setting hops aside empties a TraceHeaderList, also without that list (a hop that found no list
 * created one).
 */
function* asSigned(parsed: { text: string; root: XmlElement }): Generator<[number, string]> {
  yield [0, parsed.text];
  const list = envelopeParts(parsed.root).traceHeaderList;
  const hops = childElements(list, 'TraceHeader');
  let text = parsed.text;
  for (let k = 1; k <= hops.length; k++) {
    const hop = hops[hops.length - k];
    text = text.slice(0, hop.start) + text.slice(hop.end);
    yield [k, text];
  }
  if (list && hops.length > 0 && !childElement(list, 'Bussiness') && list.children.every((c) => typeof c === 'string' ? c.trim() === '' : hops.includes(c))) {
    const shift = hops.reduce((n, h) => n + (h.end - h.start), 0);
    yield [hops.length, text.slice(0, list.start) + text.slice(list.end - shift)];
  }
}

function verifyOnce(xml: string, signer: X509Certificate): true | string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  const [signatureEl] = descendantsNS(doc, 'Signature');
  const sig = new SignedXml({ publicCert: signer.toString(), getCertFromKeyInfo: () => null });
  try {
    sig.loadSignature(signatureEl as unknown as Node);
    if (!sig.checkSignature(xml)) return 'the signed content does not match';
    return sig.getSignedReferences().length === 1 ? true : 'it does not cover exactly the whole package';
  } catch (error) {
    return (error as Error).message.split('\n')[0].replace(/\.$/, '').toLowerCase();
  }
}

/** Refuses anything but one whole-document, enveloped reference and an RSA signature method; names the method. */
function assertShape(signatureEl: Element): string {
  const signedInfo = dsChild(signatureEl, 'SignedInfo');
  const method = dsChild(signedInfo, 'SignatureMethod')?.getAttribute('Algorithm') ?? '';
  const name = ACCEPTED_SIGNATURE_METHODS.get(method);
  if (!name) throw invalid(`The signature method "${method}" is not accepted (rsa-sha1, rsa-sha256 or rsa-sha512 are).`);
  const references = signedInfo ? dsChildren(signedInfo, 'Reference') : [];
  if (references.length !== 1) throw invalid(`The signature has ${references.length} references; exactly one, covering the whole package, is accepted.`);
  const uri = references[0].getAttribute('URI');
  if (uri !== '') throw invalid(`The signature covers "${uri ?? '(no URI)'}", not the whole package (Reference URI="").`);
  const transforms = dsChildren(dsChild(references[0], 'Transforms'), 'Transform').map((t) => t.getAttribute('Algorithm'));
  if (!transforms.includes(ENVELOPED)) throw invalid('The signature is not an enveloped signature (its reference lacks the enveloped-signature transform).');
  return name;
}

function certificatesOf(signatureEl: Element): { signer: X509Certificate; chain: X509Certificate[] } {
  const data = dsChildren(dsChild(dsChild(signatureEl, 'KeyInfo'), 'X509Data'), 'X509Certificate');
  if (data.length === 0) throw invalid('The signature carries no certificate (KeyInfo/X509Data/X509Certificate).');
  let certs: X509Certificate[];
  try {
    certs = data.map((el) => certificateFrom(el.textContent ?? ''));
  } catch {
    throw invalid('A certificate in the signature\'s KeyInfo cannot be read.');
  }
  // Signers write their own certificate first and any intermediates after it.
  return { signer: certs[0], chain: certs.slice(1) };
}

function dsChildren(parent: Node | undefined, name: string): Element[] {
  const out: Element[] = [];
  for (let n = parent?.firstChild ?? null; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === XMLDSIG_NS && (n as Element).localName === name) out.push(n as Element);
  }
  return out;
}

function dsChild(parent: Node | undefined, name: string): Element | undefined {
  return dsChildren(parent, name)[0];
}

/** XML-DSig elements named `local` anywhere in a DOM, in document order. */
function descendantsNS(doc: Document, local: string): Element[] {
  return Array.from(doc.getElementsByTagNameNS(XMLDSIG_NS, local));
}

function invalid(message: string): EdxmlError {
  return new EdxmlError(problem('SIGNATURE_INVALID', 'Signature', message));
}
