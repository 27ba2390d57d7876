/**
 * vfio-lint as a library (docs/api.md).
 *
 *   import { lintFiles, formatReport } from 'vfio-lint';
 *   const report = await lintFiles(['vm.xml', '/etc']);
 *   console.log(formatReport(report, 'stylish'));
 */
import { lintFiles as lintFilesImpl, lintText as lintTextImpl, type LintOptions } from './lint.js';
import { builtinRules } from './rules/index.js';
import { loadReporter, reportText, toJson, type JsonResult, type ReporterOptions } from './reporters/index.js';
import { writeAtomic } from './io/write.js';
import { applyEdits as applyEditsImpl } from './engine/fix.js';
import type { LintReport } from './engine/result.js';
import type { Rule, RuleMeta } from './engine/rule.js';
import type { TextEdit } from './engine/fix.js';
import { FILE_KINDS } from './model/machine.js';
import { customRuleProblem } from './config/custom-rules.js';
import pkg from '../package.json' with { type: 'json' };

export type { LintOptions };
export type { LintReport, LintResult } from './engine/result.js';
export type { SkippedRule, RuleFailure } from './engine/run.js';
export type { AppliedFix, UndoneFix } from './engine/fix-loop.js';
export { undoneWhy } from './engine/fix-loop.js';
export type { Diagnostic } from './engine/diagnostic.js';
export { defineRule } from './engine/rule.js';
export type { Rule, RuleMeta, DomainRule, MachineRule, DomainRuleMeta, MachineRuleMeta, RuleContext, DomainContext, MachineContext, Requirement, Report, Loc, RelatedLocation, Severity, Category } from './engine/rule.js';
export type { Fix, TextEdit, Suggestion } from './engine/fix.js';
export type { Machine, DomainInput, ParsedFile, FileKind, InputKind } from './model/machine.js';
export type { Config, RuleSetting, MachineConfig, Override } from './config/config.js';
export type { DomainView } from './domain/view.js';
export type { CapabilitiesView } from './host/capabilities.js';
export type { HostModel } from './host/model.js';
export type { Range } from './core/range.js';
export type { JsonResult, JsonMessage, JsonEdit, JsonFix, JsonRelated, JsonSuggestion, ReporterOptions } from './reporters/index.js';
export type { XmlAttribute, XmlElement, XmlText, XmlCData, XmlComment, XmlPI, XmlDoctype, XmlNode, XmlDocument } from './parsers/xml/index.js';
export { CpuSet } from './core/cpuset.js';
/** The host's CPU topology with the domains' pinning laid on it, as data to draw (docs/topology.md). */
export { topologyOfFiles, buildLayout, planPins, describePlan, topologySvg } from './topology/index.js';
export type { FileTopology, MachineTopology, TopologyFacts, TopologyCpuFact, CacheFact, NodeFact, TopologyLayout, PackageGroup, NodeGroup, L3Group, CoreGroup, PinningMap, PinnedDomain, CpuUse, CpuRole, Conflict, ConflictKind, PinPlan } from './topology/index.js';
export { FILE_KINDS };
/** Texts in memory linted as one machine, with no file system and no config file (the playground's entry; docs/api.md). */
export { lintTexts, detectKind } from './lint-texts.js';
export type { TextFile, LintTextsOptions } from './lint-texts.js';
/** Thrown by lintFiles/lintText: a path that does not exist, a configuration that is not valid. */
export { InputError } from './pipeline/inputs.js';
export { ConfigError } from './config/config.js';
/** Tree lookups the built-in rules use; cheap and non-recursive. */
export { attr, childElements, firstChild, path as elementPath, textContent, walkElements } from './parsers/xml/index.js';
export { evaluateXPath, selectNodes, XPathError, type XPathMatch, type XPathOptions, type XPathTarget, type XPathValue } from './xpath/index.js';

/** Metadata of every built-in rule, in list order. */
export const rules: readonly RuleMeta[] = builtinRules.map((r) => r.meta);

/**
 * Lint files and directories as one machine: `lintFiles(['vm.xml', '/etc'])`.
 * Directories are host trees or folders of domain XMLs, as on the command line.
 */
export async function lintFiles(paths: readonly string[], options: LintOptions = {}): Promise<LintReport> {
  checkOptions(options);
  return lintFilesImpl(paths, options);
}

/**
 * Lint one text as the file `filePath` (its kind comes from `kind`, else the path,
 * else the content). Texts in `options.texts` join it as one machine; to lint it
 * with files on disk, give those paths to `lintFiles` with the text in `texts`.
 */
export async function lintText(text: string, options: LintOptions & { filePath?: string } = {}): Promise<LintReport> {
  if (typeof text !== 'string') throw new TypeError(`lintText: the text must be a string (got ${text === null ? 'null' : typeof text})`);
  checkOptions(options);
  return lintTextImpl(text, options);
}

/** Format a report as the CLI would print it: `stylish`, `json`, `sarif`, `github`, or any other name `--format` takes. */
export function formatReport(report: LintReport, format = 'stylish', options: Partial<ReporterOptions> = {}): string {
  return reportText(loadReporter(format)(report, reporterOptions(options)));
}

/** The objects `formatReport(report, 'json')` prints, without the round trip through text. */
export function jsonResults(report: LintReport, options: Partial<ReporterOptions> = {}): JsonResult[] {
  return toJson(report, reporterOptions(options));
}

/** The CLI's defaults: this version (SARIF records it), each file's source with its findings (as ESLint's JSON has it). */
function reporterOptions(options: Partial<ReporterOptions>): ReporterOptions {
  return { cwd: process.cwd(), color: false, version: pkg.version, includeSource: true, ...options };
}

/**
 * Write the fixed text of every result that has one (a report from a run with `fix`), atomically,
 * in the file's original encoding and mode. Returns the files written and those that could not be.
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

/**
 * Apply the edits of a fix or suggestion that fall in one file to that file's text
 * (`path` is the file's path as the report gives it). Throws `RangeError` for overlapping edits.
 */
export function applyEdits(text: string, edits: readonly TextEdit[], path?: string): string {
  if (typeof text !== 'string') throw new TypeError(`applyEdits: the text must be a string (got ${typeof text})`);
  if (!Array.isArray(edits)) throw new TypeError('applyEdits: edits must be an array');
  const mine = path === undefined ? edits : edits.filter((e) => e.path === path);
  mine.forEach((e, i) => {
    if (!Number.isInteger(e.start) || !Number.isInteger(e.end) || e.start < 0 || e.end < e.start || e.end > text.length) throw new RangeError(`applyEdits: edit ${i} must have integer offsets with 0 <= start <= end <= ${text.length} (got start ${e.start}, end ${e.end})`);
    if (typeof e.text !== 'string') throw new TypeError(`applyEdits: edit ${i} must have a string text`);
  });
  return applyEditsImpl(text, mine);
}


/** A malformed custom rule or a `kind` that does not exist is the caller's mistake: say what, before any work. */
function checkOptions(options: LintOptions): void {
  if (options.kind !== undefined && !(FILE_KINDS as readonly string[]).includes(options.kind)) throw new TypeError(`kind must be one of ${FILE_KINDS.join(', ')} (got ${JSON.stringify(options.kind)})`);
  if (options.customRules === undefined) return;
  const problem = customRuleProblem(options.customRules, 'customRules', new Set(builtinRules.map((r) => r.meta.id)));
  if (problem) throw new TypeError(problem);
}
