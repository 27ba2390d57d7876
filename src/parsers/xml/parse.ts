import { SaxesParser, type SaxesAttributePlain, type SaxesStartTagPlain, type SaxesTagPlain } from 'saxes';
import type { ParseProblem } from '../../core/problem.js';
import type { XmlDocument, XmlElement, XmlNode } from './types.js';
import { decodeCharData } from './decode.js';
import { charEnd, charStart, firstLoneSurrogate, isSpaceUnit, lineOf, skipSpaces } from './chars.js';
import { findEntityUse } from './doctype.js';
import { describeError, stripPosition } from './errors.js';
import { MAX_XML_ELEMENTS, parseXmlFast } from './fast.js';

/** Thrown from inside saxes' callbacks to stop at the first error; never escapes parseXml. */
const STOP: unique symbol = Symbol('stop-xml');

/**
 * Parse an XML document (BOM already stripped) into a tree with exact ranges.
 *
 * Two paths build the same tree. A plain well-formed document (nearly every
 * libvirt file) is scanned directly by `parseXmlFast`. Every other document,
 * and every malformed one, goes through saxes, which does the well-formedness
 * checking and words the problem; that path only adds positions, using two
 * facts about saxes 6 (strict, no namespaces): its `position` is a UTF-16
 * index into the text, and each event fires right after the last character
 * of its token (the comment event one character early, before the final
 * `>`). Character data never holds a raw `<`, so every token starts at the
 * first `<` after the end of the previous one, and text nodes are the gaps
 * between tokens.
 *
 * Never throws, runs in linear time and does not recurse. Entities are never
 * expanded: a DOCTYPE that declares any, or a reference to anything but the
 * five predefined entities and character references, is a fatal `xml-entity`
 * problem. The first error stops parsing; the partial tree is kept.
 */
export function parseXml(text: string): XmlDocument {
  const early = precheck(text);
  if (early) return { root: undefined, children: [], problems: [early] };
  return parseXmlFast(text) ?? parseXmlWithSaxes(text);
}

/** The saxes path: every document the fast scanner declines goes here, and only it reports errors. Exported for the differential test. */
export function parseXmlWithSaxes(text: string): XmlDocument {
  const top: XmlNode[] = [];
  const doc: XmlDocument = { root: undefined, children: top, problems: [] };

  const parser = new SaxesParser();
  const open: XmlElement[] = [];
  let current: XmlElement | undefined;
  let siblings = top;
  /** End of the last complete token; text runs are the gaps between tokens. */
  let lastEnd = 0;
  /** Inside a start tag: just after the tag name or the previous attribute. */
  let attrCursor = 0;
  let closing = false;
  let elements = 0;

  const stop = (problem: ParseProblem): never => {
    doc.problems.push(problem);
    throw STOP;
  };

  /** Record the text run between the last token and the token starting at `start`. */
  const textBefore = (start: number): void => {
    // Outside the root only whitespace can precede a token (saxes rejects the rest); it is not kept.
    if (start > lastEnd && current !== undefined) {
      siblings.push({ type: 'text', value: decodeCharData(text, lastEnd, start), start: lastEnd, end: start, parent: current });
    }
  };

  /** Start of a token whose event is firing: the first '<' after the last token. */
  const tokenStart = (): number => {
    const start = text.indexOf('<', lastEnd);
    textBefore(start);
    return start;
  };

  // Handlers are stored straight into saxes' handler slots (see `install`). They keep
  // their state in this closure because saxes calls some of them without a `this`.
  const handlers: Handlers = {
    openTagStartHandler(tag) {
      // Fires after the character that ended the name (whitespace, '>' or '/'), so the
      // '<' is found by arithmetic; the search is only a fallback.
      const name = tag.name;
      let start = charStart(text, parser.position) - name.length - 1;
      if (start < lastEnd || text.charCodeAt(start) !== 0x3c) start = text.indexOf('<', lastEnd);
      textBefore(start);
      if (current === undefined && doc.root !== undefined) {
        stop(fatal(start, start + 1 + name.length, `second root element <${name}>: a document has exactly one root element (the first is <${doc.root.name}> on line ${lineOf(text, doc.root.start)})`));
      }
      if (++elements > MAX_XML_ELEMENTS) stop(fatal(start, start, `more than ${MAX_XML_ELEMENTS} elements: not a libvirt document vfio-lint can hold (real ones have hundreds); the rest is not read`, 'xml-too-many-elements'));
      const el: XmlElement = { type: 'element', name, start, end: start, startTagEnd: start, endTagStart: start, selfClosing: false, attributes: [], children: [], parent: current };
      siblings.push(el);
      open.push(el);
      current = el;
      siblings = el.children;
      doc.root ??= el;
      attrCursor = start + 1 + name.length;
    },

    attributeHandler(a) {
      // Fires just after the closing quote of `S name S? '=' S? quote value quote`. saxes
      // has checked that grammar, so plain loops over whitespace, '=' and the quote suffice.
      const pos = parser.position;
      let nameStart = attrCursor;
      while (nameStart < pos && isSpaceUnit(text.charCodeAt(nameStart))) nameStart++;
      const nameEnd = nameStart + a.name.length;
      let quoteAt = nameEnd;
      for (let c = text.charCodeAt(quoteAt); c !== 0x22 && c !== 0x27 && quoteAt < pos; c = text.charCodeAt(++quoteAt));
      const valueEnd = pos - 1;
      current!.attributes.push({
        name: a.name,
        value: a.value,
        start: nameStart,
        end: pos,
        nameStart,
        nameEnd,
        valueStart: Math.min(quoteAt + 1, valueEnd),
        valueEnd,
        quote: text.charCodeAt(valueEnd) === 0x22 ? '"' : "'",
      });
      attrCursor = pos;
    },

    openTagHandler(tag) {
      const el = current!;
      el.startTagEnd = el.endTagStart = el.end = lastEnd = parser.position;
      el.selfClosing = tag.isSelfClosing;
    },

    closeTagHandler() {
      const el = current!;
      if (!el.selfClosing) {
        // Fires after the '>' of `</name S?>`: walk back over it instead of searching forward.
        const pos = parser.position;
        let i = pos - 2;
        while (i > lastEnd && isSpaceUnit(text.charCodeAt(i))) i--;
        let endTagStart = i + 1 - el.name.length - 2;
        // On a mismatch saxes still calls us (for each element it pops) before it complains.
        if (endTagStart < lastEnd || text.charCodeAt(endTagStart) !== 0x3c || text.charCodeAt(endTagStart + 1) !== 0x2f || !closes(text, endTagStart + 2, el.name)) {
          endTagStart = text.indexOf('<', lastEnd);
          if (!closes(text, endTagStart + 2, el.name)) {
            const closeName = text.slice(endTagStart + 2, pos - 1).trim();
            stop(fatal(endTagStart, pos, `closing tag </${closeName}> does not match <${el.name}> opened on line ${lineOf(text, el.start)}`));
          }
        }
        textBefore(endTagStart);
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
    closeUnfinished(open, Math.min(text.length, Math.max(lastEnd, attrCursor, doc.problems[0]!.end)));
  }
  return doc;
}

const fatal = (start: number, end: number, message: string, code = 'xml-malformed'): ParseProblem => ({ start, end, message, severity: 'fatal', code });

/**
 * saxes' handler slots. `parser.on()` writes them with a computed key, which
 * turns the parser object into a V8 dictionary-mode object (checked with
 * %HasFastProperties) and made a whole parse about 10x slower; plain named
 * stores keep it a fast object.
 */
interface Handlers {
  openTagStartHandler(tag: SaxesStartTagPlain): void;
  attributeHandler(attribute: SaxesAttributePlain): void;
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
  slots.openTagStartHandler = h.openTagStartHandler;
  slots.attributeHandler = h.attributeHandler;
  slots.openTagHandler = h.openTagHandler;
  slots.closeTagHandler = h.closeTagHandler;
  slots.commentHandler = h.commentHandler;
  slots.cdataHandler = h.cdataHandler;
  slots.piHandler = h.piHandler;
  slots.xmldeclHandler = h.xmldeclHandler;
  slots.doctypeHandler = h.doctypeHandler;
  slots.errorHandler = h.errorHandler;
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
