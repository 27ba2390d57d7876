import { describe, it, expect } from 'vitest';
import { parseXml, attr, childElements, firstChild, path, textContent, walkElements, indentOf } from '../../src/parsers/xml/index.js';
import type { XmlDocument, XmlElement, XmlNode } from '../../src/parsers/xml/index.js';

/** Parse text that must be well-formed and return its root. */
function root(text: string): XmlElement {
  const doc = parseXml(text);
  expect(doc.problems).toEqual([]);
  expect(doc.root).toBeDefined();
  return doc.root!;
}

/** The single fatal problem of a malformed text, as [code, start, end]. */
function failure(text: string): [string, number, number] {
  const doc = parseXml(text);
  expect(doc.problems).toHaveLength(1);
  const p = doc.problems[0]!;
  expect(p.severity).toBe('fatal');
  expect(p.message).not.toMatch(/^\d+:\d+/);
  expect(p.message).not.toContain('\n');
  return [p.code, p.start, p.end];
}

const messageOf = (text: string): string => parseXml(text).problems[0]!.message;

/** Everything a document holds, without the parent links (for "does not contain" checks). */
const dump = (doc: XmlDocument): string => JSON.stringify(doc, (k, v: unknown) => (k === 'parent' ? undefined : v));

describe('parseXml: elements and attributes', () => {
  it('reads both quote styles and decodes references in values', () => {
    // <a x="1&amp;2" y='&lt;&#x41;&#66;'/>
    // 0123456789...: x's value is [6,13), the closing " at 13; y's value is [18,33), ' at 33.
    const a = root(`<a x="1&amp;2" y='&lt;&#x41;&#66;'/>`);
    expect(a).toMatchObject({ name: 'a', start: 0, startTagEnd: 36, endTagStart: 36, end: 36, selfClosing: true, children: [] });
    expect(a.attributes).toEqual([
      { name: 'x', value: '1&2', start: 3, end: 14, nameStart: 3, nameEnd: 4, valueStart: 6, valueEnd: 13, quote: '"' },
      { name: 'y', value: '<AB', start: 15, end: 34, nameStart: 15, nameEnd: 16, valueStart: 18, valueEnd: 33, quote: "'" },
    ]);
  });

  it('allows whitespace around = and normalises tabs and line ends in values to spaces', () => {
    const a = root(`<a  x = 'p\tq\r\nr' ></a>`);
    expect(a.attributes).toEqual([{ name: 'x', value: 'p q r', start: 4, end: 16, nameStart: 4, nameEnd: 5, valueStart: 9, valueEnd: 15, quote: "'" }]);
    expect(a).toMatchObject({ start: 0, startTagEnd: 18, endTagStart: 18, end: 22, selfClosing: false, children: [] });
  });

  it('keeps a character reference to a line end as a line end', () => {
    expect(root(`<a x="1&#10;2&#x9;3"/>`).attributes[0]!.value).toBe('1\n2\t3');
  });

  it('keeps the other quote character and > inside a value', () => {
    const a = root(`<a x="it's > 1" y='say "hi"'/>`);
    expect(a.attributes.map((x) => [x.value, x.valueStart, x.valueEnd])).toEqual([["it's > 1", 6, 14], ['say "hi"', 19, 27]]);
  });

  it('gives a self-closing tag with space before /> its full range', () => {
    expect(root(`<a x='1' />`)).toMatchObject({ start: 0, startTagEnd: 11, endTagStart: 11, end: 11, selfClosing: true });
  });

  it('allows whitespace before the > of an end tag', () => {
    expect(root('<a></a  >')).toMatchObject({ startTagEnd: 3, endTagStart: 3, end: 9 });
    expect(root('<a></a\r\n>')).toMatchObject({ startTagEnd: 3, endTagStart: 3, end: 9 });
  });

  it('accepts names with colons, dots and dashes (namespaces are not processed)', () => {
    const a = root(`<qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><qemu:arg value='-x'/></qemu:commandline>`);
    expect(a.name).toBe('qemu:commandline');
    expect(a.attributes[0]).toMatchObject({ name: 'xmlns:qemu', nameStart: 18, nameEnd: 28 });
    expect(childElements(a).map((e) => e.name)).toEqual(['qemu:arg']);
  });

  it('sets parent links', () => {
    const a = root('<a><b><c/></b>t</a>');
    const b = firstChild(a, 'b')!;
    expect(a.parent).toBeUndefined();
    expect(b.parent).toBe(a);
    expect(firstChild(b, 'c')!.parent).toBe(b);
    expect(a.children[1]!.parent).toBe(a);
  });
});

describe('parseXml: line ends, astral characters, BOM', () => {
  it('counts CRLF as two code units and normalises text values', () => {
    const text = "<a>\r\n  <b c='1'/>\r\n</a>\r\n";
    const a = root(text);
    expect(a).toMatchObject({ start: 0, startTagEnd: 3, endTagStart: 19, end: 23 });
    expect(a.children).toMatchObject([
      { type: 'text', value: '\n  ', start: 3, end: 7 },
      { type: 'element', name: 'b', start: 7, startTagEnd: 17, end: 17 },
      { type: 'text', value: '\n', start: 17, end: 19 },
    ]);
    const b = a.children[1] as XmlElement;
    expect(b.attributes[0]).toMatchObject({ valueStart: 13, valueEnd: 14 });
    expect(indentOf(text, b)).toBe('  ');
  });

  it('treats a lone CR as a line end in text', () => {
    expect(root('<a>x\ry</a>').children).toMatchObject([{ type: 'text', value: 'x\ny', start: 3, end: 6 }]);
  });

  it('counts an astral character as two code units everywhere', () => {
    // 😀 is U+1F600, a surrogate pair.
    const a = root("<a t='😀'>😀<b/>x</a>");
    expect(a.attributes[0]).toMatchObject({ value: '😀', valueStart: 6, valueEnd: 8, end: 9 });
    expect(a).toMatchObject({ startTagEnd: 10, endTagStart: 17, end: 21 });
    expect(a.children).toMatchObject([
      { type: 'text', value: '😀', start: 10, end: 12 },
      { type: 'element', name: 'b', start: 12, end: 16 },
      { type: 'text', value: 'x', start: 16, end: 17 },
    ]);
  });

  it('handles an astral character in a name', () => {
    // U+10000 is a NameChar; it takes code units 2 and 3.
    const a = root("<x\u{10000} y='1'/>");
    expect(a.name).toBe('x\u{10000}');
    expect(a.attributes[0]).toMatchObject({ nameStart: 5, nameEnd: 6, valueStart: 8, valueEnd: 9 });
    expect(a).toMatchObject({ start: 0, end: 12 });
  });

  it('indexes a text that still starts with a BOM from the BOM (the caller normally strips it)', () => {
    expect(root('\uFEFF<a/>')).toMatchObject({ start: 1, end: 5 });
  });

  it('decodes references in text', () => {
    expect(root('<a>&lt;b&gt; &amp; &quot;&apos; &#x1F600;&#65;</a>').children).toMatchObject([{ type: 'text', value: `<b> & "' 😀A`, start: 3, end: 46 }]);
  });
});

describe('parseXml: comments, PIs, CDATA, DOCTYPE', () => {
  const text = '<?xml version="1.0"?>\n<!-- top -->\n<!DOCTYPE domain>\n<domain><![CDATA[a<b]]><?pi  some body?><!----></domain>\n<!-- end -->\n';

  it('keeps prolog and epilog nodes at the top level, without whitespace text', () => {
    const doc = parseXml(text);
    expect(doc.problems).toEqual([]);
    expect(doc.children).toMatchObject([
      { type: 'pi', target: 'xml', body: 'version="1.0"', start: 0, end: 21 },
      { type: 'comment', value: ' top ', start: 22, end: 34 },
      { type: 'doctype', value: ' domain', start: 35, end: 52 },
      { type: 'element', name: 'domain', start: 53, end: 109 },
      { type: 'comment', value: ' end ', start: 110, end: 122 },
    ]);
    expect(doc.root).toBe(doc.children[3]);
  });

  it('places CDATA, PIs and comments inside elements', () => {
    expect(parseXml(text).root!.children).toMatchObject([
      { type: 'cdata', value: 'a<b', start: 61, end: 76 },
      { type: 'pi', target: 'pi', body: 'some body', start: 76, end: 93 },
      { type: 'comment', value: '', start: 93, end: 100 },
    ]);
  });

  it('ends a comment after its > although saxes reports it one character early', () => {
    expect(root('<a><!--x--></a>').children).toMatchObject([{ type: 'comment', value: 'x', start: 3, end: 11 }]);
    expect(root('<a><!-- a - b --></a>').children).toMatchObject([{ type: 'comment', value: ' a - b ', start: 3, end: 17 }]);
  });

  it('keeps a comment value raw, CRLF included', () => {
    expect(root('<a><!--1\r\n2--></a>').children).toMatchObject([{ type: 'comment', value: '1\r\n2', start: 3, end: 14 }]);
  });

  it('accepts a DOCTYPE with an external id, and reads nothing', () => {
    const doc = parseXml('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>');
    expect(doc.problems).toEqual([]);
    expect(doc.children[0]).toMatchObject({ type: 'doctype', value: ' a SYSTEM "file:///etc/passwd"', start: 0, end: 40 });
    expect(dump(doc)).not.toContain('root:');
  });

  it('accepts an internal subset without entity declarations', () => {
    const doc = parseXml('<!DOCTYPE a [<!ELEMENT a EMPTY><!-- <!ENTITY x "no"> --><!ATTLIST a b CDATA "<!ENTITY">]><a/>');
    expect(doc.problems).toEqual([]);
  });
});

describe('parseXml: entities are never expanded', () => {
  it('rejects a DOCTYPE that declares entities, at the declaration', () => {
    const text = '<!DOCTYPE a [\n<!ENTITY x "y">\n]>\n<a>&x;</a>';
    expect(failure(text)).toEqual(['xml-entity', 14, 29]);
    expect(messageOf(text)).toMatch(/entity declarations are not supported/);
  });

  it('rejects an external entity without reading it', () => {
    const text = '<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>';
    const doc = parseXml(text);
    expect(failure(text)).toEqual(['xml-entity', 13, 54]);
    expect(doc.root).toBeUndefined();
    expect(dump(doc)).not.toContain('root:');
    expect(doc.problems[0]!.message).not.toContain('root:');
  });

  it('rejects parameter entities', () => {
    expect(failure('<!DOCTYPE a [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><a/>')[0]).toBe('xml-entity');
    expect(failure('<!DOCTYPE a [ %p; ]><a/>')).toEqual(['xml-entity', 14, 17]);
  });

  it('rejects a reference to an undeclared entity', () => {
    expect(failure('<a>&nbsp;</a>')).toEqual(['xml-entity', 3, 9]);
    expect(failure('<a>&xxe;</a>')).toEqual(['xml-entity', 3, 8]);
    expect(failure(`<a x='&foo;'/>`)).toEqual(['xml-entity', 6, 11]);
    expect(messageOf('<a>&nbsp;</a>')).toMatch(/&nbsp;/);
  });

  it('stops at once on billion laughs', () => {
    let text = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n';
    for (let i = 1; i <= 9; i++) text += `<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">\n`;
    text += ']>\n<lolz>&lol9;</lolz>\n';
    const doc = parseXml(text);
    expect(doc.problems).toMatchObject([{ code: 'xml-entity', start: 39, end: 58 }]);
    expect(dump(doc).length).toBeLessThan(1000);
  });
});

describe('parseXml: malformed input gives exactly one fatal problem, where saxes complained', () => {
  it('unclosed tag: at the end of the file, naming the tag', () => {
    expect(failure('<a><b></b>')).toEqual(['xml-malformed', 10, 10]);
    expect(messageOf('<a><b></b>')).toBe('the file ends before <a> (line 1) is closed');
    expect(messageOf('<a>\n<b>\n')).toBe('the file ends before <b> (line 2) is closed');
  });

  it('file ends inside markup', () => {
    expect(failure('<a><!-- x')).toEqual(['xml-malformed', 9, 9]);
    expect(messageOf('<a><!-- x')).toBe('the file ends inside a comment that starts on line 1');
    expect(messageOf('<a>\n<b x="1')).toBe('the file ends inside a start tag that starts on line 2');
  });

  it('mismatched end tag: the end tag, naming the open element and its line', () => {
    expect(failure('<a><b></a></b>')).toEqual(['xml-malformed', 6, 10]);
    expect(messageOf('<a><b></a></b>')).toBe('closing tag </a> does not match <b> opened on line 1');
    expect(failure('<a>\r\n<b>\r\n</a>')).toEqual(['xml-malformed', 10, 14]);
    expect(messageOf('<a>\r\n<b>\r\n</a>')).toBe('closing tag </a> does not match <b> opened on line 2');
  });

  it('end tag with no start tag', () => {
    expect(failure('<a/></a>')[0]).toBe('xml-malformed');
  });

  it('duplicate attribute: the second one', () => {
    expect(failure(`<a x="1" x='2'/>`)).toEqual(['xml-malformed', 9, 14]);
    expect(messageOf(`<a x="1" x='2'/>`)).toBe("duplicate attribute 'x' on <a>");
  });

  it("'<' in an attribute value", () => {
    expect(failure('<a x="a<b"/>')).toEqual(['xml-malformed', 7, 8]);
  });

  it("'<' in text", () => {
    expect(failure('<a>1 < 2</a>')).toEqual(['xml-malformed', 5, 6]);
  });

  it('text after or before the root: the first such character', () => {
    expect(failure('<a/>\nxyz')).toEqual(['xml-malformed', 5, 6]);
    expect(messageOf('<a/>\nxyz')).toMatch(/^text after the root element/);
    expect(failure('abc<a/>')).toEqual(['xml-malformed', 0, 1]);
    expect(messageOf('abc<a/>')).toMatch(/^text before the root element/);
  });

  it('two roots: the second start tag', () => {
    expect(failure('<a/>\n<b/>')).toEqual(['xml-malformed', 5, 7]);
    expect(messageOf('<a/>\n<b/>')).toMatch(/^second root element <b>/);
    expect(parseXml('<a/>\n<b/>').children.map((n) => n.type === 'element' && n.name)).toEqual(['a']);
  });

  it("bare '&': at the ampersand, in text and in values", () => {
    expect(failure('<a>fish & chips</a>')).toEqual(['xml-malformed', 8, 9]);
    expect(failure('<a x="a&b"/>')).toEqual(['xml-malformed', 7, 8]);
    expect(failure('<r><a>x & y</a><b>c;</b></r>')).toEqual(['xml-malformed', 8, 9]);
    expect(messageOf('<a>fish & chips</a>')).toMatch(/&amp;/);
  });

  it('invalid character reference', () => {
    expect(failure('<a>&#0;</a>')).toEqual(['xml-malformed', 3, 7]);
  });

  it('control character and unpaired surrogate', () => {
    expect(failure('<a>\u0001</a>')).toEqual(['xml-malformed', 3, 4]);
    expect(messageOf('<a>\u0001</a>')).toMatch(/U\+0001/);
    expect(failure('<a>\uD800</a>')).toEqual(['xml-malformed', 3, 4]);
    expect(failure('<a>\uDC00x</a>')).toEqual(['xml-malformed', 3, 4]);
  });

  it("'--' inside a comment (a nested comment)", () => {
    expect(failure('<a><!-- x <!-- y --> --></a>')).toEqual(['xml-malformed', 12, 14]);
    expect(messageOf('<a><!-- x <!-- y --> --></a>')).toMatch(/comments cannot be nested/);
  });

  it('unquoted attribute value', () => {
    expect(failure('<a x=1/>')).toEqual(['xml-malformed', 5, 6]);
  });

  it('XML declaration not at the start', () => {
    expect(failure(' <?xml version="1.0"?><a/>')[0]).toBe('xml-malformed');
  });

  it('empty, whitespace-only, text-only and comment-only files', () => {
    expect(failure('')).toEqual(['xml-empty', 0, 0]);
    expect(messageOf('')).toBe('empty file');
    expect(failure(' \n\t')).toEqual(['xml-empty', 0, 0]);
    expect(failure('  hello')).toEqual(['xml-no-root', 2, 3]);
    expect(messageOf('hello')).toMatch(/^no root element/);
    expect(failure('<!-- c -->')).toEqual(['xml-no-root', 10, 10]);
  });

  it('keeps the partial tree, with ranges in bounds and nested', () => {
    const doc = parseXml('<a><b x="1"><c></b></a>');
    const a = doc.root!;
    const b = a.children[0] as XmlElement;
    expect(b.attributes[0]).toMatchObject({ name: 'x', value: '1' });
    expect(a.start).toBe(0);
    expect(a.end).toBeLessThanOrEqual(23);
    expect(b.end).toBeLessThanOrEqual(a.end);
  });
});

describe('parseXml: depth', () => {
  it('parses 20,000 nested elements without recursion', () => {
    const n = 20_000;
    const text = '<a>'.repeat(n) + 'x' + '</a>'.repeat(n);
    const r = root(text);
    let depth = 1;
    let el = r;
    while (el.children[0]?.type === 'element') {
      el = el.children[0];
      depth++;
    }
    expect(depth).toBe(n);
    expect(el).toMatchObject({ start: 3 * (n - 1), startTagEnd: 3 * n, endTagStart: 3 * n + 1, end: 3 * n + 5 });
    expect(textContent(r)).toBe('x');
    let count = 0;
    walkElements(r, () => void count++);
    expect(count).toBe(n);
    expect(r.end).toBe(text.length);
  });

  it('reports 20,000 unclosed elements without recursion', () => {
    const doc = parseXml('<a>'.repeat(20_000));
    expect(doc.problems).toMatchObject([{ code: 'xml-malformed', start: 60_000, end: 60_000 }]);
    expect(doc.root!.end).toBe(60_000);
  });
});

describe('queries', () => {
  const text = "<domain>\n  <vcpu placement='static'>4</vcpu>\n  <devices><memballoon model='none'/></devices>\n\t<name>a&amp;<![CDATA[b]]><x>c</x></name></domain>";
  const r = root(text);

  it('attr, firstChild, childElements, path', () => {
    const vcpu = firstChild(r, 'vcpu')!;
    expect(attr(vcpu, 'placement')!.value).toBe('static');
    expect(attr(vcpu, 'cpuset')).toBeUndefined();
    expect(childElements(r).map((e) => e.name)).toEqual(['vcpu', 'devices', 'name']);
    expect(childElements(r, 'devices')).toHaveLength(1);
    expect(firstChild(r, 'nope')).toBeUndefined();
    expect(path(r, 'devices', 'memballoon')!.name).toBe('memballoon');
    expect(path(r, 'devices', 'nope', 'memballoon')).toBeUndefined();
    expect(path(r)).toBe(r);
  });

  it('textContent joins text and CDATA of all descendants', () => {
    expect(textContent(firstChild(r, 'vcpu')!)).toBe('4');
    expect(textContent(firstChild(r, 'name')!)).toBe('a&bc');
    expect(textContent(path(r, 'devices', 'memballoon')!)).toBe('');
  });

  it('walkElements visits in document order and can skip subtrees', () => {
    const seen: string[] = [];
    walkElements(r, (e) => void seen.push(e.name));
    expect(seen).toEqual(['domain', 'vcpu', 'devices', 'memballoon', 'name', 'x']);
    const pruned: string[] = [];
    walkElements(r, (e) => (pruned.push(e.name), e.name !== 'devices'));
    expect(pruned).toEqual(['domain', 'vcpu', 'devices', 'name', 'x']);
  });

  it('indentOf: spaces or tabs before the node on its line, else empty', () => {
    expect(indentOf(text, firstChild(r, 'vcpu')!)).toBe('  ');
    expect(indentOf(text, firstChild(r, 'name')!)).toBe('\t');
    expect(indentOf(text, path(r, 'devices', 'memballoon')!)).toBe('');
    expect(indentOf(text, r)).toBe('');
    expect(indentOf('  <a/>', { start: 2 })).toBe('  ');
    expect(indentOf('x\r\n <a/>', { start: 4 })).toBe(' ');
  });
});

describe('node types', () => {
  it('every node kind carries its type tag', () => {
    const doc = parseXml('<?xml version="1.0"?><!DOCTYPE a><a>t<![CDATA[c]]><!--m--><?p b?><e/></a>');
    const types: XmlNode['type'][] = [...doc.children.map((n) => n.type), ...doc.root!.children.map((n) => n.type)];
    expect(types).toEqual(['pi', 'doctype', 'element', 'text', 'cdata', 'comment', 'pi', 'element']);
  });
});
