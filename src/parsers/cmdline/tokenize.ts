import type { Range } from '../../core/range.js';
import { paramKey } from './names.js';
import type { KernelParam } from './types.js';

const QUOTE = 34; // '"'
const EQUALS = 61; // '='

/**
 * The kernel's isspace() for ASCII: space, \t, \n, \v, \f, \r. (Its ctype table also counts
 * byte 0xA0, which in UTF-8 text is a continuation byte; we do not split characters.)
 */
export function isKernelSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Split a kernel command line into parameters with `next_arg()` semantics (lib/cmdline.c):
 * whitespace separates tokens unless inside double quotes; every '"' toggles the quote state;
 * there is no backslash escaping; the first '=' splits name and value (an '=' as the very
 * first character does not count, a quirk of the kernel's `equals == 0` test); a value that
 * starts with '"' loses that quote and the token's last '"'; a token that starts with '"'
 * loses that quote and its last '"'. The first bare `--` ends the kernel's parameters.
 *
 * `origins[i]` is the file offset of `text[i]`, or -1 if it has none (e.g. a character
 * produced by joining). Token ranges are mapped through it; when either end has no origin,
 * or the ends are out of order, the token gets `fallback` (default: an empty range at 0).
 * Without origins, offsets index `text` itself plus `base`.
 */
export function tokenizeCmdline(text: string, origins?: ArrayLike<number>, fallback?: Range, base = 0): KernelParam[] {
  const out: KernelParam[] = [];
  const n = text.length;
  let seenDashDash = false;
  let i = skipSpaces(text, 0);
  while (i < n) {
    const tokStart = i;
    const quoted = text.charCodeAt(i) === QUOTE;
    const argStart = quoted ? i + 1 : i;
    let inQuote = quoted;
    let equals = 0; // offset from argStart; 0 means "none", exactly like the kernel
    let j = argStart;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      if (!inQuote && isKernelSpace(c)) break;
      if (equals === 0 && c === EQUALS) equals = j - argStart;
      if (c === QUOTE) inQuote = !inQuote;
    }
    const tokEnd = j;
    const len = tokEnd - argStart;
    const lastIsQuote = len > 0 && text.charCodeAt(tokEnd - 1) === QUOTE;

    let nameEnd: number;
    let valueStart: number;
    let valueEnd: number;
    let value: string | undefined;
    let stripped = false;
    let valueQuoted = false;
    if (equals === 0) {
      if (quoted && lastIsQuote) stripped = true;
      nameEnd = stripped ? tokEnd - 1 : tokEnd;
      valueStart = valueEnd = nameEnd;
    } else {
      nameEnd = argStart + equals;
      valueStart = nameEnd + 1;
      if (valueStart < tokEnd && text.charCodeAt(valueStart) === QUOTE) {
        valueQuoted = true;
        valueStart++;
        if (lastIsQuote) stripped = true;
      }
      // A quoted token's closing quote goes too (the same character when both apply).
      if (quoted && lastIsQuote) stripped = true;
      valueEnd = Math.max(valueStart, stripped ? tokEnd - 1 : tokEnd);
      value = text.slice(valueStart, valueEnd);
    }
    const name = text.slice(argStart, nameEnd);
    let afterDashDash = seenDashDash;
    if (!seenDashDash && value === undefined && name === '--') {
      seenDashDash = true;
      afterDashDash = true;
    }
    const param: KernelParam = {
      raw: text.slice(tokStart, tokEnd),
      name,
      key: paramKey(name),
      value,
      start: tokStart + base,
      end: tokEnd + base,
      nameStart: argStart + base,
      nameEnd: nameEnd + base,
      valueStart: valueStart + base,
      valueEnd: valueEnd + base,
      afterDashDash,
      quoted: quoted || valueQuoted,
      unclosedQuote: inQuote,
      verbatim: true,
    };
    if (origins) mapThrough(param, tokStart, tokEnd, argStart, nameEnd, valueStart, valueEnd, origins, fallback ?? { start: 0, end: 0 });
    out.push(param);
    i = skipSpaces(text, tokEnd);
  }
  return out;
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && isKernelSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Map a token's text offsets to file offsets. Inner offsets are clamped so they stay ordered and nested. */
function mapThrough(
  p: KernelParam,
  tokStart: number,
  tokEnd: number,
  nameStart: number,
  nameEnd: number,
  valueStart: number,
  valueEnd: number,
  origins: ArrayLike<number>,
  fallback: Range,
): void {
  const first = origin(origins, tokStart);
  const last = origin(origins, tokEnd - 1);
  let contiguous = first >= 0;
  for (let k = tokStart + 1; contiguous && k < tokEnd; k++) if (origin(origins, k) !== first + (k - tokStart)) contiguous = false;
  p.verbatim = contiguous;
  if (first < 0 || last < 0 || first > last) {
    p.start = p.nameStart = p.nameEnd = p.valueStart = p.valueEnd = fallback.start;
    p.end = Math.max(fallback.start, fallback.end);
    return;
  }
  const start = first;
  const end = last + 1;
  const startOf = (k: number): number => (k < tokEnd ? origin(origins, k) : end);
  const endOf = (k: number): number => (k > tokStart ? origin(origins, k - 1) + 1 : start);
  const clamp = (v: number, lo: number): number => (v < lo || v < 0 ? lo : v > end ? end : v);
  p.start = start;
  p.end = end;
  p.nameStart = clamp(startOf(nameStart), start);
  p.nameEnd = clamp(nameEnd > nameStart ? endOf(nameEnd) : p.nameStart, p.nameStart);
  if (p.value === undefined) {
    p.valueStart = p.valueEnd = p.nameEnd;
  } else {
    p.valueStart = clamp(startOf(valueStart), p.nameEnd);
    p.valueEnd = clamp(valueEnd > valueStart ? endOf(valueEnd) : p.valueStart, p.valueStart);
  }
}

function origin(origins: ArrayLike<number>, k: number): number {
  const v = origins[k];
  return v === undefined ? -1 : v;
}
