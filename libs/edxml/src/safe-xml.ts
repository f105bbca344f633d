import { SaxesParser } from 'saxes';
import { EdxmlError, problem } from './edxml-error';
import { EdxmlLimits } from './limits';
import { XmlElement } from './xml-tree';

/** A package's text and its element tree. */
export interface ParsedXml {
  readonly text: string;
  readonly root: XmlElement;
}

/**
 * Parses untrusted XML in one strict, streaming pass (saxes, which never fetches anything) and keeps the elements
 * it reports as a tree:
 * - any DOCTYPE is refused, so there are no DTDs, no external entities (XXE) and no entity definitions to expand
 *   (billion laughs); only XML's five predefined entities and character references remain, which cannot grow;
 * - nesting deeper than `maxDepth` and more than `maxElements` elements are refused at the offending tag, so a
 *   nesting bomb costs nothing and nothing that walks the tree later (canonicalization does) can exhaust its stack;
 * - the size is checked before anything else.
 * A DOM is built only where a library needs one: XML-DSig verification (see signature.ts).
 */
export function parseSafeXml(input: Buffer | string, limits: EdxmlLimits): ParsedXml {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > limits.maxPackageBytes) {
    throw new EdxmlError(problem('EDXML_TOO_LARGE', '', `The package is ${size} bytes; at most ${limits.maxPackageBytes} are accepted.`));
  }
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let tagStart = 0;
  // Thrown from inside the parser's callbacks: it stops the parse at the offending tag, rather than after the rest of
  // the input (saxes' namespace bookkeeping makes each level of a nesting bomb dearer than the last).
  const refuse = (code: 'EDXML_DTD_FORBIDDEN' | 'EDXML_TOO_DEEP' | 'EDXML_TOO_MANY_NODES', message: string): never => {
    throw new EdxmlError(problem(code, '', message));
  };
  parser.on('doctype', () => refuse('EDXML_DTD_FORBIDDEN', 'The package declares a DOCTYPE; DTDs and entity declarations are not accepted in edXML.'));
  // Reported once the name and the character ending it have been read; the tag began at the `<` before the name.
  parser.on('opentagstart', (tag) => void (tagStart = text.lastIndexOf('<', parser.position - tag.name.length - 1)));
  parser.on('opentag', (tag) => {
    if (stack.length >= limits.maxDepth) refuse('EDXML_TOO_DEEP', `Elements are nested more than ${limits.maxDepth} deep.`);
    if (++elements > limits.maxElements) refuse('EDXML_TOO_MANY_NODES', `The package has more than ${limits.maxElements} elements.`);
    const attributes: Record<string, string> = {};
    for (const [name, attr] of Object.entries(tag.attributes)) attributes[name] = attr.value;
    const el: XmlElement = { name: tag.name, prefix: tag.prefix, local: tag.local, ns: tag.uri, attributes, children: [], start: tagStart, end: -1 };
    if (stack.length > 0) stack[stack.length - 1].children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    const el = stack.pop();
    if (el) el.end = parser.position;
  });
  const addText = (t: string): void => {
    if (stack.length > 0) stack[stack.length - 1].children.push(t);
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  let syntax: string | undefined;
  parser.on('error', (error) => {
    syntax ??= error.message;
  });
  parser.write(text);
  if (!syntax) parser.close();
  if (syntax || !root) {
    throw new EdxmlError(problem('EDXML_NOT_XML', '', `The package is not well-formed XML: ${firstLine(syntax ?? 'no root element')}.`));
  }
  return { text, root };
}

function decodeUtf8(bytes: Buffer): string {
  // A UTF-8 byte-order mark is allowed by XML; anything that is not UTF-8 (edXML is UTF-8) fails loudly.
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    throw new EdxmlError(problem('EDXML_NOT_XML', '', 'The package is not valid UTF-8 text.'));
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\.$/, '');
}
