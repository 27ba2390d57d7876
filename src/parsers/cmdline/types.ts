import type { Range } from '../../core/range.js';

/**
 * One kernel command-line token, split the way the kernel's `next_arg()` splits it.
 *
 * Offsets are file offsets. When the tokenized text is a copy of the file (no origins
 * given), `text.slice(start, end) === raw`. When it went through an evaluator (a shell
 * value, joined BLS `options` lines, kmod's line joining), `raw` is what the kernel
 * receives and the offsets are mapped back through the origins; `verbatim` tells whether
 * the file span still reads exactly `raw`.
 */
export interface KernelParam extends Range {
  /** The whole token as the kernel receives it, quotes included. */
  raw: string;
  /** Parameter name as written (after the kernel drops a leading quote). */
  name: string;
  /** `name` with every '-' turned into '_': what the kernel compares (parameq). */
  key: string;
  /** The value with the quotes the kernel strips removed; undefined for the flag form (no '='). */
  value: string | undefined;
  nameStart: number;
  nameEnd: number;
  /** Value span without stripped quotes. For a flag both equal `nameEnd` (where `=...` would go). */
  valueStart: number;
  valueEnd: number;
  /** True for the first bare `--` and every token after it: those go to init, not the kernel. */
  afterDashDash: boolean;
  /** The kernel stripped a quote: the token began with '"', or its value did. */
  quoted: boolean;
  /** A double quote was still open at the end of the text: the token swallowed everything after it. */
  unclosedQuote: boolean;
  /** The file span `[start, end)` is exactly `raw` (false when mapped through an evaluation). */
  verbatim: boolean;
}

/** A comment; `body` is the text after the comment marker. */
export interface Comment extends Range {
  body: string;
}

/** A word of a line-oriented file. `text` is what the consuming program sees. */
export interface Token extends Range {
  text: string;
  /** `text.slice(start, end)` of the file equals `text` (false when a continuation or escape sits inside). */
  verbatim: boolean;
}

/** One item of a comma list inside a parameter value. */
export interface ListItem extends Range {
  text: string;
}
