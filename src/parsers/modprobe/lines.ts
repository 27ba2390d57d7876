import type { Token } from '../cmdline/types.js';

/**
 * One logical line as kmod's `freadline_wrapped()` builds it: backslash-newline is removed
 * (lines joined with no space), backslash-other yields the other character, a backslash at
 * end of file is dropped. `text` is the result; `origin(i)` is the file offset of `text[i]`.
 */
export class LogicalLine {
  /** File offsets of the physical span: first character, and the end before the final newline. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Per-character file offsets; null when the line had no backslash (offset = start + i). */
  readonly #origins: Int32Array | null;

  constructor(start: number, end: number, text: string, origins: Int32Array | null) {
    this.start = start;
    this.end = end;
    this.text = text;
    this.#origins = origins;
  }

  /** True when `text` is a verbatim copy of the physical span (no backslash was processed). */
  get plain(): boolean {
    return this.#origins === null;
  }

  origin(i: number): number {
    return this.#origins ? this.#origins[i]! : this.start + i;
  }

  /** All origins, for handing to the command-line tokenizer. */
  origins(): ArrayLike<number> {
    if (this.#origins) return this.#origins;
    const o = new Int32Array(this.text.length);
    for (let i = 0; i < o.length; i++) o[i] = this.start + i;
    return o;
  }

  /** The token for `text[a, b)` with file offsets; an empty slice sits at the origin of `a` (or the line end). */
  token(a: number, b: number): Token {
    const text = this.text.slice(a, b);
    if (b <= a) {
      const at = a < this.text.length ? this.origin(a) : this.end;
      return { text, start: at, end: at, verbatim: true };
    }
    const start = this.origin(a);
    const end = this.origin(b - 1) + 1;
    return { text, start, end, verbatim: end - start === b - a };
  }
}

/** Split a modprobe.d file into logical lines. Linear; only lines with a backslash pay for an origin table. */
export function logicalLines(src: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const n = src.length;
  let pos = 0;
  // Next backslash at or after `pos`, or `n`: kept monotonic so the whole scan stays linear.
  // (A sentinel instead of -1 also keeps V8's optimized code fast here, measured.)
  let bs = nextIndex(src, '\\', 0);
  while (pos < n) {
    const start = pos;
    let nl = src.indexOf('\n', pos);
    if (nl < 0) nl = n;
    if (bs < pos) bs = nextIndex(src, '\\', pos);
    if (bs > nl) {
      // The common case: a plain physical line.
      out.push(new LogicalLine(start, nl, src.slice(start, nl), null));
      pos = nl + 1;
      continue;
    }
    let text = '';
    const origins: number[] = [];
    let i = pos;
    for (; i < n; i++) {
      const c = src.charCodeAt(i);
      if (c === 10) break;
      if (c === 92) {
        if (i + 1 >= n) continue; // trailing backslash at EOF: dropped
        if (src.charCodeAt(i + 1) === 10) { i++; continue; }
        i++;
      }
      text += src[i];
      origins.push(i);
    }
    out.push(new LogicalLine(start, i, text, Int32Array.from(origins)));
    pos = i + 1;
  }
  return out;
}

function nextIndex(src: string, ch: string, from: number): number {
  const i = src.indexOf(ch, from);
  return i < 0 ? src.length : i;
}
