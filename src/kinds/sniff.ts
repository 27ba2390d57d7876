import type { Sniff } from './types.js';

/** A content-only classification is taken without asking when the sniffer is at least this sure. */
export const ACCEPT_CONFIDENCE = 0.75;
/** A path that only half says what a file is (`default/grub`, a top-level `cmdline`) is taken when the content agrees this much. */
export const CONFIRM_CONFIDENCE = 0.5;
/** A file the user named, whose path says nothing, is taken on content this sure (a list of words, capped at 0.5, is not enough). */
export const NAMED_CONFIDENCE = 0.6;

/** The lines that carry meaning: not blank, not a `#` comment. */
export function meaningfulLines(text: string, comment: RegExp = /^\s*#/): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || comment.test(line)) continue;
    out.push(line);
  }
  return out;
}

/**
 * A line-format sniffer: the share of meaningful lines that fit the format is the
 * confidence, and at least one line must carry a signal only this format has.
 * `cap` bounds the confidence of a format whose lines look like many others
 * (a list of bare words).
 */
export function sniffLines(text: string, spec: { fits: (line: string) => boolean; strong: (line: string) => boolean; what: string; cap?: number; comment?: RegExp }): Sniff | undefined {
  const lines = meaningfulLines(text, spec.comment);
  if (lines.length === 0) return undefined;
  let fitting = 0;
  let strong = 0;
  for (const line of lines) {
    if (spec.fits(line)) fitting++;
    if (spec.strong(line)) strong++;
  }
  if (strong === 0) return undefined;
  const confidence = Math.min(spec.cap ?? 1, fitting / lines.length);
  return { confidence, why: `${fitting} of ${lines.length} lines are ${spec.what}` };
}

/**
 * The logical lines of a shell-variable file: a backslash-newline joins lines, and
 * an open `(` or quote carries on to the line that closes it. Rough on purpose:
 * it only has to tell assignments from other text.
 */
export function shellStatements(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = pending === '' ? raw : `${pending}\n${raw}`;
    if (line.endsWith('\\') || unbalanced(line)) {
      pending = line.endsWith('\\') ? line.slice(0, -1) : line;
      continue;
    }
    pending = '';
    out.push(line);
  }
  if (pending !== '') out.push(pending);
  return out;
}

function unbalanced(s: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) {
      // A comment runs to the end of its line.
      const nl = s.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
  }
  return quote !== undefined || depth > 0;
}

/** A shell-variable sniffer: statements are assignments, and `strong` names the variables only this format has. */
export function sniffShellVars(text: string, strong: RegExp, what: string): Sniff | undefined {
  const statements = shellStatements(text).filter((s) => s.trim() !== '' && !/^\s*#/.test(s));
  if (statements.length === 0) return undefined;
  let fitting = 0;
  let signal = 0;
  for (const s of statements) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(s);
    if (!m) continue;
    fitting++;
    if (strong.test(m[1]!)) signal++;
  }
  if (signal === 0) return undefined;
  return { confidence: fitting / statements.length, why: `${fitting} of ${statements.length} statements are shell assignments, ${signal} of them ${what}` };
}
