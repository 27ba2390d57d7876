import type { XmlAttribute, XmlDocument, XmlElement, XmlNode } from './types.js';
import { decodeCharData, referenceValue } from './decode.js';
import { isSpaceUnit, skipSpaces } from './chars.js';

/**
 * The common case, parsed without saxes: a well-formed document in the subset
 * libvirt writes (XML 1.0, ASCII names, no DOCTYPE). Anything outside that
 * subset, and every error, returns undefined, and `parseXml` parses the text
 * again with saxes, which accepts or rejects it and words the problem. So this
 * scanner only needs to be as strict as saxes on what it accepts, never to
 * explain a rejection. The tree it builds is the one the saxes path builds
 * (same nodes, ranges, values and object shapes); a differential test over the
 * corpus and generated documents holds the two together.
 *
 * Why: saxes reads the text one code unit at a time through a state machine
 * and builds strings and objects we then throw away; positions are rebuilt
 * from its events afterwards. Scanning with indexOf and building the tree
 * directly makes the common parse about twice as fast.
 */
/**
 * Real libvirt documents have hundreds of elements (a capabilities file of a large host, a few
 * thousand); each costs about 200 bytes of tree, and saxes takes about 20 µs for each. Past this many, a document is not one to hold:
 * the parse stops with a fatal problem (reported by the saxes path).
 */
export const MAX_XML_ELEMENTS = 50_000;

export function parseXmlFast(text: string): XmlDocument | undefined {
  // Characters XML 1.0 forbids anywhere (lone surrogates are caught before this).
  if (FORBIDDEN.test(text)) return undefined;
  const n = text.length;
  const top: XmlNode[] = [];
  let root: XmlElement | undefined;
  let current: XmlElement | undefined;
  let siblings = top;
  /** End of the last token: the text between it and the next '<' is character data. */
  let pos = 0;
  let elements = 0;

  const decl = XML_DECL.exec(text);
  if (decl) {
    const end = decl[0].length;
    top.push({ type: 'pi', target: 'xml', body: text.slice(skipSpaces(text, 5, end - 2), end - 2), start: 0, end, parent: undefined });
    pos = end;
  } else if (text.startsWith('<?xml') && (isSpaceUnit(text.charCodeAt(5)) || text.charCodeAt(5) === 0x3f)) {
    return undefined;
  }

  for (;;) {
    const lt = text.indexOf('<', pos);
    const gapEnd = lt < 0 ? n : lt;
    if (gapEnd > pos) {
      if (current === undefined) {
        // Outside the root only whitespace may stand, and it is not kept.
        if (skipSpaces(text, pos, gapEnd) !== gapEnd) return undefined;
      } else {
        const data = charData(text, pos, gapEnd);
        if (data === BAD) return undefined;
        siblings.push({ type: 'text', value: data === PLAIN ? text.slice(pos, gapEnd) : decodeCharData(text, pos, gapEnd), start: pos, end: gapEnd, parent: current });
      }
    }
    if (lt < 0) break;
    const c = text.charCodeAt(lt + 1);

    if (isNameStart(c)) {
      // Start tag.
      if (root !== undefined && current === undefined) return undefined; // a second root
      let i = nameEnd(text, lt + 1);
      if (i < 0) return undefined;
      // Past the element limit the saxes path reports it.
      if (++elements > MAX_XML_ELEMENTS) return undefined;
      const el: XmlElement = { type: 'element', name: text.slice(lt + 1, i), start: lt, end: lt, startTagEnd: lt, endTagStart: lt, selfClosing: false, attributes: [], children: [], parent: current };
      // Past a few attributes, names go in a set: a scan of the list for each would be quadratic.
      let names: Set<string> | undefined;
      for (;;) {
        const afterSpace = skipSpaces(text, i, n);
        const d = text.charCodeAt(afterSpace);
        if (d === 0x3e || d === 0x2f) {
          i = afterSpace;
          break;
        }
        // An attribute needs whitespace before it.
        if (afterSpace === i || !isNameStart(d)) return undefined;
        const attr = attribute(text, afterSpace, el.attributes, names);
        if (attr === undefined) return undefined;
        el.attributes.push(attr);
        if (names) names.add(attr.name);
        else if (el.attributes.length === SCAN_ATTRIBUTES) names = new Set(el.attributes.map((a) => a.name));
        i = attr.end;
      }
      siblings.push(el);
      root ??= el;
      if (text.charCodeAt(i) === 0x2f) {
        if (text.charCodeAt(i + 1) !== 0x3e) return undefined;
        el.startTagEnd = el.endTagStart = el.end = pos = i + 2;
        el.selfClosing = true;
      } else {
        el.startTagEnd = el.endTagStart = el.end = pos = i + 1;
        current = el;
        siblings = el.children;
      }
    } else if (c === 0x2f) {
      // End tag: `</name S? >`, closing the open element.
      if (current === undefined) return undefined;
      const name = current.name;
      if (!text.startsWith(name, lt + 2)) return undefined;
      const gt = skipSpaces(text, lt + 2 + name.length, n);
      if (text.charCodeAt(gt) !== 0x3e) return undefined;
      current.endTagStart = lt;
      current.end = pos = gt + 1;
      current = current.parent;
      siblings = current === undefined ? top : current.children;
    } else if (c === 0x21) {
      if (text.startsWith('!--', lt + 1)) {
        // A comment may not hold `--`, so the first `--` must be the one that closes it.
        const close = text.indexOf('--', lt + 4);
        if (close < 0 || text.charCodeAt(close + 2) !== 0x3e) return undefined;
        siblings.push({ type: 'comment', value: text.slice(lt + 4, close), start: lt, end: close + 3, parent: current });
        pos = close + 3;
      } else if (text.startsWith('![CDATA[', lt + 1) && current !== undefined) {
        const close = text.indexOf(']]>', lt + 9);
        if (close < 0) return undefined;
        siblings.push({ type: 'cdata', value: normalizeLineEnds(text.slice(lt + 9, close)), start: lt, end: close + 3, parent: current });
        pos = close + 3;
      } else {
        // A DOCTYPE (entities must be checked) or something malformed: saxes decides.
        return undefined;
      }
    } else if (c === 0x3f) {
      const targetEnd = nameEnd(text, lt + 2);
      if (targetEnd < 0 || !isNameStart(text.charCodeAt(lt + 2))) return undefined;
      const target = text.slice(lt + 2, targetEnd);
      // `xml` in any case is reserved (the declaration is handled above); saxes treats a ':' apart.
      if (target.toLowerCase() === 'xml' || target.includes(':')) return undefined;
      const close = text.indexOf('?>', targetEnd);
      if (close < 0 || (close > targetEnd && !isSpaceUnit(text.charCodeAt(targetEnd)))) return undefined;
      const end = close + 2;
      siblings.push({ type: 'pi', target, body: text.slice(skipSpaces(text, targetEnd, close), close), start: lt, end, parent: current });
      pos = end;
    } else {
      return undefined;
    }
  }
  if (root === undefined || current !== undefined) return undefined;
  return { root, children: top, problems: [] };
}

// C0 controls other than tab, LF and CR, and the two non-characters U+FFFE and U+FFFF.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;

// The declaration exactly as XML 1.0 spells it. Version 1.1 changes the character rules: saxes handles it.
const S = '[ \\t\\r\\n]';
const XML_DECL = new RegExp(
  `^<\\?xml${S}+version${S}*=${S}*(?:"1\\.0"|'1\\.0')` +
    `(?:${S}+encoding${S}*=${S}*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?` +
    `(?:${S}+standalone${S}*=${S}*(?:"(?:yes|no)"|'(?:yes|no)'))?${S}*\\?>`,
);

/** ASCII NameStartChar; anything else sends the document to saxes. */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

/**
 * End of the ASCII name starting at `start`, which must be followed by
 * whitespace, '>', '/', '=' or '?'; -1 for anything else (a non-ASCII name
 * character, say).
 */
function nameEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x3a || c === 0x2d || c === 0x2e) {
      i++;
      continue;
    }
    return c === 0x3e || c === 0x2f || c === 0x3d || c === 0x3f || isSpaceUnit(c) ? i : -1;
  }
}

/** Up to this many attributes, a repeated name is found by scanning them (most elements have one to four). */
const SCAN_ATTRIBUTES = 8;

/** `name S? = S? quote value quote` at `start`, or undefined when it is not that or repeats a name. */
function attribute(text: string, start: number, seen: readonly XmlAttribute[], names: ReadonlySet<string> | undefined): XmlAttribute | undefined {
  const nameStop = nameEnd(text, start);
  if (nameStop < 0) return undefined;
  const name = text.slice(start, nameStop);
  if (names ? names.has(name) : named(seen, name)) return undefined;
  let i = skipSpaces(text, nameStop, text.length);
  if (text.charCodeAt(i) !== 0x3d) return undefined;
  i = skipSpaces(text, i + 1, text.length);
  const q = text.charCodeAt(i);
  if (q !== 0x22 && q !== 0x27) return undefined;
  const valueStart = i + 1;
  const valueEnd = text.indexOf(q === 0x22 ? '"' : "'", valueStart);
  if (valueEnd < 0) return undefined;
  const value = attributeValue(text, valueStart, valueEnd);
  if (value === undefined) return undefined;
  return { name, value, start, end: valueEnd + 1, nameStart: start, nameEnd: nameStop, valueStart, valueEnd, quote: q === 0x22 ? '"' : "'" };
}

/** Whether one of the few attributes read so far has this name (a loop: no closure per attribute). */
function named(seen: readonly XmlAttribute[], name: string): boolean {
  for (let k = 0; k < seen.length; k++) if (seen[k]!.name === name) return true;
  return false;
}

/**
 * An attribute value as XML normalises it: references replaced, each line end
 * (CRLF counts as one) and tab a space; a character reference is not
 * normalised. Undefined when the value holds '<' or a bad reference.
 */
function attributeValue(text: string, start: number, end: number): string | undefined {
  let out = '';
  let from = start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x3c || (c > 0x26 && c < 0x3c) || (c > 0x0d && c < 0x26)) continue;
    if (c === 0x3c) return undefined;
    if (c === 0x26) {
      const ref = reference(text, i, end);
      if (ref === undefined) return undefined;
      out += text.slice(from, i) + ref.value;
      i = ref.end - 1;
      from = ref.end;
    } else if (c === 0x09 || c === 0x0a || c === 0x0d) {
      out += `${text.slice(from, i)} `;
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a && i + 1 < end) i++;
      from = i + 1;
    }
  }
  return from === start ? text.slice(start, end) : out + text.slice(from, end);
}

const BAD = 0;
const PLAIN = 1;
const DECODE = 2;

/**
 * Character data between tokens is fine when each '&' starts a valid reference and `]]>` does not
 * occur: BAD when it is not, PLAIN when it is its own value (no reference, no CR: most runs, which are
 * indentation), DECODE when `decodeCharData` must make the value.
 */
function charData(text: string, start: number, end: number): typeof BAD | typeof PLAIN | typeof DECODE {
  let result: typeof PLAIN | typeof DECODE = PLAIN;
  // A loop over the run rather than indexOf: a search for a character the run lacks would read on to the end of the text.
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x26) {
      const ref = reference(text, i, end);
      if (ref === undefined) return BAD;
      i = ref.end - 1;
      result = DECODE;
    } else if (c === 0x0d) {
      result = DECODE;
    } else if (c === 0x3e && i - 2 >= start && text.charCodeAt(i - 1) === 0x5d && text.charCodeAt(i - 2) === 0x5d) {
      return BAD;
    }
  }
  return result;
}

/** The reference at `amp` (`&name;`, `&#n;`, `&#xh;`), ending before `limit`: its value and end, or undefined. */
function reference(text: string, amp: number, limit: number): { value: string; end: number } | undefined {
  const semi = text.indexOf(';', amp + 1);
  if (semi < 0 || semi >= limit || semi - amp > 12) return undefined;
  const value = referenceValue(text.slice(amp + 1, semi));
  return value === undefined ? undefined : { value, end: semi + 1 };
}

function normalizeLineEnds(s: string): string {
  return s.indexOf('\r') < 0 ? s : s.replace(/\r\n?/g, '\n');
}
