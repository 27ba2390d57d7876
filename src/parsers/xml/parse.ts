import { SaxesParser } from 'saxes';
import type { ParseProblem } from '../../core/problem.js';
import type { XmlAttribute, XmlDocument, XmlElement, XmlNode } from './types.js';
import { charEnd, firstLoneSurrogate, isSpaceUnit, lineOf, skipSpaces } from './chars.js';
import { findEntityUse } from './doctype.js';
import { describeError, stripPosition } from './errors.js';

/** Thrown from inside saxes' callbacks to stop at the first error; never escapes parseXml. */
const STOP: unique symbol = Symbol('stop-xml');

/**
 * Parse an XML document (BOM already stripped) into a tree with exact ranges.
 *
 * saxes does the well-formedness checking; this layer only adds positions,
 * using two facts about saxes 6 (strict, no namespaces): its `position` is a
 * UTF-16 index into the text, and each event fires right after the last
 * character of its token (the comment event one character early, before the
 * final `>`). Character data never holds a raw `<`, so every token starts at
 * the first `<` after the end of the previous one.
 *
 * Never throws, runs in linear time and does not recurse. Entities are never
 * expanded: a DOCTYPE that declares any, or a reference to anything but the
 * five predefined entities and character references, is a fatal `xml-entity`
 * problem. The first error stops parsing; the partial tree is kept.
 */
export function parseXml(text: string): XmlDocument {
  const top: XmlNode[] = [];
  const doc: XmlDocument = { root: undefined, children: top, problems: [] };
  const early = precheck(text);
  if (early) {
    doc.problems.push(early);
    return doc;
  }

  const parser = new SaxesParser();
  const open: XmlElement[] = [];
  let current: XmlElement | undefined;
  let siblings = top;
  /** End of the last complete token or text run. */
  let lastEnd = 0;
  /** Where the next attribute's name is searched from, inside the current start tag. */
  let attrCursor = 0;
  let closing = false;

  const stop = (problem: ParseProblem): never => {
    doc.problems.push(problem);
    throw STOP;
  };

  // Handlers are assigned once per parser and only read state from this closure:
  // saxes calls some of them without a `this`.
  parser.on('opentagstart', (tag) => {
    const start = text.indexOf('<', lastEnd);
    const name = tag.name;
    if (current === undefined && doc.root !== undefined) {
      stop({ start, end: start + 1 + name.length, severity: 'fatal', code: 'xml-malformed', message: `second root element <${name}>: a document has exactly one root element (the first is <${doc.root.name}> on line ${lineOf(text, doc.root.start)})` });
    }
    const el: XmlElement = { type: 'element', name, start, end: start, startTagEnd: start, endTagStart: start, selfClosing: false, attributes: [], children: [], parent: current };
    siblings.push(el);
    open.push(el);
    current = el;
    siblings = el.children;
    doc.root ??= el;
    attrCursor = start + 1 + name.length;
  });

  parser.on('attribute', (a) => {
    // Fires just after the closing quote: name S? '=' S? quote value quote.
    const pos = parser.position;
    const nameStart = skipSpaces(text, attrCursor, pos);
    const nameEnd = nameStart + a.name.length;
    let i = skipSpaces(text, nameEnd, pos);
    if (text.charCodeAt(i) === 0x3d) i = skipSpaces(text, i + 1, pos);
    const valueEnd = pos - 1;
    const attribute: XmlAttribute = {
      name: a.name,
      value: a.value,
      start: nameStart,
      end: pos,
      nameStart,
      nameEnd,
      valueStart: Math.min(i + 1, valueEnd),
      valueEnd,
      quote: text.charCodeAt(valueEnd) === 0x22 ? '"' : "'",
    };
    current!.attributes.push(attribute);
    attrCursor = pos;
  });

  parser.on('opentag', (tag) => {
    const el = current!;
    el.startTagEnd = el.endTagStart = el.end = lastEnd = parser.position;
    el.selfClosing = tag.isSelfClosing;
  });

  parser.on('closetag', () => {
    const el = current!;
    if (!el.selfClosing) {
      const pos = parser.position;
      const endTagStart = text.indexOf('<', lastEnd);
      // On a mismatch saxes still calls us (for each element it pops) before it complains.
      if (!closes(text, endTagStart + 2, el.name)) {
        const closeName = text.slice(endTagStart + 2, pos - 1).trim();
        stop({ start: endTagStart, end: pos, severity: 'fatal', code: 'xml-malformed', message: `closing tag </${closeName}> does not match <${el.name}> opened on line ${lineOf(text, el.start)}` });
      }
      el.endTagStart = endTagStart;
      el.end = lastEnd = pos;
    }
    open.pop();
    current = open.length > 0 ? open[open.length - 1] : undefined;
    siblings = current === undefined ? top : current.children;
  });

  parser.on('text', (value) => {
    // Fires when the '<' after the text has been read, or at the end of input.
    const end = closing ? text.length : parser.position - 1;
    // Outside the root only whitespace is allowed (saxes reports the rest); it is not kept.
    if (current !== undefined) siblings.push({ type: 'text', value, start: lastEnd, end, parent: current });
    lastEnd = end;
  });

  parser.on('comment', () => {
    const start = text.indexOf('<', lastEnd);
    const pos = parser.position;
    // Fires after '--'; if no '>' follows, saxes reports the '--' next.
    if (text.charCodeAt(pos) !== 0x3e) return;
    siblings.push({ type: 'comment', value: text.slice(start + 4, pos - 2), start, end: pos + 1, parent: current });
    lastEnd = pos + 1;
  });

  parser.on('cdata', (value) => {
    const start = text.indexOf('<', lastEnd);
    const end = parser.position;
    siblings.push({ type: 'cdata', value, start, end, parent: current });
    lastEnd = end;
  });

  parser.on('processinginstruction', (pi) => {
    const start = text.indexOf('<', lastEnd);
    const end = parser.position;
    const bodyStart = skipSpaces(text, start + 2 + pi.target.length, end - 2);
    siblings.push({ type: 'pi', target: pi.target, body: text.slice(bodyStart, end - 2), start, end, parent: current });
    lastEnd = end;
  });

  parser.on('xmldecl', () => {
    const start = text.indexOf('<', lastEnd);
    const end = parser.position;
    const bodyStart = skipSpaces(text, start + 5, end - 2);
    top.push({ type: 'pi', target: 'xml', body: text.slice(bodyStart, end - 2), start, end, parent: undefined });
    lastEnd = end;
  });

  parser.on('doctype', () => {
    const start = text.indexOf('<', lastEnd);
    const end = parser.position;
    const use = findEntityUse(text, start + 9, end - 1);
    if (use) {
      stop({
        start: use.start,
        end: use.end,
        severity: 'fatal',
        code: 'xml-entity',
        message: use.what === 'declaration'
          ? 'entity declarations are not supported: libvirt never writes them, and vfio-lint does not expand entities'
          : 'parameter-entity references are not supported: vfio-lint does not read or expand entities',
      });
    }
    top.push({ type: 'doctype', value: text.slice(start + 9, end - 1), start, end, parent: undefined });
    lastEnd = end;
  });

  parser.on('error', (err) => {
    stop(describeError({
      text,
      message: stripPosition(err.message),
      pos: parser.position,
      lastEnd,
      open,
      atEnd: closing,
      rootClosed: doc.root !== undefined && current === undefined,
    }));
  });

  try {
    parser.write(text);
    closing = true;
    parser.close();
  } catch (e) {
    if (e !== STOP) {
      // A saxes bug must not take the linter down: report it on the file instead.
      doc.problems.push({ start: lastEnd, end: lastEnd, severity: 'fatal', code: 'xml-malformed', message: `the XML parser failed unexpectedly: ${e instanceof Error ? e.message : String(e)}` });
    }
    closeUnfinished(open, Math.min(text.length, Math.max(lastEnd, attrCursor, doc.problems[0]!.end)));
  }
  return doc;
}

/** Does the name at `at` equal `name`, followed by whitespace or '>'? */
function closes(text: string, at: number, name: string): boolean {
  if (!text.startsWith(name, at)) return false;
  const c = text.charCodeAt(at + name.length);
  return c === 0x3e || isSpaceUnit(c);
}

/** Give elements cut off by an error ranges that stay in bounds and nested: they all end at `stopAt`. */
function closeUnfinished(open: XmlElement[], stopAt: number): void {
  for (const el of open) {
    if (el.startTagEnd === el.start) el.startTagEnd = Math.max(el.start, stopAt);
    el.endTagStart = el.end = Math.max(el.startTagEnd, stopAt);
  }
}

/** Cases saxes would report poorly (or, for lone surrogates, not at all). */
function precheck(text: string): ParseProblem | undefined {
  const first = skipSpaces(text, 0);
  if (first === text.length) {
    return { start: 0, end: 0, severity: 'fatal', code: 'xml-empty', message: text.length === 0 ? 'empty file' : 'the file holds only whitespace' };
  }
  const lone = firstLoneSurrogate(text);
  if (lone >= 0) return { start: lone, end: lone + 1, severity: 'fatal', code: 'xml-malformed', message: 'unpaired UTF-16 surrogate: the text is not valid Unicode' };
  if (text.indexOf('<', first) < 0) {
    return { start: first, end: charEnd(text, first), severity: 'fatal', code: 'xml-no-root', message: 'no root element: the file holds text but no XML markup' };
  }
  return undefined;
}
