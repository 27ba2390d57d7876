/** Character codes the shell lexer cares about. */
export const NL = 10;
export const CR = 13;
export const TAB = 9;
export const SPACE = 32;
export const BANG = 33;
export const DQUOTE = 34;
export const HASH = 35;
export const DOLLAR = 36;
export const AMP = 38;
export const SQUOTE = 39;
export const LPAREN = 40;
export const RPAREN = 41;
export const STAR = 42;
export const PLUS = 43;
export const MINUS = 45;
export const COLON = 58;
export const SEMI = 59;
export const LT = 60;
export const EQUALS = 61;
export const GT = 62;
export const QUESTION = 63;
export const AT = 64;
export const LBRACKET = 91;
export const BACKSLASH = 92;
export const RBRACKET = 93;
export const BACKQUOTE = 96;
export const LBRACE = 123;
export const PIPE = 124;
export const RBRACE = 125;

/** Blanks separate words; newline is a separate token. */
export const isBlank = (c: number): boolean => c === SPACE || c === TAB;

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;

export const isNameStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

export const isNameChar = (c: number): boolean => isNameStart(c) || isDigit(c);

/** Default IFS whitespace: what field splitting (and mkinitcpio's `($MODULES)`) splits on. */
export const isIfsSpace = (c: number): boolean => c === SPACE || c === TAB || c === NL;

/**
 * Ends an unquoted word: blank, newline, or a character of a control/redirection operator.
 * NaN (past the end) also ends it.
 */
export function endsWord(c: number): boolean {
  return (
    Number.isNaN(c) ||
    c === SPACE ||
    c === TAB ||
    c === NL ||
    c === SEMI ||
    c === AMP ||
    c === PIPE ||
    c === LT ||
    c === GT ||
    c === LPAREN ||
    c === RPAREN
  );
}

/** `$1`, `$@`, `$?` ...: parameters only a running shell knows. */
export const isSpecialParam = (c: number): boolean =>
  isDigit(c) || c === AT || c === STAR || c === HASH || c === QUESTION || c === DOLLAR || c === BANG || c === MINUS;
