import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { ParseProblem } from '../../core/problem.js';
import type { XmlDocument, XmlElement, XmlNode } from './types.js';
import { decodeAttributeValue, decodeCharData } from './decode.js';
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
  /** End of the last complete token; text runs are the gaps between tokens. */
  let lastEnd = 0;
  let closing = false;

  const stop = (problem: ParseProblem): never => {
    doc.problems.push(problem);
    throw STOP;
  };

  /** Start of the token whose event is firing; records the text run before it. */
  const tokenStart = (): number => {
    const start = text.indexOf('<', lastEnd);
    // Outside the root only whitespace can precede a token (saxes rejects the rest); it is not kept.
    if (start > lastEnd && current !== undefined) {
      siblings.push({ type: 'text', value: decodeCharData(text, lastEnd, start), start: lastEnd, end: start, parent: current });
    }
    return start;
  };

  // Handlers are stored straight into saxes' handler slots (see `install`). They keep
  // their state in this closure because saxes calls some of them without a `this`.
  const handlers: Handlers = {
    openTagHandler(tag) {
      const start = tokenStart();
      const end = parser.position;
      const name = tag.name;
      const el: XmlElement = { type: 'element', name, start, end, startTagEnd: end, endTagStart: end, selfClosing: tag.isSelfClosing, attributes: [], children: [], parent: current };
      if (text.charCodeAt(start + 1 + name.length) !== 0x3e) readAttributes(text, el);
      siblings.push(el);
      open.push(el);
      current = el;
      siblings = el.children;
      doc.root ??= el;
      lastEnd = end;
    },

    closeTagHandler() {
      const el = current!;
      if (!el.selfClosing) {
        const endTagStart = tokenStart();
        const pos = parser.position;
        // On a mismatch saxes still calls us (for each element it pops) before it complains.
        if (!closes(text, endTagStart + 2, el.name)) {
          const closeName = text.slice(endTagStart + 2, pos - 1).trim();
          stop(fatal(endTagStart, pos, `closing tag </${closeName}> does not match <${el.name}> opened on line ${lineOf(text, el.start)}`));
        }
        el.endTagStart = endTagStart;
        el.end = lastEnd = pos;
      }
      open.pop();
      current = open.length > 0 ? open[open.length - 1] : undefined;
      siblings = current === undefined ? top : current.children;
    },

    commentHandler() {
      // Fires after the closing '--', before the '>'; if no '>' follows, saxes reports the '--' next.
      const pos = parser.position;
      if (text.charCodeAt(pos) !== 0x3e) return;
      const start = tokenStart();
      siblings.push({ type: 'comment', value: text.slice(start + 4, pos - 2), start, end: pos + 1, parent: current });
      lastEnd = pos + 1;
    },

    cdataHandler(value) {
      const start = tokenStart();
      const end = parser.position;
      siblings.push({ type: 'cdata', value, start, end, parent: current });
      lastEnd = end;
    },

    piHandler(pi) {
      const start = tokenStart();
      const end = parser.position;
      const bodyStart = skipSpaces(text, start + 2 + pi.target.length, end - 2);
      siblings.push({ type: 'pi', target: pi.target, body: text.slice(bodyStart, end - 2), start, end, parent: current });
      lastEnd = end;
    },

    xmldeclHandler() {
      const start = tokenStart();
      const end = parser.position;
      const bodyStart = skipSpaces(text, start + 5, end - 2);
      top.push({ type: 'pi', target: 'xml', body: text.slice(bodyStart, end - 2), start, end, parent: undefined });
      lastEnd = end;
    },

    doctypeHandler() {
      const start = tokenStart();
      const end = parser.position;
      const use = findEntityUse(text, start + 9, end - 1);
      if (use) {
        stop(fatal(use.start, use.end, use.what === 'declaration'
          ? 'entity declarations are not supported: libvirt never writes them, and vfio-lint does not expand entities'
          : 'parameter-entity references are not supported: vfio-lint does not read or expand entities', 'xml-entity'));
      }
      top.push({ type: 'doctype', value: text.slice(start + 9, end - 1), start, end, parent: undefined });
      lastEnd = end;
    },

    errorHandler(err) {
      stop(describeError({
        text,
        message: stripPosition(err.message),
        pos: parser.position,
        lastEnd,
        open,
        atEnd: closing,
        firstRoot: doc.root,
        rootClosed: doc.root !== undefined && current === undefined,
      }));
    },
  };
  install(parser, handlers);

  try {
    parser.write(text);
    closing = true;
    parser.close();
  } catch (e) {
    if (e !== STOP) {
      // A saxes bug must not take the linter down: report it on the file instead.
      doc.problems.push(fatal(lastEnd, lastEnd, `the XML parser failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`));
    }
    closeUnfinished(open, Math.min(text.length, Math.max(lastEnd, doc.problems[0]!.end)));
  }
  return doc;
}

const fatal = (start: number, end: number, message: string, code = 'xml-malformed'): ParseProblem => ({ start, end, message, severity: 'fatal', code });

/**
 * saxes' handler slots. `parser.on()` writes them with a computed key, which
 * drops the parser object into V8's slow dictionary mode and makes the whole
 * parse about 5x slower; named stores keep it fast.
 */
interface Handlers {
  openTagHandler(tag: SaxesTagPlain): void;
  closeTagHandler(tag: SaxesTagPlain): void;
  commentHandler(comment: string): void;
  cdataHandler(cdata: string): void;
  piHandler(pi: { target: string; body: string }): void;
  xmldeclHandler(decl: unknown): void;
  doctypeHandler(doctype: string): void;
  errorHandler(err: Error): void;
}

function install(parser: SaxesParser, h: Handlers): void {
  const slots = parser as unknown as Handlers;
  slots.openTagHandler = h.openTagHandler;
  slots.closeTagHandler = h.closeTagHandler;
  slots.commentHandler = h.commentHandler;
  slots.cdataHandler = h.cdataHandler;
  slots.piHandler = h.piHandler;
  slots.xmldeclHandler = h.xmldeclHandler;
  slots.doctypeHandler = h.doctypeHandler;
  slots.errorHandler = h.errorHandler;
}

/**
 * Read the attributes of the start tag `[el.start, el.end)` straight from the
 * text. saxes has already checked the tag, so the grammar here is simply
 * `S name S? '=' S? quote value quote`, and a value never holds its own quote
 * character. Reading them ourselves is cheaper than taking saxes' attribute
 * map (a dictionary-mode object, slow to enumerate) and gives the positions.
 */
function readAttributes(text: string, el: XmlElement): void {
  const tagEnd = el.end;
  let i = el.start + 1 + el.name.length;
  for (;;) {
    const nameStart = skipSpaces(text, i, tagEnd);
    let c = text.charCodeAt(nameStart);
    if (c === 0x3e /* > */ || c === 0x2f /* / */ || nameStart >= tagEnd) return;
    let nameEnd = nameStart + 1;
    for (c = text.charCodeAt(nameEnd); c !== 0x3d && !isSpaceUnit(c) && nameEnd < tagEnd; c = text.charCodeAt(++nameEnd));
    i = skipSpaces(text, nameEnd, tagEnd);
    if (text.charCodeAt(i) === 0x3d) i = skipSpaces(text, i + 1, tagEnd);
    const quote = text.charCodeAt(i) === 0x22 ? '"' : "'";
    const valueStart = i + 1;
    let valueEnd = text.indexOf(quote, valueStart);
    if (valueEnd < 0 || valueEnd >= tagEnd) valueEnd = valueStart;
    i = valueEnd + 1;
    el.attributes.push({ name: text.slice(nameStart, nameEnd), value: decodeAttributeValue(text, valueStart, valueEnd), start: nameStart, end: i, nameStart, nameEnd, valueStart, valueEnd, quote });
  }
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
    return fatal(0, 0, text.length === 0 ? 'empty file' : 'the file holds only whitespace', 'xml-empty');
  }
  const lone = firstLoneSurrogate(text);
  if (lone >= 0) return fatal(lone, lone + 1, 'unpaired UTF-16 surrogate: the text is not valid Unicode');
  if (text.indexOf('<', first) < 0) {
    return fatal(first, charEnd(text, first), 'no root element: the file holds text but no XML markup', 'xml-no-root');
  }
  return undefined;
}
