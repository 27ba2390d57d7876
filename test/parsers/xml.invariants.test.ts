import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decode, LineIndex } from '../../src/core/source.js';
import { parseXml } from '../../src/parsers/xml/index.js';
import type { XmlDocument, XmlElement, XmlNode } from '../../src/parsers/xml/index.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { fuzzParams } from '../helpers/fuzz.js';

// ---------------------------------------------------------------------------
// Independent reference decoders (written from XML 1.0 sections 2.11, 3.3.3, 4.1, 4.6)

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function replaceRefs(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_:][\w.:-]*);/g, (_, body: string) =>
    body.startsWith('#x') ? String.fromCodePoint(parseInt(body.slice(2), 16))
      : body.startsWith('#') ? String.fromCodePoint(parseInt(body.slice(1), 10))
        : PREDEFINED[body]!);
}
const normaliseEol = (s: string): string => s.replace(/\r\n?/g, '\n');
const decodeText = (raw: string): string => replaceRefs(normaliseEol(raw));
/** Line ends first, then each literal whitespace character becomes a space, then references. */
const decodeAttr = (raw: string): string => replaceRefs(normaliseEol(raw).replace(/[\t\n]/g, ' '));

// ---------------------------------------------------------------------------
// The range invariant

const isWs = (s: string): boolean => /^[ \t\r\n]*$/.test(s);

/**
 * Plain checks rather than `expect`: these run on every node of thousands of
 * documents, and a failure message names the node.
 */
function check(ok: boolean, what: string, node?: { start: number; end: number }): void {
  if (!ok) throw new Error(node ? `${what} (node at [${node.start}, ${node.end}))` : what);
}
const show = (v: unknown): string => (typeof v === 'object' && v !== null ? `<${(v as { type?: string }).type ?? 'object'}>` : JSON.stringify(v));
function same(a: unknown, b: unknown, what: string, node?: { start: number; end: number }): void {
  if (a !== b) check(false, `${what}: ${show(a)} !== ${show(b)}`, node);
}

/** Bounds, order and nesting: must hold for every result, partial trees included. Iterative. */
function checkShape(text: string, doc: XmlDocument): void {
  const n = text.length;
  check(doc.problems.length <= 1, 'at most one problem');
  for (const p of doc.problems) {
    same(p.severity, 'fatal', 'severity');
    check(0 <= p.start && p.start <= p.end && p.end <= n, 'problem range in bounds', p);
    check(p.message.length > 0 && !p.message.includes('\n'), 'one-line message', p);
  }
  const lists: { nodes: XmlNode[]; parent: XmlElement | undefined; from: number; to: number }[] = [{ nodes: doc.children, parent: undefined, from: 0, to: n }];
  while (lists.length > 0) {
    const { nodes, parent, from, to } = lists.pop()!;
    let at = from;
    for (const node of nodes) {
      same(node.parent, parent, 'parent link', node);
      check(at <= node.start && node.start <= node.end && node.end <= to, `in order and inside [${from}, ${to})`, node);
      at = node.end;
      if (node.type !== 'element') continue;
      check(node.start < node.startTagEnd && node.startTagEnd <= node.endTagStart && node.endTagStart <= node.end, 'element ranges ordered', node);
      let attrAt = node.start;
      for (const a of node.attributes) {
        check(attrAt <= a.nameStart && a.start === a.nameStart && a.nameStart < a.nameEnd && a.nameEnd < a.valueStart && a.valueStart <= a.valueEnd && a.valueEnd < a.end && a.end <= node.startTagEnd, 'attribute ranges ordered', a);
        attrAt = a.end;
      }
      lists.push({ nodes: node.children, parent: node, from: node.startTagEnd, to: node.endTagStart });
    }
  }
}

/** Everything, exactly: for well-formed results. Iterative, so it also runs on deep trees. */
function checkExact(text: string, doc: XmlDocument): void {
  checkShape(text, doc);
  same(doc.problems.length, 0, 'no problems');
  check(doc.root !== undefined, 'a root');
  const tops = doc.children.filter((c) => c.type === 'element');
  check(tops.length === 1 && tops[0] === doc.root, 'the root is the only top-level element');
  let at = 0;
  for (const c of doc.children) {
    check(c.type !== 'text', 'no top-level text', c);
    check(isWs(text.slice(at, c.start)) || (at === 0 && text.slice(0, c.start) === '\uFEFF'), 'only whitespace between top-level nodes', c);
    at = c.end;
  }
  check(isWs(text.slice(at)), 'only whitespace after the last top-level node');

  const stack: XmlNode[] = [...doc.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const raw = text.slice(node.start, node.end);
    switch (node.type) {
      case 'text':
        check(raw.length > 0 && !raw.includes('<'), 'text is non-empty and holds no <', node);
        same(node.value, decodeText(raw), 'text value', node);
        break;
      case 'cdata':
        check(raw.startsWith('<![CDATA[') && raw.endsWith(']]>'), 'CDATA delimiters', node);
        same(node.value, normaliseEol(raw.slice(9, -3)), 'CDATA value', node);
        break;
      case 'comment':
        same(raw, `<!--${node.value}-->`, 'comment slice', node);
        break;
      case 'pi':
        check(raw.startsWith(`<?${node.target}`) && raw.endsWith(`${node.body}?>`), 'PI slice', node);
        check(isWs(raw.slice(2 + node.target.length, raw.length - 2 - node.body.length)), 'PI target and body', node);
        break;
      case 'doctype':
        same(raw, `<!DOCTYPE${node.value}>`, 'DOCTYPE slice', node);
        break;
      case 'element': {
        const open = text.slice(node.start, node.startTagEnd);
        check(open.startsWith(`<${node.name}`) && /^[ \t\r\n/>]/.test(open.slice(1 + node.name.length)) && open.endsWith('>'), 'start tag slice', node);
        if (node.selfClosing) {
          check(open.endsWith('/>') && node.endTagStart === node.startTagEnd && node.end === node.startTagEnd && node.children.length === 0, 'self-closing', node);
        } else {
          const close = text.slice(node.endTagStart, node.end);
          check(close.startsWith(`</${node.name}`) && isWs(close.slice(2 + node.name.length, -1)) && close.endsWith('>'), `end tag slice ${JSON.stringify(close)}`, node);
        }
        let prev = node.start + 1 + node.name.length;
        const names = new Set<string>();
        for (const a of node.attributes) {
          same(text.slice(a.nameStart, a.nameEnd), a.name, 'attribute name slice', a);
          check(text[a.valueStart - 1] === a.quote && text[a.valueEnd] === a.quote && a.end === a.valueEnd + 1, 'attribute quotes', a);
          same(a.value, decodeAttr(text.slice(a.valueStart, a.valueEnd)), 'attribute value', a);
          check(/^[ \t\r\n]+$/.test(text.slice(prev, a.nameStart)), 'whitespace before an attribute', a);
          check(/^[ \t\r\n]*=[ \t\r\n]*$/.test(text.slice(a.nameEnd, a.valueStart - 1)), 'name = quote', a);
          check(!names.has(a.name), 'unique attribute names', a);
          names.add(a.name);
          prev = a.end;
        }
        check(/^[ \t\r\n]*\/?>$/.test(text.slice(prev, node.startTagEnd)), 'end of the start tag', node);
        // Inside an element the children tile the content exactly: text fills every gap.
        let pos = node.startTagEnd;
        let prevType = '';
        for (const c of node.children) {
          same(c.start, pos, 'children tile the content', c);
          check(!(prevType === 'text' && c.type === 'text'), 'no two adjacent text nodes', c);
          pos = c.end;
          prevType = c.type;
          stack.push(c);
        }
        same(pos, node.endTagStart, 'children end at the end tag', node);
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Corpus

const readText = (abs: string): string => {
  const d = decode(readFileSync(abs));
  if (!d.ok) throw new Error(`${abs}: ${d.message}`);
  return d.text;
};

/** Corpus XML that is not well-formed, with where it breaks (line:column, 1-based). */
const BROKEN: Record<string, { code: string; line: number; column: number }> = {
  // Line 55: `      <!-- <tlbflush state='on'/> <!-- My host CPU ...`: the inner `<!--` holds a '--'
  // at columns 37-38 that is followed by a space instead of '>'.
  'real-world/DragoonAethis__VFIO/Windows8.1.xml': { code: 'xml-malformed', line: 55, column: 37 },
  // The whole file is `<dom\n`: it ends inside the start tag (libvirt: "Couldn't find end of Start Tag").
  'libvirt-tests/domains/broken-xml-invalid.xml': { code: 'xml-malformed', line: 2, column: 1 },
};

describe.skipIf(!corpusAvailable())('parseXml: corpus', () => {
  const entries = corpusAvailable() ? [...corpusEntries('domain-xml'), ...corpusEntries('capabilities-xml')] : [];

  it('has the domain and capabilities files', () => {
    expect(corpusEntries('domain-xml').length).toBeGreaterThan(1300);
    expect(corpusEntries('capabilities-xml').length).toBeGreaterThan(20);
  });

  it('parses every file without throwing; all but the known broken ones are well-formed and exact', () => {
    const broken: string[] = [];
    for (const e of entries) {
      const text = readText(e.abs);
      const doc = parseXml(text);
      checkShape(text, doc);
      if (doc.problems.length > 0) {
        broken.push(e.path);
        continue;
      }
      checkExact(text, doc);
      expect(doc.root!.name).toBe(e.kind === 'domain-xml' ? 'domain' : 'capabilities');
    }
    expect(broken.sort()).toEqual(Object.keys(BROKEN).sort());
  });

  it('reports the known broken files at the right place', () => {
    for (const [path, want] of Object.entries(BROKEN)) {
      const text = readText(entries.find((e) => e.path === path)!.abs);
      const doc = parseXml(text);
      expect(doc.problems).toHaveLength(1);
      const p = doc.problems[0]!;
      expect(p.code).toBe(want.code);
      const at = new LineIndex(text).point(p.start);
      expect([path, at.line, at.column]).toEqual([path, want.line, want.column]);
    }
  });

  it('the nested comment is reported on its "--"', () => {
    const text = readText(entries.find((e) => e.path === 'real-world/DragoonAethis__VFIO/Windows8.1.xml')!.abs);
    const p = parseXml(text).problems[0]!;
    expect(text.slice(p.start, p.end)).toBe('--');
    expect(p.message).toMatch(/comment/);
  });

  it('keeps the commented-out blocks of hand-written files as comments', () => {
    let comments = 0;
    for (const e of entries) {
      const doc = parseXml(readText(e.abs));
      const stack: XmlNode[] = [...doc.children];
      while (stack.length > 0) {
        const node = stack.pop()!;
        if (node.type === 'comment') comments++;
        if (node.type === 'element') stack.push(...node.children);
      }
    }
    expect(comments).toBeGreaterThan(50);
  });
});

// ---------------------------------------------------------------------------
// Properties

describe('parseXml: properties', () => {
  it('never throws on arbitrary strings, and ranges stay in bounds and nested', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)) }), fc.string({ unit: 'grapheme' })), (s) => {
        checkShape(s, parseXml(s));
      }),
      fuzzParams(300),
    );
  });

  const PIECES = ['<a>', '</a>', '<b x="1">', "<b y='&amp;'/>", '</b>', '<c/>', 'text', ' ', '\n', '\r\n', '\t', '&amp;', '&lt;', '&#65;', '&#x1F600;',
    '&', ';', '&nbsp;', '&#0;', '<', '>', '/>', '=', '"', "'", '<!--', '-->', '--', '<![CDATA[', ']]>', '<?pi x?>', '<?xml version="1.0"?>',
    '<!DOCTYPE a>', '<!DOCTYPE a [<!ENTITY e "x">]>', '😀', '\u0001', '\uFEFF', 'x="2"', ' y = "3" '];

  it('never throws on strings built from XML pieces; a clean result is exact', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (parts) => {
        const s = parts.join('');
        const doc = parseXml(s);
        checkShape(s, doc);
        if (doc.problems.length === 0) checkExact(s, doc);
      }),
      fuzzParams(1000),
    );
  });

  // Well-formed documents, generated together with every range the parser must report.

  type Piece = { raw: string; value: string };
  /** Strings over a small alphabet; much cheaper to generate than `stringMatching`. */
  const over = (chars: string, minLength: number, maxLength: number): fc.Arbitrary<string> =>
    fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });
  const name = fc.tuple(over('abcXYZ_', 1, 1), over('az09_.:-', 0, 6)).map(([a, b]) => a + b);
  const ws = fc.constantFrom(' ', '  ', '\n', '\r\n', '\t', '\n    ');
  const optWs = fc.constantFrom('', '', ' ', '\r\n');
  const textPiece: fc.Arbitrary<Piece> = fc.oneof(
    over('ab09 ', 1, 5).map((s) => ({ raw: s, value: s })),
    fc.constantFrom<Piece>(
      { raw: '&amp;', value: '&' }, { raw: '&lt;', value: '<' }, { raw: '&gt;', value: '>' }, { raw: '>', value: '>' },
      { raw: '&quot;', value: '"' }, { raw: '"', value: '"' }, { raw: "'", value: "'" }, { raw: '&#x41;', value: 'A' },
      { raw: '&#128512;', value: '😀' }, { raw: '😀', value: '😀' }, { raw: '\r\n', value: '\n' }, { raw: '\rb', value: '\nb' },
      { raw: '\n  ', value: '\n  ' }, { raw: '\t', value: '\t' },
    ),
  );
  const valuePiece = (quote: string): fc.Arbitrary<Piece> => fc.oneof(
    over('ab09 ,:-', 1, 5).map((s) => ({ raw: s, value: s })),
    fc.constantFrom<Piece>(
      { raw: '&amp;', value: '&' }, { raw: '&lt;', value: '<' }, { raw: '>', value: '>' }, { raw: '&#10;', value: '\n' },
      { raw: '\t', value: ' ' }, { raw: '\n', value: ' ' }, { raw: '\r\n', value: ' ' }, { raw: '😀', value: '😀' },
      quote === '"' ? { raw: "'", value: "'" } : { raw: '"', value: '"' }, { raw: '&quot;', value: '"' }, { raw: '&apos;', value: "'" },
    ),
  );
  type GenAttr = { name: string; quote: string; before: string; eqBefore: string; eqAfter: string; pieces: Piece[] };
  const attribute: fc.Arbitrary<GenAttr> = fc.record({ name, quote: fc.constantFrom('"', "'"), before: ws, eqBefore: optWs, eqAfter: optWs }).chain((a) =>
    fc.array(valuePiece(a.quote), { maxLength: 4 }).map((pieces) => ({ ...a, pieces })));

  type Gen =
    | { kind: 'element'; name: string; attrs: GenAttr[]; selfClosing: boolean; tagWs: string; endWs: string; children: Gen[] }
    | { kind: 'text'; pieces: Piece[] }
    | { kind: 'comment'; body: string }
    | { kind: 'cdata'; body: string }
    | { kind: 'pi'; target: string; body: string };

  const { tree } = fc.letrec<{ tree: Gen; node: Gen }>((tie) => ({
    tree: fc.record({
      kind: fc.constant('element' as const),
      name,
      attrs: fc.uniqueArray(attribute, { maxLength: 4, selector: (a) => a.name }),
      selfClosing: fc.boolean(),
      tagWs: optWs,
      endWs: optWs,
      children: fc.array(tie('node'), { maxLength: 5 }),
    }),
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.array(textPiece, { minLength: 1, maxLength: 4 }).map((pieces) => ({ kind: 'text' as const, pieces })),
      over('ab <>&\'"-', 0, 8).filter((s) => !s.includes('--') && !s.endsWith('-')).map((body) => ({ kind: 'comment' as const, body })),
      over('ab <>&]\r\n', 0, 8).filter((s) => !s.includes(']]>')).map((body) => ({ kind: 'cdata' as const, body })),
      fc.record({ target: fc.tuple(over('abpqyz', 1, 1), over('abm', 0, 4)).map(([a, b]) => a + b), body: fc.oneof(fc.constant(''), fc.tuple(over('ab=">', 1, 1), over('ab =">', 0, 5)).map(([a, b]) => a + b)) }).map((p) => ({ kind: 'pi' as const, ...p })),
      tie('tree'),
    ),
  }));

  /** What the parser must report for one node: its type, range and the values that matter. */
  type Expected = { type: string; start: number; end: number; value?: string; name?: string; extra?: unknown; children?: Expected[] };

  function serialise(g: Gen, out: { s: string }): Expected {
    const start = out.s.length;
    switch (g.kind) {
      case 'text': {
        out.s += g.pieces.map((p) => p.raw).join('');
        return { type: 'text', start, end: out.s.length, value: g.pieces.map((p) => p.value).join('') };
      }
      case 'comment':
        out.s += `<!--${g.body}-->`;
        return { type: 'comment', start, end: out.s.length, value: g.body };
      case 'cdata':
        out.s += `<![CDATA[${g.body}]]>`;
        return { type: 'cdata', start, end: out.s.length, value: normaliseEol(g.body) };
      case 'pi':
        out.s += `<?${g.target}${g.body ? ` ${g.body}` : ''}?>`;
        return { type: 'pi', start, end: out.s.length, value: g.body, name: g.target };
      case 'element': {
        out.s += `<${g.name}`;
        const attrs = g.attrs.map((a) => {
          out.s += a.before;
          const nameStart = out.s.length;
          out.s += `${a.name}${a.eqBefore}=${a.eqAfter}${a.quote}`;
          const valueStart = out.s.length;
          out.s += a.pieces.map((p) => p.raw).join('');
          const valueEnd = out.s.length;
          out.s += a.quote;
          return { name: a.name, value: a.pieces.map((p) => p.value).join(''), start: nameStart, end: out.s.length, nameStart, nameEnd: nameStart + a.name.length, valueStart, valueEnd, quote: a.quote };
        });
        out.s += g.tagWs;
        if (g.selfClosing) {
          out.s += '/>';
          return { type: 'element', start, end: out.s.length, name: g.name, extra: { attrs, startTagEnd: out.s.length, endTagStart: out.s.length }, children: [] };
        }
        out.s += '>';
        const startTagEnd = out.s.length;
        const children: Expected[] = [];
        for (const c of g.children) {
          const e = serialise(c, out);
          const last = children.at(-1);
          // Adjacent text runs are one text node.
          if (e.type === 'text' && last?.type === 'text') {
            last.end = e.end;
            last.value += e.value!;
          } else {
            children.push(e);
          }
        }
        const endTagStart = out.s.length;
        out.s += `</${g.name}${g.endWs}>`;
        return { type: 'element', start, end: out.s.length, name: g.name, extra: { attrs, startTagEnd, endTagStart }, children };
      }
    }
  }

  function actual(node: XmlNode): Expected {
    switch (node.type) {
      case 'text':
      case 'cdata':
      case 'comment':
        return { type: node.type, start: node.start, end: node.end, value: node.value };
      case 'pi':
        return { type: 'pi', start: node.start, end: node.end, value: node.body, name: node.target };
      case 'doctype':
        return { type: 'doctype', start: node.start, end: node.end, value: node.value };
      case 'element':
        return {
          type: 'element', start: node.start, end: node.end, name: node.name,
          extra: { attrs: node.attributes, startTagEnd: node.startTagEnd, endTagStart: node.endTagStart },
          children: node.children.map(actual),
        };
    }
  }

  it('generated well-formed documents parse to exactly the ranges and values they were built from', () => {
    fc.assert(
      fc.property(tree, fc.boolean(), fc.constantFrom('', '\n', '\r\n  '), (g, decl, trailer) => {
        const out = { s: decl ? '<?xml version="1.0" encoding="UTF-8"?>\n<!-- prolog -->\n' : '' };
        const want = serialise(g, out);
        out.s += trailer;
        const doc = parseXml(out.s);
        checkExact(out.s, doc);
        expect(actual(doc.root!)).toEqual(want);
      }),
      fuzzParams(500),
    );
  });

  it('a generated document cut short, or with one character removed, never throws and keeps its ranges nested', () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.boolean(), (g, k, cut) => {
        const out = { s: '' };
        serialise(g, out);
        const at = k % (out.s.length + 1);
        const s = cut ? out.s.slice(0, at) : out.s.slice(0, at) + out.s.slice(at + 1);
        const doc = parseXml(s);
        checkShape(s, doc);
        if (doc.problems.length === 0) checkExact(s, doc);
      }),
      fuzzParams(500),
    );
  });
});
