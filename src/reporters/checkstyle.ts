import type { LintReport } from '../engine/result.js';
import { absolutePath } from './paths.js';
import { PARSE_ERROR_RULE, type ReporterOptions } from './types.js';
import { xmlAttr } from './xml-text.js';

/**
 * Checkstyle's XML report, which CI servers (Jenkins' warnings plugin, reviewdog, SonarQube
 * importers) read: a `<file>` for every file linted, an `<error>` for each finding with its line,
 * column, severity (error, warning, info), message and source (`vfio-lint.rules.RULE`). Paths are
 * absolute, as ESLint's checkstyle output has them. Related places are added to the message.
 */
export function format(report: LintReport, options: ReporterOptions): string {
  let out = '<?xml version="1.0" encoding="utf-8"?>\n<checkstyle version="4.3">\n';
  for (const r of report.results) {
    out += `  <file name="${xmlAttr(absolutePath(r.filePath, options.cwd))}">\n`;
    for (const d of r.messages) {
      let message = d.reason;
      for (const rel of d.related ?? []) message += `\nrelated: ${absolutePath(rel.path, options.cwd)}${rel.line > 0 ? `:${rel.line}:${rel.column}` : ''} ${rel.message}`;
      const line = Math.max(d.line ?? 0, 1);
      const column = Math.max(d.column ?? 0, 1);
      out += `    <error line="${line}" column="${column}" severity="${d.severity}" message="${xmlAttr(message)}" source="vfio-lint.rules.${xmlAttr(d.ruleId ?? PARSE_ERROR_RULE)}"/>\n`;
    }
    out += '  </file>\n';
  }
  return `${out}</checkstyle>\n`;
}
