import { parseXml, type XmlDocument, type XmlElement } from '../parsers/xml/index.js';
import type { CommentContext } from '../core/comments.js';
import { firstAbove } from '../core/sorted.js';
import { defineFileKind } from './define.js';
import type { ParseOutput, Sniff } from './types.js';

/** The first element name after any prolog, comments, PIs and DOCTYPE. */
export function xmlRootName(text: string): string | undefined {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) return undefined;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close < 0) return undefined;
      i = close + 3;
    } else if (text.startsWith('<?', lt)) {
      const close = text.indexOf('?>', lt + 2);
      if (close < 0) return undefined;
      i = close + 2;
    } else if (text.startsWith('<!', lt)) {
      const close = text.indexOf('>', lt + 2);
      if (close < 0) return undefined;
      i = close + 1;
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(lt, lt + 200));
      return m?.[1];
    }
  }
  return undefined;
}

/** Certain when the text starts with markup and its root element is `root`. */
function sniffRoot(text: string, root: string): Sniff | undefined {
  if (!text.trimStart().startsWith('<')) return undefined;
  return xmlRootName(text) === root ? { confidence: 1, why: `its root element is <${root}>` } : undefined;
}

function parseAs(root: 'domain' | 'capabilities', text: string): ParseOutput<{ kind: 'xml'; xml: XmlDocument }> {
  const xml = parseXml(text);
  const problems = [...xml.problems];
  if (xml.root && !problems.some((p) => p.severity === 'fatal') && xml.root.name !== root) {
    problems.push({ start: xml.root.start, end: xml.root.startTagEnd, severity: 'fatal', code: 'xml-wrong-root', message: `the root element is <${xml.root.name}>, expected <${root}> for a ${root === 'domain' ? 'libvirt domain' : 'capabilities'} file` });
  }
  return { ast: { kind: 'xml' as const, xml }, problems, comments: xmlComments(xml, text) };
}

export const domainKind = defineFileKind({
  name: 'domain',
  description: 'a libvirt domain XML (virsh dumpxml, /etc/libvirt/qemu/*.xml)',
  feeds: 'domain',
  paths: [],
  xmlRoot: 'domain',
  defaultDir: '/',
  sniff: (text) => sniffRoot(text, 'domain'),
  parse: (text) => parseAs('domain', text),
});

export const capabilitiesKind = defineFileKind({
  name: 'capabilities',
  description: 'a host capabilities XML (virsh capabilities)',
  feeds: 'capabilities',
  paths: [],
  xmlRoot: 'capabilities',
  defaultDir: '/',
  sniff: (text) => sniffRoot(text, 'capabilities'),
  parse: (text) => parseAs('capabilities', text),
});

/** XML comments with what suppression directives need: the next sibling element and the enclosing element. */
function xmlComments(doc: XmlDocument, text: string): CommentContext[] {
  const out: CommentContext[] = [];
  // Only elements with a `<!--` inside are walked (nothing, in a text without one): an editor re-parses
  // a large domain at each keystroke, and its comments are usually in a few places or outside the root.
  // (A `<!--` in CDATA only makes the walk enter an element it did not need to.)
  const marks: number[] = [];
  for (let at = text.indexOf('<!--'); at >= 0; at = text.indexOf('<!--', at + 4)) marks.push(at);
  if (marks.length === 0) return out;
  // The first `<!--` at or after the start tag's end, and whether it comes before the end tag.
  const holdsComment = (el: XmlElement): boolean => (marks[firstAbove(marks, el.startTagEnd - 1)] ?? Infinity) < el.endTagStart;
  // One backward pass per sibling list, carrying the nearest following element: linear in the siblings.
  const visit = (siblings: XmlDocument['children'], parent: XmlElement | undefined) => {
    let next: XmlElement | undefined;
    for (let i = siblings.length - 1; i >= 0; i--) {
      const node = siblings[i]!;
      if (node.type === 'element') next = node;
      else if (node.type === 'comment') {
        out.push({ start: node.start, end: node.end, body: node.value, nextElement: next && { start: next.start, end: next.end }, parentElement: parent && { start: parent.start, end: parent.end } });
      }
    }
  };
  // Iterative walk: documents may nest deeply.
  visit(doc.children, undefined);
  const stack: XmlElement[] = doc.root && holdsComment(doc.root) ? [doc.root] : [];
  while (stack.length > 0) {
    const el = stack.pop()!;
    visit(el.children, el);
    for (const c of el.children) if (c.type === 'element' && holdsComment(c)) stack.push(c);
  }
  return out.sort((a, b) => a.start - b.start);
}
