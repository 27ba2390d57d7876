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
import { FILE_KINDS, type InputKind } from './model/machine.js';

export type { LintOptions };
export type { LintReport, LintResult } from './engine/result.js';
export type { SkippedRule, RuleFailure } from './engine/run.js';
export type { AppliedFix, UndoneFix } from './engine/fix-loop.js';
export type { Diagnostic } from './engine/diagnostic.js';
export type { Rule, RuleMeta, RuleContext, Report, Loc, RelatedLocation, Severity, Category } from './engine/rule.js';
export type { Fix, TextEdit, Suggestion } from './engine/fix.js';
export type { Machine, DomainInput, ParsedFile, FileKind, InputKind } from './model/machine.js';
export type { Config, RuleSetting, MachineConfig, Override } from './config/config.js';
export type { DomainView } from './domain/view.js';
export type { CapabilitiesView } from './domain/capabilities.js';
export type { HostModel } from './host/model.js';
export type { Range } from './core/range.js';
export type { JsonResult, JsonMessage, JsonEdit, JsonFix, JsonRelated, JsonSuggestion, ReporterOptions } from './reporters/index.js';
export type { XmlAttribute, XmlElement, XmlText, XmlCData, XmlComment, XmlPI, XmlDoctype, XmlNode, XmlDocument } from './parsers/xml/index.js';
export { CpuSet } from './core/cpuset.js';
export { FILE_KINDS };
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
  checkCustomRules(options.customRules);
  return lintFilesImpl(paths, options);
}

/**
 * Lint one text as the file `filePath` (its kind comes from `kind`, else the path,
 * else the content). Texts in `options.texts` join it as one machine; to lint it
 * with files on disk, give those paths to `lintFiles` with the text in `texts`.
 */
export async function lintText(text: string, options: LintOptions & { filePath?: string } = {}): Promise<LintReport> {
  if (typeof text !== 'string') throw new TypeError(`lintText: the text must be a string (got ${text === null ? 'null' : typeof text})`);
  if (options.kind !== undefined && !(FILE_KINDS as readonly unknown[]).includes(options.kind)) throw new TypeError(`lintText: unknown kind ${JSON.stringify(options.kind)} (one of ${FILE_KINDS.join(', ')})`);
  checkCustomRules(options.customRules);
  return lintTextImpl(text, options);
}

/** Format a report as the CLI would print it: `stylish`, `json`, `sarif` or `github`. */
export function formatReport(report: LintReport, format = 'stylish', options: Partial<ReporterOptions> = {}): string {
  return reportText(loadReporter(format)(report, { cwd: process.cwd(), color: false, ...options }));
}

/** The objects `formatReport(report, 'json')` prints, without the round trip through text. */
export function jsonResults(report: LintReport, options: Partial<ReporterOptions> = {}): JsonResult[] {
  return toJson(report, { cwd: process.cwd(), color: false, ...options });
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

/** Type a custom rule (a no-op at run time): `export default defineRule({ meta: {...}, check(ctx) {...} })`. */
export function defineRule(rule: Rule): Rule {
  return rule;
}

const INPUT_KINDS: ReadonlySet<InputKind> = new Set(['domain', 'capabilities', 'cmdline', 'modprobe', 'sysctl', 'initramfs']);
const SEVERITIES = new Set(['error', 'warning', 'info']);

/** A malformed custom rule is the caller's mistake: say which rule and what, before any work. */
function checkCustomRules(custom: readonly Rule[] | undefined): void {
  if (custom === undefined) return;
  if (!Array.isArray(custom)) throw new TypeError('customRules must be an array of rules');
  const ids = new Set(builtinRules.map((r) => r.meta.id));
  custom.forEach((rule, i) => {
    const where = `customRules[${i}]`;
    const meta = (rule as Partial<Rule> | undefined)?.meta as Partial<RuleMeta> | undefined;
    if (!meta || typeof meta !== 'object') throw new TypeError(`${where}: a rule needs a meta object and a check function`);
    if (typeof meta.id !== 'string' || !/^[a-z0-9][a-z0-9/_-]*$/i.test(meta.id)) throw new TypeError(`${where}: meta.id must be a name of letters, digits, '-', '_' and '/' (got ${JSON.stringify(meta.id)})`);
    const name = `${where} (${meta.id})`;
    if (ids.has(meta.id)) throw new TypeError(`${name}: there is already a rule with this id`);
    ids.add(meta.id);
    if (typeof rule.check !== 'function') throw new TypeError(`${name}: check must be a function`);
    if (meta.scope !== 'domain' && meta.scope !== 'machine') throw new TypeError(`${name}: meta.scope must be 'domain' or 'machine'`);
    if (!SEVERITIES.has(meta.severity as string)) throw new TypeError(`${name}: meta.severity must be 'error', 'warning' or 'info'`);
    if (!Array.isArray(meta.requires) || !meta.requires.every((k) => INPUT_KINDS.has(k))) throw new TypeError(`${name}: meta.requires must list inputs among ${[...INPUT_KINDS].join(', ')}`);
    if (!meta.messages || typeof meta.messages !== 'object') throw new TypeError(`${name}: meta.messages must map message ids to texts`);
    if (meta.fixable !== undefined && meta.fixable !== 'safe' && meta.fixable !== 'suggest') throw new TypeError(`${name}: meta.fixable must be 'safe' or 'suggest' when given`);
  });
}
