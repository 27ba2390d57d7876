import type { ParseProblem } from '../../core/problem.js';
import {
  AMP, CR, EQUALS, GT, HASH, LPAREN, LT, NL, PIPE, PLUS, RPAREN, SEMI, endsWord, isDigit, isNameChar, isNameStart,
} from './chars.js';
import { evaluateInPlace } from './evaluate.js';
import { ShellLexer, TooManyWords, isStaticWord, literalText } from './words.js';
import type { ParsedShellFile, ShellAssignment, ShellComment, ShellStatement, ShellWord } from './types.js';

const KEYWORDS = new Set(['if', 'then', 'elif', 'else', 'fi', 'for', 'select', 'while', 'until', 'do', 'done', 'case', 'esac', '{', '}', '!', 'function']);
const CLOSERS: Record<string, string> = { if: 'fi', while: 'done', until: 'done', for: 'done', select: 'done', '{': '}', '(': ')' };

interface Block {
  opener: string;
  close: string;
  start: number;
}

interface Heredoc {
  delimiter: string;
  stripTabs: boolean;
  start: number;
}

const EMPTY_VALUE = { text: '', origins: [], dynamic: false, unresolved: [] };

/**
 * Parse a file of shell variable assignments (POSIX sh plus the bash arrays and `+=` that
 * mkinitcpio.conf and dracut.conf use). Assignments are evaluated with the file's own earlier
 * assignments; `evaluateShellVars` evaluates several files together. Never throws.
 */
export function parseShellVars(text: string): ParsedShellFile {
  if (text.length > MAX_SHELL_CHARS) {
    const message = `a shell-variable file of ${text.length} characters is too long to lint (the limit is ${MAX_SHELL_CHARS}; real ones are a few KiB): its syntax tree would take hundreds of bytes per character`;
    return { kind: 'shell-vars', text, statements: [], assignments: [], comments: [], problems: [{ start: 0, end: 0, severity: 'fatal', code: 'shell-too-long', message }] };
  }
  return new Parser(text).parse();
}

/** The longest shell-variable file parsed: its syntax tree and values cost about 300 bytes per character (scripts/growth.mjs). */
export const MAX_SHELL_CHARS = 256 * 1024;

class Parser {
  readonly lx: ShellLexer;
  readonly text: string;
  readonly n: number;
  pos = 0;
  readonly statements: ShellStatement[] = [];
  readonly assignments: ShellAssignment[] = [];
  readonly comments: ShellComment[] = [];
  readonly blocks: Block[] = [];
  /** Set by `&&`, `||`, `|`: the next command may not run (or runs in a subshell). */
  pendingConditional = false;
  /** A command ended since the last separator, so a `;` is legal here. */
  canSeparate = false;
  last: ShellStatement | undefined;
  heredocs: Heredoc[] = [];
  #lineStarts: number[] | undefined;
  #unsafeLine: Uint8Array | undefined;

  constructor(text: string) {
    this.lx = new ShellLexer(text);
    this.text = text;
    this.n = text.length;
  }

  get problems(): ParseProblem[] {
    return this.lx.problems;
  }

  code(i: number): number {
    return this.text.charCodeAt(i);
  }

  parse(): ParsedShellFile {
    const cr = this.text.indexOf('\r\n');
    if (cr >= 0) {
      this.lx.problem(cr, cr + 1, 'warning', 'shell-crlf', 'the file has Windows (CRLF) line endings: the shell keeps each \\r as part of the value or command before it');
    }
    try {
      this.#run();
    } catch (err) {
      if (!(err instanceof TooManyWords)) throw err;
      this.lx.problem(err.at, err.at, 'fatal', 'shell-too-many-words', err.message);
      this.blocks.length = 0;
    }
    for (const b of this.blocks) {
      this.lx.problem(b.start, this.n, 'error', 'shell-unclosed-block', `'${b.opener}' at ${this.lx.where(b.start)} is never closed with '${b.close}'`);
    }
    const file: ParsedShellFile = {
      kind: 'shell-vars',
      text: this.text,
      statements: this.statements,
      assignments: this.assignments,
      comments: this.comments,
      problems: this.problems,
    };
    evaluateInPlace(file);
    file.problems.sort((a, b) => a.start - b.start || a.end - b.end);
    return file;
  }

  #run(): void {
    for (;;) {
      this.pos = this.lx.skipBlanks(this.pos);
      const p = this.pos;
      if (p >= this.n) break;
      const c = this.code(p);
      const d = this.code(p + 1);
      if (c === NL) {
        this.pos++;
        this.canSeparate = false;
        if (this.heredocs.length > 0) this.#skipHeredocs();
      } else if (c === HASH) {
        this.#comment(p);
      } else if (c === SEMI) {
        const len = d === SEMI ? 2 : 1;
        if (len === 2 || !this.canSeparate) this.#unexpected(p, p + len);
        this.pos += len;
        this.canSeparate = false;
        this.pendingConditional = false;
      } else if (c === AMP || c === PIPE) {
        const double = d === c || (c === PIPE && d === AMP);
        if (!this.canSeparate) this.#unexpected(p, p + (double ? 2 : 1));
        // `a & b`, `a | b`: the statement before runs in a subshell; `&&`, `||`, `|`: the next one may not run.
        if ((c === AMP && !double) || (c === PIPE && d !== PIPE)) this.#markLastConditional();
        this.pendingConditional = !(c === AMP && !double);
        this.pos += double ? 2 : 1;
        this.canSeparate = false;
      } else if (c === RPAREN) {
        const top = this.blocks[this.blocks.length - 1];
        if (top && top.close === ')') this.blocks.pop();
        else this.#unexpected(p, p + 1);
        this.pos++;
        this.canSeparate = true;
      } else if (c === LPAREN) {
        if (d === LPAREN) this.#arithmeticCommand(p);
        else {
          this.blocks.push({ opener: '(', close: ')', start: p });
          this.pos++;
          this.canSeparate = false;
        }
      } else {
        const kw = this.#keywordAt(p);
        if (kw !== undefined) this.#keyword(kw, p);
        else this.#statement();
      }
      if (this.pos === p) this.pos++; // defensive: every branch must make progress
    }
  }

  #unexpected(start: number, end: number, what = this.text.slice(start, end)): void {
    this.lx.problem(start, end, 'error', 'shell-unexpected-token', `unexpected '${what}': the shell stops here with a syntax error`);
  }

  #markLastConditional(): void {
    const s = this.last;
    if (!s) return;
    s.conditional = true;
    for (const a of s.assignments) a.conditional = true;
  }

  #comment(p: number): void {
    const nl = this.text.indexOf('\n', p);
    const lineEnd = nl < 0 ? this.n : nl;
    const end = lineEnd > p && this.code(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
    this.comments.push({ start: p, end, body: this.text.slice(p + 1, end) });
    this.pos = lineEnd;
  }

  /** A reserved word at a command position (it must be a whole word). */
  #keywordAt(p: number): string | undefined {
    let q = p;
    while (q < this.n && q - p < 8 && !endsWord(this.code(q))) q++;
    if (!endsWord(this.code(q))) return undefined;
    const w = this.text.slice(p, q);
    return KEYWORDS.has(w) ? w : undefined;
  }

  #keyword(kw: string, p: number): void {
    const end = p + kw.length;
    switch (kw) {
      case 'if':
      case 'while':
      case 'until':
      case '{':
        this.blocks.push({ opener: kw, close: CLOSERS[kw]!, start: p });
        this.pos = end;
        this.canSeparate = false;
        return;
      case 'then':
      case 'else':
      case 'elif':
      case 'do':
      case '!':
        this.pos = end;
        this.canSeparate = false;
        return;
      case 'fi':
      case 'done':
      case '}': {
        const top = this.blocks[this.blocks.length - 1];
        if (top && top.close === kw) this.blocks.pop();
        else this.#unexpected(p, end);
        this.pos = end;
        this.canSeparate = true;
        return;
      }
      case 'esac':
        this.#unexpected(p, end);
        this.pos = end;
        return;
      case 'case':
        this.#caseCommand(p);
        return;
      case 'for':
      case 'select': {
        // The `for x in a b` part reads like a command; the body follows after `do`.
        this.#statement();
        this.blocks.push({ opener: kw, close: 'done', start: p });
        return;
      }
      default:
        this.#functionKeyword(p);
    }
  }

  /** bash `function NAME [()]`: the body that follows is a compound command of its own. */
  #functionKeyword(start: number): void {
    const conditional = this.blocks.length > 0 || this.pendingConditional;
    this.pendingConditional = false;
    const words: ShellWord[] = [];
    let end = start + 'function'.length;
    const p = this.lx.skipBlanks(end);
    if (p < this.n && !endsWord(this.code(p))) {
      const w = this.lx.readWord(p, 'command', false, 0);
      words.push(w);
      end = Math.max(w.end, p + 1);
      const open = this.lx.skipBlanks(end);
      const close = this.code(open) === LPAREN ? this.lx.skipBlanks(open + 1) : -1;
      if (close >= 0 && this.code(close) === RPAREN) end = close + 1;
    }
    this.pos = end;
    this.#push({ kind: 'command', start, end, command: 'function', words, assignments: [], conditional });
  }

  /** `case ... esac` is skipped as one dynamic statement: its `pattern)` syntax is not worth modelling. */
  #caseCommand(start: number): void {
    const conditional = this.blocks.length > 0 || this.pendingConditional;
    this.pendingConditional = false;
    let depth = 0;
    let p = start;
    let end = -1;
    while (end < 0) {
      p = this.lx.skipBlanks(p);
      if (p >= this.n) break;
      const c = this.code(p);
      if (c === HASH) {
        this.#comment(p);
        p = this.pos;
      } else if (endsWord(c)) {
        p++;
      } else {
        const w = this.lx.readWord(p, 'command', false, 0);
        p = Math.max(w.end, p + 1);
        if (isStaticWord(w)) {
          const lit = literalText(w, this.text);
          if (lit === 'case') depth++;
          else if (lit === 'esac' && --depth === 0) end = p;
        }
      }
    }
    if (end < 0) {
      this.lx.problem(start, this.n, 'error', 'shell-unclosed-block', `'case' at ${this.lx.where(start)} is never closed with 'esac'`);
      end = this.n;
    }
    this.pos = end;
    this.#push({ kind: 'command', start, end, command: 'case', words: [], assignments: [], conditional });
  }

  /** `(( expr ))` as a command: arithmetic, never evaluated. */
  #arithmeticCommand(start: number): void {
    const conditional = this.blocks.length > 0 || this.pendingConditional;
    this.pendingConditional = false;
    let end = this.lx.skipNested(start + 1, 'paren');
    if (end < 0) {
      this.lx.unterminated(start, 'shell-unterminated-substitution', 'unterminated (( arithmetic command');
      end = this.n;
    }
    this.pos = end;
    this.#push({ kind: 'command', start, end, command: '((', words: [], assignments: [], conditional });
  }

  #push(s: ShellStatement): void {
    this.statements.push(s);
    this.last = s;
    this.canSeparate = true;
  }

  /** One simple command: assignments, words and redirections up to a separator. */
  #statement(): void {
    const start = this.pos;
    const conditional = this.blocks.length > 0 || this.pendingConditional;
    this.pendingConditional = false;
    const assignments: ShellAssignment[] = [];
    const words: ShellWord[] = [];
    let declaration: 'export' | 'readonly' | undefined;
    let end = start;
    for (;;) {
      const p = this.lx.skipBlanks(this.pos);
      this.pos = p;
      if (p >= this.n) break;
      const c = this.code(p);
      const d = this.code(p + 1);
      if (c === LT || c === GT || (c === AMP && d === GT) || (isDigit(c) && this.#ioNumberEnd(p) > 0)) {
        this.#redirection(p);
        end = this.pos;
        continue;
      }
      if (c === NL || c === SEMI || c === AMP || c === PIPE || c === RPAREN || c === HASH) break;
      if (c === LPAREN) {
        const first = words.length === 1 && assignments.length === 0 ? 0 : words.length === 2 && this.#wordIs(words[0]!, 'function') ? 1 : -1;
        const close = this.lx.skipBlanks(p + 1);
        if (first >= 0 && this.code(close) === RPAREN) {
          // `name() body`: a function definition; its body follows as its own commands.
          this.pos = close + 1;
          end = this.pos;
          break;
        }
        if (!(words.length > 0 && this.#wordIs(words[0]!, 'for'))) this.#unexpected(p, p + 1);
        let e = this.lx.skipNested(p + 1, 'paren');
        if (e < 0) {
          this.lx.unterminated(p, 'shell-unterminated-substitution', 'unterminated (');
          e = this.n;
        }
        this.pos = e;
        end = e;
        continue;
      }
      if (words.length === 0 || declaration !== undefined) {
        const a = this.#assignment(p);
        if (a) {
          if (declaration) a.declaration = declaration;
          assignments.push(a);
          end = this.pos;
          continue;
        }
      }
      const w = this.lx.readWord(p, 'command', false, 0);
      this.pos = Math.max(w.end, p + 1);
      if (words.length === 0 && assignments.length === 0 && isStaticWord(w)) {
        const lit = literalText(w, this.text);
        if (lit === 'export' || lit === 'readonly') declaration = lit;
      }
      words.push(w);
      end = this.pos;
    }

    const isAssignment = assignments.length > 0 && (words.length === 0 || declaration !== undefined);
    const first = words[0];
    const statement: ShellStatement = {
      kind: isAssignment ? 'assignment' : 'command',
      start,
      end,
      command: first && isStaticWord(first) ? literalText(first, this.text) : undefined,
      words,
      assignments,
      conditional,
    };
    const noAutofix = assignments.length > 0 && this.#unsafeLines(start, end);
    for (const a of assignments) {
      a.statement = { start, end };
      a.conditional = conditional;
      a.noAutofix = noAutofix;
      a.scope = isAssignment ? 'file' : 'command';
      if (isAssignment) this.assignments.push(a);
    }
    if (!isAssignment && assignments.length > 0 && first) {
      const a = assignments[0]!;
      const cmd = this.text.slice(first.start, first.end);
      this.lx.problem(start, end, 'error', 'shell-env-prefix-command',
        `'${this.text.slice(a.start, a.end)}' is followed by '${cmd}' in the same command, so the shell runs '${cmd}' with ${a.name} set only for it and ${a.name} stays unset here; quote the whole value if it contains spaces`);
    }
    this.#push(statement);
  }

  #wordIs(w: ShellWord, lit: string): boolean {
    return isStaticWord(w) && literalText(w, this.text) === lit;
  }

  /** `2>` and the like: digits directly followed by '<' or '>'. Returns the offset of the operator, or -1. */
  #ioNumberEnd(p: number): number {
    let q = p;
    while (isDigit(this.code(q))) q++;
    const c = this.code(q);
    return c === LT || c === GT ? q : -1;
  }

  #redirection(p: number): void {
    let q = isDigit(this.code(p)) ? this.#ioNumberEnd(p) : p;
    const c = this.code(q);
    const d = this.code(q + 1);
    let heredoc: Heredoc | undefined;
    if (c === AMP) q += d === GT && this.code(q + 2) === GT ? 3 : 2; // &> &>>
    else if (c === LT && d === LT) {
      if (this.code(q + 2) === LT) q += 3; // <<< here-string
      else {
        const stripTabs = this.code(q + 2) === 45; // '-'
        heredoc = { delimiter: '', stripTabs, start: p };
        q += stripTabs ? 3 : 2;
      }
    } else if (d === AMP || d === GT || (c === LT && d === GT) || (c === GT && d === PIPE)) q += 2; // <& >& >> <> >|
    else q += 1;
    const w0 = this.lx.skipBlanks(q);
    if (w0 >= this.n || endsWord(this.code(w0))) {
      this.lx.problem(p, q, 'error', 'shell-unexpected-token', `redirection '${this.text.slice(p, q)}' has no target word`);
      this.pos = q;
      return;
    }
    const w = this.lx.readWord(w0, 'command', false, 0);
    this.pos = Math.max(w.end, w0 + 1);
    if (heredoc) {
      heredoc.delimiter = literalText(w, this.text);
      this.heredocs.push(heredoc);
    }
  }

  /** After the newline that ends a command line with `<<WORD`: skip the here-document bodies. */
  #skipHeredocs(): void {
    for (const h of this.heredocs) {
      let found = false;
      while (this.pos < this.n && !found) {
        const nl = this.text.indexOf('\n', this.pos);
        const lineEnd = nl < 0 ? this.n : nl;
        let a = this.pos;
        if (h.stripTabs) while (a < lineEnd && this.code(a) === 9) a++;
        found = this.text.slice(a, lineEnd) === h.delimiter;
        this.pos = nl < 0 ? this.n : nl + 1;
      }
      if (!found) this.lx.problem(h.start, this.n, 'error', 'shell-unterminated-heredoc', `here-document at ${this.lx.where(h.start)} is never ended by a '${h.delimiter}' line`);
    }
    this.heredocs = [];
  }

  /** `NAME=value` / `NAME+=value` / `NAME=( ... )` at `p`, or undefined when the word is not one. */
  #assignment(p: number): ShellAssignment | undefined {
    if (!isNameStart(this.code(p))) return undefined;
    let q = p + 1;
    while (isNameChar(this.code(q))) q++;
    let operator: '=' | '+=';
    let valueStart: number;
    if (this.code(q) === EQUALS) {
      operator = '=';
      valueStart = q + 1;
    } else if (this.code(q) === PLUS && this.code(q + 1) === EQUALS) {
      operator = '+=';
      valueStart = q + 2;
    } else return undefined;

    const a: ShellAssignment = {
      start: p,
      end: valueStart,
      name: this.text.slice(p, q),
      nameStart: p,
      nameEnd: q,
      operator,
      statement: { start: p, end: valueStart },
      valueStart,
      valueEnd: valueStart,
      array: false,
      word: undefined,
      words: [],
      value: EMPTY_VALUE,
      elements: [],
      quoting: 'none',
      closeQuote: undefined,
      quoteChar: undefined,
      closeParen: undefined,
      scope: 'file',
      declaration: undefined,
      conditional: false,
      noAutofix: false,
    };
    if (this.code(valueStart) === LPAREN) this.#arrayValue(a);
    else {
      const w = this.lx.readWord(valueStart, 'command', false, 0);
      a.word = w;
      a.valueEnd = w.end;
      this.pos = w.end;
      const lastQuote = w.quotes[w.quotes.length - 1];
      if (lastQuote && lastQuote.close === w.end - 1) {
        a.closeQuote = lastQuote.close;
        a.quoteChar = lastQuote.char;
      }
      if (w.quotes.length === 0) a.quoting = 'none';
      else if (w.quotes.length === 1 && lastQuote!.open === w.start && lastQuote!.close === w.end - 1) a.quoting = lastQuote!.char === '"' ? 'double' : 'single';
      else a.quoting = 'mixed';
    }
    a.end = a.valueEnd;
    return a;
  }

  /** bash `NAME=( w1 w2 ... )`: words in any quoting, comments and newlines between them. */
  #arrayValue(a: ShellAssignment): void {
    a.array = true;
    let p = a.valueStart + 1;
    for (;;) {
      p = this.lx.skipBlanks(p);
      if (p >= this.n) {
        this.lx.unterminated(a.valueStart, 'shell-unterminated-array', `unterminated array: the ( of ${a.name}= is never closed`);
        break;
      }
      const c = this.code(p);
      if (c === NL) p++;
      else if (c === HASH) {
        this.#comment(p);
        p = this.pos;
      } else if (c === RPAREN) {
        a.closeParen = p;
        p++;
        break;
      } else if (endsWord(c)) {
        this.#unexpected(p, p + 1);
        p++;
      } else {
        const w = this.lx.readWord(p, 'command', false, 0);
        a.words.push(w);
        p = Math.max(w.end, p + 1);
      }
    }
    a.valueEnd = p;
    this.pos = p;
  }

  /** Catalog 0.5: never autofix a line holding `$(`, a backquote, `;`, `&&` or `||`. */
  #unsafeLines(start: number, end: number): boolean {
    if (!this.#lineStarts) this.#scanLines();
    const starts = this.#lineStarts!;
    const flags = this.#unsafeLine!;
    const last = lineOf(starts, Math.max(start, end - 1));
    for (let l = lineOf(starts, start); l <= last; l++) if (flags[l]) return true;
    return false;
  }

  #scanLines(): void {
    const starts = [0];
    const unsafe: number[] = [0];
    for (let i = 0; i < this.n; i++) {
      const c = this.code(i);
      if (c === NL) {
        starts.push(i + 1);
        unsafe.push(0);
        continue;
      }
      const d = this.code(i + 1);
      if (c === 96 || c === SEMI || (c === 36 && d === LPAREN) || (c === AMP && d === AMP) || (c === PIPE && d === PIPE)) unsafe[unsafe.length - 1] = 1;
    }
    this.#lineStarts = starts;
    this.#unsafeLine = Uint8Array.from(unsafe);
  }
}

/** Index of the line holding `offset`, by binary search over line starts. */
function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
