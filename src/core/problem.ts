import type { Range } from './range.js';

/**
 * Something a parser noticed while reading a file. Parsers never throw: they
 * return problems instead. `fatal` means the file could not be understood and
 * no rule may run on it; `error`/`warning` are syntax-level findings the
 * engine reports under the `parse-error` / `syntax` rule ids.
 */
export interface ParseProblem extends Range {
  message: string;
  severity: 'fatal' | 'error' | 'warning';
  /** Short stable code, e.g. `xml-malformed`, `grub-unterminated-quote`. */
  code: string;
}
