import type { ParseProblem } from '../../core/problem.js';
import { LineIndex } from '../../core/source.js';
import {
  BACKQUOTE, BACKSLASH, COLON, DOLLAR, DQUOTE, HASH, LBRACE, LBRACKET, LPAREN, NL, RBRACE, RPAREN, SQUOTE,
  endsWord, isBlank, isDigit, isNameChar, isNameStart, isSpecialParam,
} from './chars.js';
import type { ParamOp, QuoteSpan, ShellWord, WordPart } from './types.js';

/**
 * Nesting of `${X:-"${Y:-...}"}` handled structurally; deeper input (only ever hostile) is
 * skipped as one dynamic part by the iterative `skipNested`, so the stack cannot overflow.
 */
const MAX_DEPTH = 32;

const PARAM_OPS = '-=+?';

/** Collects the parts of one word, merging adjacent literal characters of the same quotedness. */
class WordBuilder {
  readonly parts: WordPart[] = [];
  readonly quotes: QuoteSpan[] = [];
  /** Bumped for every character or part added: tells whether a quoted segment was empty. */
  emitted = 0;
  #text = '';
  #origins: number[] = [];
  #quoted = false;
  #start = -1;
  #end = -1;

  /** One character; `origin` is where it stands, `rawStart` where its spelling starts (a backslash). */
  char(ch: string, origin: number, quoted: boolean, rawStart = origin): void {
    this.#open(rawStart, quoted);
    this.#text += ch;
    this.#origins.push(origin);
    this.#end = origin + ch.length;
    this.emitted++;
  }

  /** Characters `[a, b)` of `text`, each standing for itself. */
  run(text: string, a: number, b: number, quoted: boolean): void {
    if (a >= b) return;
    this.#open(a, quoted);
    this.#text += text.slice(a, b);
    for (let k = a; k < b; k++) this.#origins.push(k);
    this.#end = b;
    this.emitted++;
  }

  push(part: WordPart): void {
    this.#flush();
    this.parts.push(part);
    this.emitted++;
  }

  finish(start: number, end: number): ShellWord {
    this.#flush();
    return { start, end, parts: this.parts, quotes: this.quotes };
  }

  #open(rawStart: number, quoted: boolean): void {
    if (this.#start >= 0 && quoted !== this.#quoted) this.#flush();
    if (this.#start < 0) {
      this.#start = rawStart;
      this.#quoted = quoted;
    }
  }

  #flush(): void {
    if (this.#start < 0) return;
    this.parts.push({ type: 'literal', start: this.#start, end: this.#end, text: this.#text, origins: this.#origins, quoted: this.#quoted });
    this.#text = '';
    this.#origins = [];
    this.#start = -1;
  }
}

const PAREN_CTX = 0;
const BRACE_CTX = 1;
const DQ_CTX = 2;
const BQ_CTX = 3;

/**
 * The word-level lexer: quoting, escapes, continuations and expansions, per POSIX sh
 * (plus bash's `${X[@]}`, `$'...'`, `$"..."`). It reads words; the statement parser decides
 * what they mean. Problems go to `problems`; nothing throws.
 */
/**
 * Real shell-variable files hold tens of words (grub, dracut.conf) or a few hundred (a long
 * MODULES array); each word costs about a kilobyte of syntax tree. Past this many, a file is not
 * one vfio-lint can hold in bounded memory: the parse stops there with a fatal finding.
 */
export const MAX_SHELL_WORDS = 10_000;

/** Thrown by `readWord` past MAX_SHELL_WORDS; the parser turns it into its fatal finding. */
export class TooManyWords extends Error {
  constructor(readonly at: number) {
    super(`more than ${MAX_SHELL_WORDS} words: a shell-variable file this long is not one vfio-lint can hold (real ones have a few hundred at most); the rest of the file is not read`);
  }
}

export class ShellLexer {
  /** Words read so far (see MAX_SHELL_WORDS). */
  words = 0;
  readonly text: string;
  readonly n: number;
  readonly problems: ParseProblem[] = [];
  #lines: LineIndex | undefined;
  /** Everything after an unterminated construct is swallowed: report only the innermost one. */
  #eofReported = false;

  constructor(text: string) {
    this.text = text;
    this.n = text.length;
  }

  code(i: number): number {
    return this.text.charCodeAt(i);
  }

  /** `line 3, column 7` for messages (built lazily: only files with problems pay for it). */
  where(offset: number): string {
    this.#lines ??= new LineIndex(this.text);
    const p = this.#lines.point(offset);
    return `line ${p.line}, column ${p.column}`;
  }

  problem(start: number, end: number, severity: ParseProblem['severity'], code: string, message: string): void {
    this.problems.push({ start, end, severity, code, message });
  }

  /** A construct opened at `start` runs to the end of the file. */
  unterminated(start: number, code: string, message: string): void {
    if (this.#eofReported) return;
    this.#eofReported = true;
    this.problem(start, this.n, 'error', code, `${message} (opened at ${this.where(start)}); the shell reads on to the end of the file`);
  }

  /** Skip blanks and backslash-newline continuations. */
  skipBlanks(i: number): number {
    for (;;) {
      const c = this.code(i);
      if (isBlank(c)) i++;
      else if (c === BACKSLASH && this.code(i + 1) === NL) i += 2;
      else return i;
    }
  }

  /**
   * Read one word from `pos`. `command` mode stops at blanks, newlines and operator characters;
   * `brace` mode (the `word` of `${X:-word}`) stops only at an unquoted '}'. `quoted`: the word
   * sits inside double quotes (so single quotes are literal and backslash escapes less).
   */
  readWord(pos: number, mode: 'command' | 'brace', quoted: boolean, depth: number): ShellWord {
    if (++this.words > MAX_SHELL_WORDS) throw new TooManyWords(pos);
    const wb = new WordBuilder();
    const text = this.text;
    let i = pos;
    while (i < this.n) {
      const c = this.code(i);
      if (mode === 'command' ? endsWord(c) : c === RBRACE) break;
      if (c === BACKSLASH) {
        i = this.#backslash(i, wb, quoted, mode === 'brace');
      } else if (c === SQUOTE && !quoted) {
        i = this.#single(i, wb);
      } else if (c === DQUOTE) {
        i = this.#double(i, wb, depth);
      } else if (c === DOLLAR) {
        i = this.#dollar(i, wb, quoted, depth);
      } else if (c === BACKQUOTE) {
        i = this.#backquote(i, wb, quoted);
      } else {
        wb.char(text[i]!, i, quoted);
        i++;
      }
    }
    return wb.finish(pos, i);
  }

  #backslash(i: number, wb: WordBuilder, quoted: boolean, inBrace: boolean): number {
    const d = this.code(i + 1);
    if (d === NL) return i + 2; // continuation: both characters vanish
    if (i + 1 >= this.n) {
      this.problem(i, i + 1, 'warning', 'shell-trailing-backslash', 'backslash at the end of the file has nothing to escape');
      wb.char('\\', i, quoted);
      return i + 1;
    }
    // Inside double quotes only \$ \` \" \\ (and \} inside ${...}) are escapes; otherwise the backslash stays.
    if (quoted && !(d === DOLLAR || d === BACKQUOTE || d === DQUOTE || d === BACKSLASH || (inBrace && d === RBRACE))) {
      wb.char('\\', i, true);
      return i + 1;
    }
    wb.char(this.text[i + 1]!, i + 1, quoted, i);
    return i + 2;
  }

  #single(open: number, wb: WordBuilder): number {
    const close = this.text.indexOf("'", open + 1);
    const end = close < 0 ? this.n : close;
    const before = wb.emitted;
    wb.run(this.text, open + 1, end, true);
    if (wb.emitted === before) wb.push({ type: 'empty-quotes', start: open, end: close < 0 ? end : close + 1 });
    wb.quotes.push({ char: "'", open, close });
    if (close < 0) {
      this.unterminated(open, 'shell-unterminated-quote', 'unterminated single quote: the \' is never closed');
      return this.n;
    }
    return close + 1;
  }

  #double(open: number, wb: WordBuilder, depth: number): number {
    const text = this.text;
    const before = wb.emitted;
    let i = open + 1;
    let close = -1;
    while (i < this.n) {
      const c = this.code(i);
      if (c === DQUOTE) {
        close = i;
        break;
      }
      if (c === BACKSLASH) i = this.#backslash(i, wb, true, false);
      else if (c === DOLLAR) i = this.#dollar(i, wb, true, depth);
      else if (c === BACKQUOTE) i = this.#backquote(i, wb, true);
      else {
        // Copy a run of plain characters at once.
        let j = i + 1;
        while (j < this.n) {
          const d = this.code(j);
          if (d === DQUOTE || d === BACKSLASH || d === DOLLAR || d === BACKQUOTE) break;
          j++;
        }
        wb.run(text, i, j, true);
        i = j;
      }
    }
    if (wb.emitted === before) wb.push({ type: 'empty-quotes', start: open, end: close < 0 ? this.n : close + 1 });
    wb.quotes.push({ char: '"', open, close });
    if (close < 0) {
      this.unterminated(open, 'shell-unterminated-quote', 'unterminated double quote: the " is never closed');
      return this.n;
    }
    return close + 1;
  }

  #dollar(i: number, wb: WordBuilder, quoted: boolean, depth: number): number {
    const d = this.code(i + 1);
    if (d === LPAREN) {
      const arith = this.code(i + 2) === LPAREN;
      let end = this.skipNested(i + 2, 'paren');
      if (end < 0) {
        this.unterminated(i, 'shell-unterminated-substitution', arith ? 'unterminated $(( arithmetic expansion' : 'unterminated $( command substitution');
        end = this.n;
      }
      wb.push({ type: 'dynamic', kind: arith ? 'arithmetic' : 'command', start: i, end, quoted });
      return end;
    }
    if (d === LBRACE) return this.#brace(i, wb, quoted, depth);
    if (isNameStart(d)) {
      let j = i + 2;
      while (isNameChar(this.code(j))) j++;
      wb.push({ type: 'param', start: i, end: j, name: this.text.slice(i + 1, j), index: undefined, op: undefined, arg: undefined, quoted });
      return j;
    }
    if (isSpecialParam(d)) {
      wb.push({ type: 'dynamic', kind: 'special', start: i, end: i + 2, quoted });
      return i + 2;
    }
    if (!quoted && d === SQUOTE) {
      // bash's $'...': escapes we do not decode; the value is marked dynamic.
      let j = i + 2;
      while (j < this.n && this.code(j) !== SQUOTE) j += this.code(j) === BACKSLASH ? 2 : 1;
      let end = j + 1;
      if (j >= this.n) {
        this.unterminated(i, 'shell-unterminated-quote', "unterminated $' quote: the ' is never closed");
        end = this.n;
      }
      wb.push({ type: 'dynamic', kind: 'ansi-c', start: i, end, quoted });
      return end;
    }
    // $"..." (bash locale translation, a no-op without catalogs): the '$' vanishes.
    if (!quoted && d === DQUOTE) return i + 1;
    wb.char('$', i, quoted);
    return i + 1;
  }

  #brace(i: number, wb: WordBuilder, quoted: boolean, depth: number): number {
    const dynamic = (): number => {
      let end = this.skipNested(i + 2, 'brace');
      if (end < 0) {
        this.unterminated(i, 'shell-unterminated-substitution', 'unterminated ${ parameter expansion');
        end = this.n;
      }
      wb.push({ type: 'dynamic', kind: 'expansion', start: i, end, quoted });
      return end;
    };
    const p = i + 2;
    if (depth >= MAX_DEPTH || !isNameStart(this.code(p))) return dynamic(); // ${#X}, ${1}, ${@} ...
    let q = p + 1;
    while (isNameChar(this.code(q))) q++;
    const name = this.text.slice(p, q);
    let index: string | undefined;
    if (this.code(q) === LBRACKET) {
      const r = this.text.indexOf(']', q + 1);
      if (r < 0) return dynamic();
      index = this.text.slice(q + 1, r);
      if (!(index === '@' || index === '*' || isDecimal(index))) return dynamic();
      if (index !== '@' && index !== '*') index = String(Number(index));
      q = r + 1;
    }
    const c = this.code(q);
    if (c === RBRACE) {
      wb.push({ type: 'param', start: i, end: q + 1, name, index, op: undefined, arg: undefined, quoted });
      return q + 1;
    }
    let op: ParamOp;
    if (c === COLON && PARAM_OPS.includes(this.text[q + 1] ?? '')) {
      op = (':' + this.text[q + 1]) as ParamOp;
      q += 2;
    } else if (PARAM_OPS.includes(this.text[q] ?? '\0')) {
      op = this.text[q] as ParamOp;
      q += 1;
    } else {
      return dynamic(); // ${X#pat}, ${X/a/b}, ${X:1:2}, ${X^^} ...: bash string operations
    }
    const arg = this.readWord(q, 'brace', quoted, depth + 1);
    let end = arg.end + 1;
    if (this.code(arg.end) !== RBRACE) {
      this.unterminated(i, 'shell-unterminated-substitution', 'unterminated ${ parameter expansion');
      end = this.n;
    }
    wb.push({ type: 'param', start: i, end, name, index, op, arg, quoted });
    return end;
  }

  #backquote(i: number, wb: WordBuilder, quoted: boolean): number {
    // POSIX: the first backquote not escaped by a backslash closes it.
    let j = i + 1;
    while (j < this.n && this.code(j) !== BACKQUOTE) j += this.code(j) === BACKSLASH ? 2 : 1;
    let end = j + 1;
    if (j >= this.n) {
      this.unterminated(i, 'shell-unterminated-substitution', 'unterminated ` command substitution: the backquote is never closed');
      end = this.n;
    }
    wb.push({ type: 'dynamic', kind: 'backquote', start: i, end, quoted });
    return end;
  }

  /**
   * Find the end of a `$(...)` (`first` = paren) or `${...}` (brace) body that starts at `pos`,
   * just after the opener; nested substitutions, quotes, escapes and comments are honoured.
   * Returns the offset after the closer, or -1 when the file ends first. Iterative, so any
   * nesting depth is safe.
   */
  skipNested(pos: number, first: 'paren' | 'brace'): number {
    const text = this.text;
    const stack: number[] = [first === 'paren' ? PAREN_CTX : BRACE_CTX];
    let i = pos;
    while (i < this.n) {
      const top = stack[stack.length - 1]!;
      const c = this.code(i);
      if (top === BQ_CTX) {
        if (c === BACKSLASH) i += 2;
        else {
          if (c === BACKQUOTE) stack.pop();
          i++;
        }
        continue;
      }
      if (c === BACKSLASH) {
        i += 2;
        continue;
      }
      if (c === DOLLAR && (this.code(i + 1) === LPAREN || this.code(i + 1) === LBRACE)) {
        stack.push(this.code(i + 1) === LPAREN ? PAREN_CTX : BRACE_CTX);
        i += 2;
        continue;
      }
      if (c === BACKQUOTE) {
        stack.push(BQ_CTX);
        i++;
        continue;
      }
      if (top === DQ_CTX) {
        if (c === DQUOTE) stack.pop();
        i++;
        continue;
      }
      // Code context: inside $( ) or ${ }.
      if (c === DQUOTE) {
        stack.push(DQ_CTX);
        i++;
      } else if (c === SQUOTE) {
        const close = text.indexOf("'", i + 1);
        if (close < 0) return -1;
        i = close + 1;
      } else if (top === PAREN_CTX && c === LPAREN) {
        stack.push(PAREN_CTX);
        i++;
      } else if ((top === PAREN_CTX && c === RPAREN) || (top === BRACE_CTX && c === RBRACE)) {
        stack.pop();
        i++;
        if (stack.length === 0) return i;
      } else if (top === PAREN_CTX && c === HASH && (i === pos || endsWord(this.code(i - 1)))) {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? this.n : nl;
      } else {
        i++;
      }
    }
    return -1;
  }
}

function isDecimal(s: string): boolean {
  if (s.length === 0 || s.length > 9) return false;
  for (let k = 0; k < s.length; k++) if (!isDigit(s.charCodeAt(k))) return false;
  return true;
}

/** The characters of a word with quotes removed and expansions left as written (heredoc delimiters, command names). */
export function literalText(word: ShellWord, text: string): string {
  let s = '';
  for (const p of word.parts) s += p.type === 'literal' ? p.text : p.type === 'empty-quotes' ? '' : text.slice(p.start, p.end);
  return s;
}

/** The word is plain literal text (no expansion), so its meaning is known statically. */
export function isStaticWord(word: ShellWord): boolean {
  return word.parts.every((p) => p.type === 'literal' || p.type === 'empty-quotes');
}

