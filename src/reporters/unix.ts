import type { Diagnostic } from '../engine/diagnostic.js';
import type { LintReport } from '../engine/result.js';
import { displayPath } from './paths.js';
import { oneLine } from './text.js';
import { PARSE_ERROR_RULE, type ReporterOptions } from './types.js';

/**
 * One line per finding, as compilers print them: `file:line:col: severity: message [rule]`, which
 * editors' quickfix lists (Vim's default errorformat, Emacs' compilation mode) and CI log parsers
 * read. Severities are gcc's words: error, warning, note. Each related place follows as a `note`
 * line of its own, so an editor can jump there too. `unix` and `gcc` are the same format.
 */
export function format(report: LintReport, options: ReporterOptions): string {
  let out = '';
  for (const r of report.results) {
    for (const d of r.messages) {
      out += `${where(displayPath(d.path, options.cwd), d.line ?? 0, d.column ?? 0)} ${WORD[d.severity]}: ${oneLine(d.reason)} [${d.ruleId ?? PARSE_ERROR_RULE}]\n`;
      for (const rel of d.related ?? []) out += `${where(displayPath(rel.path, options.cwd), rel.line, rel.column)} note: ${oneLine(rel.message)} [${d.ruleId ?? PARSE_ERROR_RULE}]\n`;
    }
  }
  return out;
}

const WORD: Record<Diagnostic['severity'], string> = { error: 'error', warning: 'warning', info: 'note' };

/** `file:line:col:`, or `file:` for a finding about the whole file (a file that cannot be read). */
function where(path: string, line: number, column: number): string {
  return line >= 1 ? `${oneLine(path)}:${line}:${Math.max(column, 1)}:` : `${oneLine(path)}:`;
}
