import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseXmlFast } from '../../src/parsers/xml/fast.js';
import { parseXmlWithSaxes } from '../../src/parsers/xml/parse.js';
import type { XmlDocument, XmlNode } from '../../src/parsers/xml/index.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { fuzzParams } from '../helpers/fuzz.js';

/**
 * The fast scanner may decline any document, but a tree it returns must be the
 * one the saxes path builds, and it must decline every document saxes rejects.
 */

/** The tree as plain data, parents dropped (they are checked by the invariants test), key order included. */
function plain(doc: XmlDocument): string {
  const strip = (n: XmlNode): unknown => {
    const { parent: _parent, ...rest } = n as XmlNode & { children?: XmlNode[] };
    return n.type === 'element' ? { ...rest, children: n.children.map(strip) } : rest;
  };
  return JSON.stringify({ root: doc.root ? [doc.root.start, doc.root.name] : undefined, children: doc.children.map(strip), problems: doc.problems });
}

/** undefined when the two agree; else what differs. */
function disagreement(text: string): string | undefined {
  const fast = parseXmlFast(text);
  const slow = parseXmlWithSaxes(text);
  if (fast === undefined) return undefined;
  if (slow.problems.length > 0) return `fast path accepted a document saxes rejects: ${slow.problems[0]!.message}`;
  const a = plain(fast);
  const b = plain(slow);
  return a === b ? undefined : `trees differ:\nfast  ${a.slice(0, 400)}\nsaxes ${b.slice(0, 400)}`;
}

const cases = (texts: string[]) => texts.map((t) => [JSON.stringify(t), t] as const);

describe('parseXmlFast', () => {
  it.each(cases([
    '<domain/>',
    '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<domain type="kvm">\r\n  <name>a&amp;b&#x41;&#66;</name>\n</domain>\n<!-- after -->\n',
    "<?xml version='1.0' standalone='yes' ?><a b='x\ty\r\nz&#10;' c = \"'\"/>",
    '<a><![CDATA[x\r\ny <b> ]]></a>',
    '<?pi-before body?><a><?pi?><?p  spaced ?></a><?pi-after?>',
    '<a>\r</a>',
    '<a><!----></a>',
    '<a:b x:y="1"><c.d-e_f/></a:b>',
    '<a>></a>',
    '<a>😀 é</a>',
  ]))('builds the saxes tree for %s', (_, text) => {
    expect(parseXmlFast(text)).toBeDefined();
    expect(disagreement(text)).toBeUndefined();
  });

  it.each(cases([
    '<a b="1"c="2"/>', '<a b="1" b="2"/>', '<a b="<"/>', '<a b=1/>', '<a b/>',
    '<a>]]></a>', '<a>&bogus;</a>', '<a>&amp</a>', '<a>&#0;</a>', '<a>&#xD800;</a>', '<a b="&#1;"/>',
    '<!-- a -- b --><a/>', '<a><!-- x ---></a>', '<a/><b/>', '<a></b>', '<a></ab>', '<a>', '<a/>x', 'x<a/>',
    '<?xml version="1.1"?><a/>', ' <?xml version="1.0"?><a/>', '<a/><?xml version="1.0"?>', '<?XML version="1.0"?><a/>',
    '<?xml version="1.0" encoding="1"?><a/>', '<?xml?><a/>', '<?a:b?><a/>', '<?pibody?><a/>'.replace('pibody', 'pi>x'),
    '<!DOCTYPE a><a/>', '<![CDATA[x]]><a/>', '<a>\u0001</a>', '<a>\uffff</a>', '<é/>', '<a é="1"/>', '<a b="1"/ >', '< a/>', '<1a/>',
  ]))('declines %s, which saxes rejects or only saxes handles', (_, text) => {
    expect(parseXmlFast(text)).toBeUndefined();
  });

  it.skipIf(!corpusAvailable())('agrees with saxes on every XML file of the corpus, and takes nearly all of them', () => {
    const xml = [...corpusEntries('domain-xml'), ...corpusEntries('capabilities-xml')];
    let fast = 0;
    for (const e of xml) {
      const text = readFileSync(e.abs, 'utf8').replace(/^\uFEFF/, '');
      const d = disagreement(text);
      if (d) throw new Error(`${e.path}: ${d}`);
      if (parseXmlFast(text)) fast++;
    }
    expect(xml.length).toBeGreaterThan(1000);
    // Declined: the broken files, DOCTYPEs, non-ASCII names and the like.
    expect(fast / xml.length).toBeGreaterThan(0.95);
  });

  it.skipIf(!corpusAvailable())('agrees with saxes on corpus files with random edits at XML-significant places', () => {
    const texts = corpusEntries('domain-xml').filter((_, i) => i % 25 === 0).map((e) => readFileSync(e.abs, 'utf8').replace(/^\uFEFF/, ''));
    const insert = fc.constantFrom('<', '>', '&', ';', '"', "'", '=', '/', '!', '?', '-', '--', ']]>', '[', ' ', '\r', '\n', '\t', '\u0001', 'é', '&amp;', '&#0;', '<a>', '</a>', '<!--', '-->', '<?x ', '?>', 'xml');
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(3), insert), { minLength: 1, maxLength: 3 }), (which, edits) => {
        let text = texts[which]!;
        for (const [where, cut, piece] of edits) {
          const at = Math.floor(where * text.length);
          text = text.slice(0, at) + piece + text.slice(at + cut);
        }
        const d = disagreement(text);
        if (d) throw new Error(`${JSON.stringify(text.slice(0, 300))}: ${d}`);
      }),
      fuzzParams(400),
    );
  });
});
