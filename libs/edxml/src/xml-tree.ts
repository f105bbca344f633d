import { EDXML_NS } from './edxml-format';

/**
 * A package's elements as the strict parser reported them, with where each one sits in the text. This is the
 * parser's (saxes') output kept as a tree, not a DOM: nothing here resolves or rewrites anything, and the text
 * offsets let a platform add its hop to a package without re-serialising it (so the sender's bytes, and its
 * signature, stay as they were).
 */
export interface XmlElement {
  /** The name as written, e.g. `edXML:From`. */
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  /** The namespace the element is in ('' for none). */
  readonly ns: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
  /** Offsets into the package text: `start` at the `<` of the start tag, `end` just after the end tag's `>`. */
  readonly start: number;
  end: number;
}

export type XmlNode = XmlElement | string;

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

/**
 * Whether an element is edXML's: in the edXML namespace, or in none at all (packages written without namespace
 * declarations). Prefixes never matter — only the namespace a prefix stands for.
 */
export function isEdxmlElement(el: XmlElement): boolean {
  return el.ns === EDXML_NS || el.ns === '';
}

export function childElements(parent: XmlElement | undefined, local?: string): XmlElement[] {
  if (!parent) return [];
  return parent.children.filter((c): c is XmlElement => isElement(c) && isEdxmlElement(c) && (local === undefined || c.local === local));
}

export function childElement(parent: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!parent) return undefined;
  for (const c of parent.children) if (isElement(c) && c.local === local && isEdxmlElement(c)) return c;
  return undefined;
}

/** All text inside an element, as DOM's textContent would give it. */
export function textContent(el: XmlElement): string {
  let out = '';
  for (const c of el.children) out += isElement(c) ? textContent(c) : c;
  return out;
}

/** Trimmed text of an element; undefined when the element is absent or blank. */
export function textOf(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const value = textContent(el).trim();
  return value === '' ? undefined : value;
}

export function childText(parent: XmlElement | undefined, local: string): string | undefined {
  return textOf(childElement(parent, local));
}

/** Every element at or below `root`, in document order, in `ns` with local name `local`. */
export function descendants(root: XmlElement, ns: string, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    if (el.ns === ns && el.local === local) out.push(el);
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i];
      if (isElement(c)) stack.push(c);
    }
  }
  return out;
}
