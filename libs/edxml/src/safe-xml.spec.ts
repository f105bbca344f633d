import { DEFAULT_EDXML_LIMITS } from './limits';
import { parseSafeXml } from './safe-xml';
import { isElement, XmlElement } from './xml-tree';

function all(el: XmlElement): XmlElement[] {
  return [el, ...el.children.filter(isElement).flatMap(all)];
}

describe('parseSafeXml', () => {
  it('knows where every element starts and ends in the text, whatever the tags look like', () => {
    const text = '<?xml version="1.0"?>\r\n<r a="1">\r\n  <x:b xmlns:x="urn:u" k = \'v\'>😀 Nguyễn &amp; <![CDATA[<raw>]]></x:b><c/><d >t</d ><e\n/></r>\n';
    const { root } = parseSafeXml(text, DEFAULT_EDXML_LIMITS);
    expect(all(root).map((el) => text.slice(el.start, el.end))).toEqual([
      text.slice(text.indexOf('<r '), text.indexOf('</r>') + 4),
      '<x:b xmlns:x="urn:u" k = \'v\'>😀 Nguyễn &amp; <![CDATA[<raw>]]></x:b>',
      '<c/>',
      '<d >t</d >',
      '<e\n/>',
    ]);
  });

  it('keeps names, namespaces, attributes and decoded text', () => {
    const { root } = parseSafeXml('<r xmlns="urn:d"><x:b xmlns:x="urn:u" k="v">a &lt; b<![CDATA[ & c]]></x:b></r>', DEFAULT_EDXML_LIMITS);
    expect(root).toMatchObject({ name: 'r', local: 'r', prefix: '', ns: 'urn:d' });
    expect(root.children[0]).toMatchObject({ name: 'x:b', local: 'b', prefix: 'x', ns: 'urn:u', attributes: { 'xmlns:x': 'urn:u', k: 'v' }, children: ['a < b', ' & c'] });
  });
});
