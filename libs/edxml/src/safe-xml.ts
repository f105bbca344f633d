import { SaxesParser, TagForOptions } from 'saxes';
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
  const parser = new TreeBuildingParser({ xmlns: true, position: true });
  const tree: TreeState = { parser, text, limits, stack: [], elements: 0, tagStart: 0 };
  building = tree;
  try {
    parser.write(text);
    if (!tree.syntax) parser.close();
  } finally {
    building = undefined;
  }
  if (tree.syntax || !tree.root) {
    throw new EdxmlError(problem('EDXML_NOT_XML', '', `The package is not well-formed XML: ${firstLine(tree.syntax ?? 'no root element')}.`));
  }
  return { text, root: tree.root };
}

type Options = { xmlns: true; position: true };

/**
 * saxes with the tree built in its handlers.
 *
 * Why not `parser.on(…)`: saxes stores each handler `on()` is given as a new own property of the parser, and the seven
 * needed here take the object past V8's limit of fast properties into dictionary mode; every property read in saxes'
 * per-character loop then becomes a hash lookup, which made a 10 KiB package cost ~420 µs instead of ~60 µs. saxes
 * looks its handlers up as `this.textHandler` and so on, so the same functions on a subclass's prototype serve, and
 * the parser keeps its fast shape. saxes calls some of them unbound, so they reach the parse under way through
 * `building` rather than `this`; a parse is synchronous from start to end, so there is only ever one.
 */
class TreeBuildingParser extends SaxesParser<Options> {}

interface TreeState {
  parser: TreeBuildingParser;
  text: string;
  limits: EdxmlLimits;
  stack: XmlElement[];
  elements: number;
  tagStart: number;
  root?: XmlElement;
  syntax?: string;
}

let building: TreeState | undefined;

/** Thrown from inside the handlers: it stops the parse at the offending tag, not after the rest of the input. */
const refuse = (code: 'EDXML_DTD_FORBIDDEN' | 'EDXML_TOO_DEEP' | 'EDXML_TOO_MANY_NODES', message: string): never => {
  throw new EdxmlError(problem(code, '', message));
};

const onText = (text: string): void => {
  const { stack } = building!;
  if (stack.length > 0) stack[stack.length - 1].children.push(text);
};

// The names saxes looks its handlers up by (its EVENT_NAME_TO_HANDLER_NAME); private in its typings, hence the cast.
Object.assign(TreeBuildingParser.prototype as unknown as Record<string, unknown>, {
  doctypeHandler: (): void => refuse('EDXML_DTD_FORBIDDEN', 'The package declares a DOCTYPE; DTDs and entity declarations are not accepted in edXML.'),
  // Reported once the name and the character ending it have been read; the tag began at the `<` before the name.
  openTagStartHandler: (tag: { name: string }): void => {
    const t = building!;
    t.tagStart = t.text.lastIndexOf('<', t.parser.position - tag.name.length - 1);
  },
  openTagHandler: (tag: TagForOptions<Options>): void => {
    const t = building!;
    if (t.stack.length >= t.limits.maxDepth) refuse('EDXML_TOO_DEEP', `Elements are nested more than ${t.limits.maxDepth} deep.`);
    if (++t.elements > t.limits.maxElements) refuse('EDXML_TOO_MANY_NODES', `The package has more than ${t.limits.maxElements} elements.`);
    const attributes: Record<string, string> = {};
    for (const [name, attr] of Object.entries(tag.attributes)) attributes[name] = attr.value;
    const el: XmlElement = { name: tag.name, prefix: tag.prefix, local: tag.local, ns: tag.uri, attributes, children: [], start: t.tagStart, end: -1 };
    if (t.stack.length > 0) t.stack[t.stack.length - 1].children.push(el);
    else t.root = el;
    t.stack.push(el);
  },
  closeTagHandler: (): void => {
    const t = building!;
    const el = t.stack.pop();
    if (el) el.end = t.parser.position;
  },
  textHandler: onText,
  cdataHandler: onText,
  errorHandler: (error: Error): void => {
    building!.syntax ??= error.message;
  },
});

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
