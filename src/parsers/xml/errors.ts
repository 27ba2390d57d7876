import type { ParseProblem } from '../../core/problem.js';
import type { XmlElement } from './types.js';
import { charEnd, charStart, codePointName, isNameStartUnit, isNameUnit, lineOf, skipSpaces } from './chars.js';

/** What the builder knew when saxes reported its first error. */
export interface ErrorContext {
  text: string;
  /** saxes' message with its `line:column: ` prefix removed. */
  message: string;
  /** `parser.position` at the failure: just after the character saxes was looking at. */
  pos: number;
  /** End of the last complete token; everything before it was fine. */
  lastEnd: number;
  /** Open elements, innermost last. */
  open: readonly XmlElement[];
  /** The failure came from saxes' end-of-input checks. */
  atEnd: boolean;
  /** The root element has been closed. */
  rootClosed: boolean;
}

const fatal = (start: number, end: number, message: string, code = 'xml-malformed'): ParseProblem => ({ start, end, message, severity: 'fatal', code });

/** saxes prefixes `line:column: ` (and a file name, which we never pass). */
export function stripPosition(message: string): string {
  let i = 0;
  while (i < message.length && message.charCodeAt(i) >= 0x30 && message.charCodeAt(i) <= 0x39) i++;
  if (i === 0 || message[i] !== ':') return message;
  let j = i + 1;
  while (j < message.length && message.charCodeAt(j) >= 0x30 && message.charCodeAt(j) <= 0x39) j++;
  return j > i + 1 && message.startsWith(': ', j) ? message.slice(j + 2) : message;
}

/**
 * Turn saxes' first error into one problem with a precise range and a clear
 * message. This runs once per malformed file, so it may rescan a little.
 */
export function describeError(ctx: ErrorContext): ParseProblem {
  const { text, message, lastEnd, open } = ctx;
  const n = text.length;
  const pos = Math.max(0, Math.min(ctx.pos, n));

  // saxes reads an entity name up to the next ';', wherever that is, so a bare '&'
  // surfaces much later (often as an unclosed tag at the end). Find it first.
  const amp = findBareAmpersand(text, lastEnd, ctx.atEnd ? n : pos);
  if (amp >= 0) return fatal(amp, amp + 1, "'&' must start an entity or character reference; write &amp; for a literal '&'");

  const innermost = open.length > 0 ? open[open.length - 1] : undefined;
  const cs = charStart(text, pos);

  if (message.startsWith('undefined entity')) {
    const a = entityStart(text, pos, lastEnd);
    const ref = text.slice(a, pos);
    return fatal(a, pos, `undefined entity ${ref}: only &amp; &lt; &gt; &quot; &apos; and character references are allowed (entity declarations are not supported)`, 'xml-entity');
  }
  if (message.startsWith('malformed character entity')) {
    const a = entityStart(text, pos, lastEnd);
    return fatal(a, pos, `${text.slice(a, pos)} is not a valid character reference`);
  }
  if (message.startsWith('disallowed character in entity name') || message.startsWith('empty entity name')) {
    const a = entityStart(text, pos, lastEnd);
    return fatal(a, a + 1, "'&' must start an entity or character reference; write &amp; for a literal '&'");
  }
  if (message.startsWith('duplicate attribute: ') && innermost) {
    const name = message.slice('duplicate attribute: '.length).replace(/\.$/, '');
    const dups = innermost.attributes.filter((a) => a.name === name);
    const second = dups[1];
    if (second) return fatal(second.start, second.end, `duplicate attribute '${name}' on <${innermost.name}>`);
  }
  if (message.startsWith('malformed comment')) {
    if (text.startsWith('--', cs - 2)) return fatal(cs - 2, cs, "'--' is not allowed inside a comment (comments cannot be nested)");
  }
  if (message.startsWith('text data outside of root node')) {
    const f = skipSpaces(text, lastEnd, n);
    const what = ctx.rootClosed ? 'after' : 'before';
    return fatal(f, charEnd(text, f), `text ${what} the root element: a document holds exactly one element and no other text`);
  }
  if (message.startsWith('unmatched closing tag: ')) {
    const lt = text.lastIndexOf('</', pos - 1);
    const at = lt >= lastEnd ? lt : cs;
    const name = message.slice('unmatched closing tag: '.length).replace(/\.$/, '');
    return fatal(at, pos, `closing tag </${name}> has no matching start tag`);
  }
  if (message.startsWith('disallowed character in tag name')) {
    // saxes looked at the character after a '<'.
    const lt = cs - 1;
    if (lt >= 0 && text.charCodeAt(lt) === 0x3c) return fatal(lt, lt + 1, "'<' must start a tag; write &lt; for a literal '<'");
  }
  if (message === 'disallowed character.' && !ctx.atEnd) {
    if (text.charCodeAt(cs) === 0x3c) return fatal(cs, pos, "'<' is not allowed in an attribute value; write &lt;");
    return fatal(cs, pos, `character ${codePointName(text, cs)} is not allowed in XML`);
  }
  if (ctx.atEnd) return describeEnd(ctx);
  // Otherwise point at the character saxes was looking at.
  if (message.startsWith('unquoted attribute value')) return fatal(cs, pos, 'attribute values must be quoted');
  if (message.startsWith('attribute without value')) return fatal(cs, pos, 'attribute without a value (write name="value")');
  if (message.startsWith('no whitespace between attributes')) return fatal(cs, pos, 'attributes must be separated by whitespace');
  return fatal(cs, pos, tidy(message));
}

/** Errors saxes raises when the input runs out. */
function describeEnd(ctx: ErrorContext): ParseProblem {
  const { text, message, lastEnd, open } = ctx;
  const n = text.length;
  if (message.startsWith('document must contain a root element')) return fatal(n, n, 'no root element', 'xml-no-root');
  // Input that stops inside markup: name the markup rather than the elements around it.
  const lt = text.indexOf('<', lastEnd);
  if (lt >= 0) return fatal(n, n, `the file ends inside ${markupKind(text, lt)} that starts on line ${lineOf(text, lt)}`);
  const innermost = open.length > 0 ? open[open.length - 1] : undefined;
  if (innermost) return fatal(n, n, `the file ends before <${innermost.name}> (line ${lineOf(text, innermost.start)}) is closed`);
  return fatal(n, n, tidy(message));
}

function markupKind(text: string, lt: number): string {
  if (text.startsWith('<!--', lt)) return 'a comment';
  if (text.startsWith('<![CDATA[', lt)) return 'a CDATA section';
  if (text.startsWith('<!DOCTYPE', lt)) return 'the DOCTYPE';
  if (text.startsWith('<?', lt)) return 'a processing instruction';
  if (text.startsWith('</', lt)) return 'a closing tag';
  return 'a start tag';
}

/** The '&' that opens the reference ending at `end`. */
function entityStart(text: string, end: number, floor: number): number {
  const a = text.lastIndexOf('&', end - 1);
  return a >= floor ? a : Math.max(0, end - 1);
}

/**
 * The first '&' in text or attribute values within `[from, to)` that does not
 * begin a syntactically valid reference (`&name;`, `&#123;`, `&#x1F;`), or -1.
 * Comments, PIs, CDATA and DOCTYPE contents are not scanned: '&' is literal there.
 */
function findBareAmpersand(text: string, from: number, to: number): number {
  let limit = to;
  const lt = text.indexOf('<', from);
  if (lt >= 0 && lt < to) {
    const next = text.charCodeAt(lt + 1);
    // Only a start tag (attribute values) may hold references after its '<'.
    if (next === 0x21 /* ! */ || next === 0x3f /* ? */ || next === 0x2f /* / */) limit = lt;
  }
  let i = text.indexOf('&', from);
  while (i >= 0 && i < limit) {
    if (!isReference(text, i)) return i;
    i = text.indexOf('&', i + 1);
  }
  return -1;
}

function isReference(text: string, amp: number): boolean {
  let i = amp + 1;
  if (text.charCodeAt(i) === 0x23 /* # */) {
    i++;
    const hex = text.charCodeAt(i) === 0x78; /* x */
    if (hex) i++;
    const digitsStart = i;
    for (;;) {
      const c = text.charCodeAt(i);
      const ok = (c >= 0x30 && c <= 0x39) || (hex && ((c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)));
      if (!ok) break;
      i++;
    }
    return i > digitsStart && text.charCodeAt(i) === 0x3b;
  }
  if (!isNameStartUnit(text.charCodeAt(i))) return false;
  i++;
  while (isNameUnit(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === 0x3b;
}

/** saxes' messages end with a period and are otherwise fine as one-liners. */
function tidy(message: string): string {
  return message.endsWith('.') ? message.slice(0, -1) : message;
}
