import type { ParseProblem } from '../../core/problem.js';
import type { Range } from '../../core/range.js';
import { tokenizeCmdline } from './tokenize.js';
import type { Comment, KernelParam } from './types.js';

/** /etc/kernel/cmdline (or /usr/lib/kernel/cmdline): the whole file is one command line. */
export interface KernelCmdlineFile {
  kind: 'kernel-cmdline';
  params: KernelParam[];
  /** Always empty: the file has no comment syntax. Present so every file AST has one. */
  comments: Comment[];
  problems: ParseProblem[];
}

/** A live /proc/cmdline. */
export interface ProcCmdline {
  kind: 'proc-cmdline';
  params: KernelParam[];
  comments: Comment[];
  problems: ParseProblem[];
}

/** One `key value` line of a Boot Loader Specification entry. */
export interface BlsLine extends Range {
  key: string;
  keyStart: number;
  keyEnd: number;
  /** Undefined when the line has a key and nothing else (the boot loader skips it). */
  value: string | undefined;
  valueStart: number;
  valueEnd: number;
  /** The value was wrapped in double quotes, which systemd-boot strips. */
  quoted: boolean;
}

/** A BLS entry (`/boot/loader/entries/*.conf`). */
export interface BlsEntry {
  kind: 'bls-entry';
  lines: BlsLine[];
  /** Parameters of all `options` lines, joined with single spaces in file order, then tokenized. */
  options: KernelParam[];
  comments: Comment[];
  problems: ParseProblem[];
}

/**
 * /etc/kernel/cmdline. kernel-install squeezes all whitespace (newlines included) to single
 * spaces, so tokenizing the file text directly gives the same tokens (the kernel counts
 * newlines as whitespace too). '#' is not a comment: such tokens reach the kernel, so they
 * get a `kernel-cmdline-comment` problem (one per line).
 */
export function parseKernelCmdlineFile(text: string): KernelCmdlineFile {
  const params = tokenizeCmdline(text);
  const problems = quoteProblems(params);
  let flaggedUpTo = -1;
  for (const p of params) {
    if (p.start < flaggedUpTo || p.raw.charCodeAt(0) !== 35) continue;
    let lineEnd = text.indexOf('\n', p.start);
    if (lineEnd < 0) lineEnd = text.length;
    const end = Math.max(lineEnd, p.end);
    problems.push({
      start: p.start,
      end,
      severity: 'warning',
      code: 'kernel-cmdline-comment',
      message: "'#' does not start a comment in this file: the text is passed to the kernel as parameters",
    });
    flaggedUpTo = end;
  }
  return { kind: 'kernel-cmdline', params, comments: [], problems };
}

/** /proc/cmdline as read from a running system (its trailing newline is just whitespace). */
export function parseProcCmdline(text: string): ProcCmdline {
  const params = tokenizeCmdline(text);
  return { kind: 'proc-cmdline', params, comments: [], problems: quoteProblems(params) };
}

const isBlank = (c: number): boolean => c === 32 || c === 9;

/**
 * A BLS entry, read the way systemd-boot reads it: lines end at '\n' or '\r'; leading and
 * trailing spaces/tabs are dropped; a line starting with '#' is a comment; the key runs to
 * the first space or tab and the value is the rest; a value wrapped in '"' loses both quotes.
 * All `options` values are joined with one space and tokenized as one command line; the
 * parameters keep offsets into the file (a token can span two `options` lines when a quote
 * is left open).
 */
export function parseBlsEntry(text: string): BlsEntry {
  const lines: BlsLine[] = [];
  const comments: Comment[] = [];
  const problems: ParseProblem[] = [];
  const n = text.length;
  let joined = '';
  const origins: number[] = [];
  let optionsSpan: Range | undefined;
  let pos = 0;
  while (pos <= n) {
    let lineEnd = pos;
    while (lineEnd < n && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
    let a = pos;
    let b = lineEnd;
    pos = lineEnd + 1;
    while (a < b && isBlank(text.charCodeAt(a))) a++;
    while (b > a && isBlank(text.charCodeAt(b - 1))) b--;
    if (a === b) continue;
    if (text.charCodeAt(a) === 35) {
      comments.push({ start: a, end: b, body: text.slice(a + 1, b) });
      continue;
    }
    let k = a;
    while (k < b && !isBlank(text.charCodeAt(k))) k++;
    const key = text.slice(a, k);
    if (k === b) {
      lines.push({ start: a, end: b, key, keyStart: a, keyEnd: k, value: undefined, valueStart: k, valueEnd: k, quoted: false });
      problems.push({ start: a, end: b, severity: 'warning', code: 'bls-missing-value', message: `'${key}' has no value: the boot loader ignores this line` });
      continue;
    }
    let vs = k;
    while (vs < b && isBlank(text.charCodeAt(vs))) vs++;
    let ve = b;
    const quoted = text.charCodeAt(vs) === 34 && text.charCodeAt(b - 1) === 34;
    if (quoted) {
      vs++;
      ve = Math.max(vs, b - 1);
    }
    const value = text.slice(vs, ve);
    lines.push({ start: a, end: b, key, keyStart: a, keyEnd: k, value, valueStart: vs, valueEnd: ve, quoted });
    if (key !== 'options') continue;
    if (optionsSpan) {
      joined += ' ';
      origins.push(-1);
      optionsSpan.end = ve;
    } else {
      optionsSpan = { start: vs, end: ve };
    }
    joined += value;
    for (let c = vs; c < ve; c++) origins.push(c);
  }
  const options = tokenizeCmdline(joined, origins, optionsSpan);
  problems.push(...quoteProblems(options));
  return { kind: 'bls-entry', lines, options, comments, problems };
}

function quoteProblems(params: readonly KernelParam[]): ParseProblem[] {
  const out: ParseProblem[] = [];
  for (const p of params) {
    if (!p.unclosedQuote) continue;
    out.push({
      start: p.start,
      end: p.end,
      severity: 'error',
      code: 'cmdline-unclosed-quote',
      message: 'unclosed double quote: this parameter swallows the rest of the command line',
    });
  }
  return out;
}
