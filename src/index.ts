/**
 * vfio-lint as a library.
 *
 *   import { lintFiles, formatReport } from 'vfio-lint';
 *   const report = await lintFiles(['vm.xml', '/etc']);
 *   console.log(formatReport(report, 'stylish'));
 */
import { lintFiles, lintText, type LintOptions } from './lint.js';
import { builtinRules } from './rules/index.js';
import { loadReporter, type ReporterOptions } from './reporters/index.js';
import { writeAtomic } from './io/write.js';
import type { LintReport } from './engine/result.js';
import type { RuleMeta } from './engine/rule.js';

export { lintFiles, lintText };
export type { LintOptions };
export type { LintReport, LintResult } from './engine/result.js';
export type { Diagnostic } from './engine/diagnostic.js';
export type { Rule, RuleMeta, RuleContext, Report, Loc, Severity, Category } from './engine/rule.js';
export type { Fix, TextEdit, Suggestion } from './engine/fix.js';
export type { Machine, DomainInput, ParsedFile, FileKind, InputKind } from './model/machine.js';
export type { Config, RuleSetting } from './config/config.js';
export type { DomainView } from './domain/view.js';
export type { CapabilitiesView } from './domain/capabilities.js';
export type { HostModel } from './host/model.js';
export { CpuSet } from './core/cpuset.js';

/** Metadata of every built-in rule, in list order. */
export const rules: readonly RuleMeta[] = builtinRules.map((r) => r.meta);

/** Format a report as the CLI would print it: `stylish`, `json`, `sarif` or `github`. */
export function formatReport(report: LintReport, format = 'stylish', options: Partial<ReporterOptions> = {}): string {
  return loadReporter(format)(report, { cwd: process.cwd(), color: false, ...options });
}

/**
 * Write the fixed text of every result that has one (a report from a run with `fix`), atomically.
 * Returns the files written and those that could not be.
 */
export function writeFixes(report: LintReport): { written: string[]; failed: Array<{ filePath: string; message: string }> } {
  const written: string[] = [];
  const failed: Array<{ filePath: string; message: string }> = [];
  for (const r of report.results) {
    if (r.output === undefined || !r.realPath || !r.stored) continue;
    const w = writeAtomic({ realPath: r.realPath, text: r.output, stored: r.stored });
    if (w.ok) written.push(r.filePath);
    else failed.push({ filePath: r.filePath, message: w.message });
  }
  return { written, failed };
}
