import type { ParseProblem } from '../../core/problem.js';
import type { Range } from '../../core/range.js';

/*
 * AST of a shell-variable file (/etc/default/grub, mkinitcpio.conf, dracut.conf ...).
 * All offsets are UTF-16 offsets into the decoded text of the file, half-open.
 */

/** A comment: `start` is the '#', `end` the end of its line (before '\n' and a final '\r'). */
export interface ShellComment extends Range {
  /** Text after the '#'. */
  body: string;
}

/** One top-level quoted segment of a word. `close` is the offset of the closing quote, -1 if never closed. */
export interface QuoteSpan {
  char: '"' | "'";
  open: number;
  close: number;
}

/** Characters that stand for themselves, quoting and escapes already removed. */
export interface LiteralPart extends Range {
  type: 'literal';
  text: string;
  /** Per UTF-16 unit of `text`: its offset in the file (an escaped char maps to itself, not to its backslash). */
  origins: number[];
  /** Inside double (or single) quotes: not subject to field splitting. */
  quoted: boolean;
}

/** `:-` and friends of `${NAME op word}`. */
export type ParamOp = '-' | ':-' | '=' | ':=' | '+' | ':+' | '?' | ':?';

/** `$NAME`, `${NAME}`, `${NAME[i]}`, `${NAME op word}`. */
export interface ParamPart extends Range {
  type: 'param';
  name: string;
  /** Bash subscript: '@', '*' or a decimal index; undefined without brackets. */
  index: string | undefined;
  op: ParamOp | undefined;
  /** The `word` of `${NAME op word}`. */
  arg: ShellWord | undefined;
  quoted: boolean;
}

/**
 * Something whose value only running the shell can tell: `$(...)`, backquotes, `$((...))`,
 * special parameters (`$1`, `$?` ...), `${#X}`, `${X%pat}` and other operators, `$'...'`.
 * Never executed; it contributes no characters and marks the value dynamic.
 */
export interface DynamicPart extends Range {
  type: 'dynamic';
  kind: 'command' | 'backquote' | 'arithmetic' | 'special' | 'expansion' | 'ansi-c';
  quoted: boolean;
}

/** `""` or `''`: produces no characters but still makes an (empty) field. */
export interface EmptyQuotesPart extends Range {
  type: 'empty-quotes';
}

export type WordPart = LiteralPart | ParamPart | DynamicPart | EmptyQuotesPart;

/** A shell word as written: `start`/`end` span its raw text. */
export interface ShellWord extends Range {
  parts: WordPart[];
  quotes: QuoteSpan[];
}

/** Value of a word in one file: text plus, per UTF-16 unit, its offset in this file (-1: none here). */
export interface ShellValue {
  text: string;
  origins: number[];
  /** Part of the value could not be computed without running the shell (it is missing from `text`). */
  dynamic: boolean;
  /** Variables expanded while unset (they expanded to nothing); they may be set by another file. */
  unresolved: string[];
}

/** One element of an array value. `start`/`end` span the source word it came from. */
export interface ShellElement extends Range, ShellValue {}

export interface ShellAssignment extends Range {
  /** `start`/`end` span `NAME=value` (or `NAME+=( ... )`) itself. */
  name: string;
  nameStart: number;
  nameEnd: number;
  operator: '=' | '+=';
  /** The whole simple command this assignment is part of (`export A=1 B=2`, `A=1 cmd`). */
  statement: Range;
  /** Raw value span, right after the operator to the end of the word (parentheses included for arrays). */
  valueStart: number;
  valueEnd: number;
  array: boolean;
  /** Scalar value word (undefined for arrays). */
  word: ShellWord | undefined;
  /** Array words (empty for scalars). */
  words: ShellWord[];
  /**
   * Value evaluated with this file's own earlier assignments (nothing from other files or the
   * environment). For arrays: the elements joined with single spaces (origin -1 for the joins).
   */
  value: ShellValue;
  /** Array elements after field splitting (empty for scalars). */
  elements: ShellElement[];
  /** How a scalar value is quoted: one quoted segment spanning the whole value, none, or a mix. */
  quoting: 'none' | 'double' | 'single' | 'mixed';
  /** Scalar whose raw value ends with a closing quote: that quote's offset and character. */
  closeQuote: number | undefined;
  quoteChar: '"' | "'" | undefined;
  /** Array: offset of the closing ')', undefined when missing. */
  closeParen: number | undefined;
  /** `file`: a real assignment. `command`: the `NAME=value` prefix of a command, which sets nothing in the file. */
  scope: 'file' | 'command';
  /** Preceded by `export` / `readonly`. */
  declaration: 'export' | 'readonly' | undefined;
  /**
   * It may not run, or run in a subshell: inside if/while/for/case/{}/()/a function, after
   * `&&`/`||`, in a pipeline or in the background.
   */
  conditional: boolean;
  /** A line it spans contains `$(`, a backquote, `;`, `&&` or `||`: do not autofix (catalog 0.5). */
  noAutofix: boolean;
}

/** One simple command (or the head of a compound command) of the file. */
export interface ShellStatement extends Range {
  /**
   * `assignment`: only assignments (optionally after export/readonly) and redirections.
   * `command`: anything else (`. file`, `source`, `if`-conditions, `case`, `lsb_release` ...): not
   * evaluated, not an error.
   */
  kind: 'assignment' | 'command';
  /** Command name when it is a plain word (`source`, `.`, `for`, `case`, `((` ...). */
  command: string | undefined;
  /** Words after the assignments (the command word first). */
  words: ShellWord[];
  assignments: ShellAssignment[];
  conditional: boolean;
}

export interface ParsedShellFile {
  kind: 'shell-vars';
  text: string;
  statements: ShellStatement[];
  /** File-scope assignments in order (command-prefix assignments are only in their statement). */
  assignments: ShellAssignment[];
  comments: ShellComment[];
  problems: ParseProblem[];
}
