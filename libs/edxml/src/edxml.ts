import { createHash } from 'node:crypto';
import { EdxmlPackage, TraceHeader } from './edxml-package';
import { DEFAULT_EDXML_LIMITS, EdxmlLimits } from './limits';
import { envelopeParts, readPackage } from './read-package';
import { parseSafeXml } from './safe-xml';
import { childElement, childElements, XmlElement } from './xml-tree';

/** A package as received: its typed reading, its text and element tree (for signatures and hops), and its digest. */
export interface ParsedEdxml {
  package: EdxmlPackage;
  /** The package text, exactly as received (after UTF-8 decoding). */
  text: string;
  root: XmlElement;
  /** SHA-256 of the bytes as received, hex: what a receipt binds to. */
  sha256: string;
  bytes: number;
}

/** Parses, reads and validates a package. Throws EdxmlError (with every problem found) when it cannot be taken. */
export function parseEdxml(input: Buffer | string, limits: EdxmlLimits = DEFAULT_EDXML_LIMITS): ParsedEdxml {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const { text, root } = parseSafeXml(bytes, limits);
  return { package: readPackage(root, limits), text, root, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

/**
 * This platform's hop, added to the package text after the last TraceHeader (before Bussiness when there is none;
 * a TraceHeaderList after MessageHeader when there is no list). Nothing else changes — no re-serialisation, no
 * whitespace added — so the sender's bytes stay as they were around it, and a signature check can set the hop aside
 * and find the package exactly as signed. The new elements take the prefix of the elements around them, which is
 * in scope there and stands for the same namespace.
 */
export function appendTraceHeader(parsed: Pick<ParsedEdxml, 'text' | 'root'>, trace: TraceHeader): string {
  const { header, messageHeader, traceHeaderList } = envelopeParts(parsed.root);
  const escape = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const tag = (prefix: string, name: string, inner: string) => {
    const q = prefix ? `${prefix}:${name}` : name;
    return `<${q}>${inner}</${q}>`;
  };
  const hop = (prefix: string) => tag(prefix, 'TraceHeader', tag(prefix, 'OrganId', escape(trace.organId)) + tag(prefix, 'Timestamp', escape(trace.timestamp)));
  if (!traceHeaderList) {
    const at = messageHeader.end;
    return parsed.text.slice(0, at) + tag(header.prefix, 'TraceHeaderList', hop(header.prefix)) + parsed.text.slice(at);
  }
  const hops = childElements(traceHeaderList, 'TraceHeader');
  const business = childElement(traceHeaderList, 'Bussiness');
  const insert = hop(traceHeaderList.prefix);
  if (hops.length > 0 || business) {
    // After the last hop, else before Bussiness: the format lists hops first.
    const at = hops.length > 0 ? hops[hops.length - 1].end : business!.start;
    return parsed.text.slice(0, at) + insert + parsed.text.slice(at);
  }
  // An empty list: just inside its end tag, or `<…/>` opened up (canonical XML does not tell the two forms apart).
  const source = parsed.text.slice(traceHeaderList.start, traceHeaderList.end);
  if (source.endsWith('/>')) {
    return `${parsed.text.slice(0, traceHeaderList.end - 2)}>${insert}</${traceHeaderList.name}>${parsed.text.slice(traceHeaderList.end)}`;
  }
  const at = parsed.text.lastIndexOf('</', traceHeaderList.end - 1);
  return parsed.text.slice(0, at) + insert + parsed.text.slice(at);
}
