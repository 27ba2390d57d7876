/** Character-level helpers shared by the XML modules. All work on UTF-16 code units. */

/** XML 1.0's Char production. */
export function isXmlChar(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/** XML's S production: space, tab, LF, CR. */
export const isSpaceUnit = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * XML NameStartChar, simplified to ASCII plus "anything non-ASCII". Only used
 * on error paths and in the DOCTYPE scan to recognise a reference; saxes does
 * the real name checks.
 */
export const isNameStartUnit = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;

export const isNameUnit = (c: number): boolean =>
  isNameStartUnit(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;

/** Offset of the first non-S unit at or after `from` (at most `to`). */
export function skipSpaces(text: string, from: number, to = text.length): number {
  let i = from;
  while (i < to && isSpaceUnit(text.charCodeAt(i))) i++;
  return i;
}

/** Start of the character that ends at `end`: steps back over a CRLF pair or a surrogate pair as one. */
export function charStart(text: string, end: number): number {
  if (end <= 0) return 0;
  const last = text.charCodeAt(end - 1);
  if (end >= 2) {
    const prev = text.charCodeAt(end - 2);
    if (last === 0x0a && prev === 0x0d) return end - 2;
    if (last >= 0xdc00 && last <= 0xdfff && prev >= 0xd800 && prev <= 0xdbff) return end - 2;
  }
  return end - 1;
}

/** End of the character starting at `start` (a surrogate pair counts as one). */
export function charEnd(text: string, start: number): number {
  if (start >= text.length) return text.length;
  const c = text.charCodeAt(start);
  if (c >= 0xd800 && c <= 0xdbff && start + 1 < text.length) {
    const d = text.charCodeAt(start + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return start + 2;
  }
  return start + 1;
}

/** 1-based line of `offset`, counting LF, CRLF and lone CR as one line end each (as LineIndex does). */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) line++;
  }
  return line;
}

/** `U+00A0` style name of the code point at `offset`. */
export function codePointName(text: string, offset: number): string {
  const cp = text.codePointAt(offset) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Offset of the first unpaired surrogate, or -1. `isWellFormed` (Node 20) is native and fast. */
export function firstLoneSurrogate(text: string): number {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  if (native !== undefined && native.call(text)) return -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}
