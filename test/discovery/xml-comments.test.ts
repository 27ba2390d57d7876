import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { domainKind } from '../../src/kinds/xml.js';
import { parseXml, type XmlElement, type XmlNode } from '../../src/parsers/xml/index.js';
import type { CommentContext } from '../../src/core/comments.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';

/** Every comment of the tree with its next sibling element and its parent, by a walk of every node (the oracle). */
function everyComment(text: string): CommentContext[] {
  const doc = parseXml(text);
  const out: CommentContext[] = [];
  const visit = (siblings: readonly XmlNode[], parent: XmlElement | undefined) => {
    siblings.forEach((node, i) => {
      if (node.type === 'element') visit(node.children, node);
      if (node.type !== 'comment') return;
      const next = siblings.slice(i + 1).find((n): n is XmlElement => n.type === 'element');
      out.push({ start: node.start, end: node.end, body: node.value, nextElement: next && { start: next.start, end: next.end }, parentElement: parent && { start: parent.start, end: parent.end } });
    });
  };
  visit(doc.children, undefined);
  return out.sort((a, b) => a.start - b.start);
}

const comments = (text: string) => domainKind.parse(text).comments;

// The parse walks only the elements that hold a `<!--`; these check it finds every comment a full walk finds.
describe('XML comments for suppression directives', () => {
  it('finds comments at every place: before and after the root, first and last in an element, deep, and beside a <!-- in CDATA', () => {
    const text = [
      '<!-- before -->',
      '<domain type="kvm"><!-- first in root -->',
      '  <name>x</name>',
      '  <description>a &lt;!-- b</description>',
      '  <devices><!-- first in devices --><memballoon model="virtio"/>',
      '    <hostdev mode="subsystem"><source><address bus="0x01"/><!-- deep, last --></source></hostdev>',
      '    <disk device="disk"><serial><![CDATA[<!-- not a comment]]></serial></disk>',
      '  <!-- last in devices --></devices>',
      '  <features><!-- alone, first --><acpi/></features>',
      '</domain>',
      '<!-- after -->',
    ].join('\n');
    const found = comments(text);
    expect(found.map((c) => c.body.trim())).toEqual(['before', 'first in root', 'first in devices', 'deep, last', 'last in devices', 'alone, first', 'after']);
    expect(found).toEqual(everyComment(text));
  });

  it('finds nothing to walk in a tree whose only comment is after the root', () => {
    const text = '<domain type="kvm"><devices><disk/></devices></domain>\n<!-- edited -->\n';
    expect(comments(text)).toEqual(everyComment(text));
    expect(comments(text)).toHaveLength(1);
  });

  it.skipIf(!corpusAvailable())('finds the same comments as a full walk in every corpus domain', () => {
    let withComments = 0;
    for (const e of corpusEntries('domain-xml')) {
      const text = readFileSync(e.abs, 'utf8');
      if (!text.includes('<!--') || parseXml(text).problems.some((p) => p.severity === 'fatal')) continue;
      withComments++;
      expect(comments(text), e.path).toEqual(everyComment(text));
    }
    expect(withComments).toBeGreaterThan(20);
  });
});
