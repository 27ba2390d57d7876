import type { Diagnostic } from '../engine/diagnostic.js';
import type { Fix } from '../engine/fix.js';
import type { LintReport, LintResult } from '../engine/result.js';
import type { Severity } from '../engine/rule.js';
import type { FileKind } from '../model/machine.js';
import { Locator } from './locate.js';
import { absolutePath } from './paths.js';
import { reportText, type ReporterOptions } from './types.js';

/**
 * ESLint's JSON formatter shape, so tools that read `eslint -f json` read ours.
 * Offsets (`range`) are UTF-16 code units into the decoded text without a BOM;
 * lines and columns are 1-based, `endColumn` is the column after the last
 * character. `info` findings have `severity: 1` (and count in `warningCount`)
 * because ESLint has no third level; `level` tells them apart.
 *
 * Extra fields (ESLint readers ignore them), a stable contract described in docs/formats.md:
 * - message: `level`, `url`, `edits` (every edit of the fix, which may touch
 *   other files), `related`; each suggestion has `edits` too.
 * - result: `infoCount`, `kind`.
 */
export function format(report: LintReport, options: ReporterOptions): string {
  return reportText(stream(report, options));
}

/** `format`, one piece at a time (what the CLI prints from). */
export function* stream(report: LintReport, options: ReporterOptions): Generator<string> {
  // One result at a time: the same text as stringifying the whole array, without one string that holds it all.
  const { locator, texts } = context(report);
  let sep = '[';
  for (const r of report.results) {
    yield sep + JSON.stringify(result(r, options, locator, texts));
    sep = ',';
  }
  yield report.results.length === 0 ? '[]\n' : ']\n';
}

export interface JsonFix {
  range: [number, number];
  text: string;
}

export interface JsonEdit extends JsonFix {
  filePath: string;
  /** Present when the edited file's text is known (always, unless the fix creates a file). */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export interface JsonRelated {
  filePath: string;
  message: string;
  range: [number, number];
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export interface JsonSuggestion {
  desc: string;
  /** Omitted when the suggestion edits another file (see `edits`). */
  fix?: JsonFix;
  edits: JsonEdit[];
}

export interface JsonMessage {
  ruleId: string | null;
  /** Only on a file that could not be parsed (or read). */
  fatal?: true;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  nodeType: null;
  messageId?: string;
  endLine: number;
  endColumn: number;
  /** Omitted when there is no safe fix, or when it edits another file (see `edits`). */
  fix?: JsonFix;
  suggestions?: JsonSuggestion[];
  level: Severity;
  url?: string;
  edits?: JsonEdit[];
  related?: JsonRelated[];
}

export interface JsonResult {
  filePath: string;
  messages: JsonMessage[];
  suppressedMessages: [];
  errorCount: number;
  fatalErrorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  usedDeprecatedRules: [];
  source?: string;
  output?: string;
  infoCount: number;
  kind: FileKind | null;
}

export function toJson(report: LintReport, options: ReporterOptions): JsonResult[] {
  const { locator, texts } = context(report);
  return report.results.map((r) => result(r, options, locator, texts));
}

function context(report: LintReport): { locator: Locator; texts: Map<string, string> } {
  const locator = new Locator(report);
  const texts = new Map<string, string>();
  for (const r of report.results) {
    const t = r.output ?? r.source;
    if (t !== undefined) texts.set(r.filePath, t);
  }
  return { locator, texts };
}

function result(r: LintResult, options: ReporterOptions, locator: Locator, texts: ReadonlyMap<string, string>): JsonResult {
  const cwd = options.cwd;
  const out: JsonResult = {
    filePath: absolutePath(r.filePath, cwd),
    messages: r.messages.map((m) => message(m, cwd, locator, texts.get(m.path))),
    suppressedMessages: [],
    errorCount: r.errorCount,
    fatalErrorCount: r.fatalErrorCount,
    // ESLint readers expect warningCount to match the severity-1 messages, and info findings are severity 1.
    warningCount: r.warningCount + r.infoCount,
    fixableErrorCount: r.fixableErrorCount,
    fixableWarningCount: r.fixableWarningCount + r.fixableInfoCount,
    usedDeprecatedRules: [],
    infoCount: r.infoCount,
    kind: r.kind ?? null,
  };
  // As ESLint: the source only for files with findings and no fixed output.
  if (options.includeSource && r.source !== undefined && r.output === undefined && r.messages.length > 0) out.source = r.source;
  if (r.output !== undefined) out.output = r.output;
  return out;
}

function message(m: Diagnostic, cwd: string, locator: Locator, text: string | undefined): JsonMessage {
  const start = m.place && 'start' in m.place ? m.place.start : m.place;
  const end = m.place && 'end' in m.place ? m.place.end : start;
  const out: JsonMessage = {
    ruleId: m.ruleId ?? null,
    ...(m.parseFailure ? { fatal: true as const } : {}),
    severity: m.severity === 'error' ? 2 : 1,
    message: m.reason,
    line: start?.line ?? 0,
    column: start?.column ?? 0,
    nodeType: null,
    ...(m.messageId !== undefined ? { messageId: m.messageId } : {}),
    endLine: end?.line ?? 0,
    endColumn: end?.column ?? 0,
    level: m.severity,
  };
  if (m.fix) {
    const fix = eslintFix(m.fix, m.path, text);
    if (fix) out.fix = fix;
  }
  if (m.suggestions && m.suggestions.length > 0) {
    out.suggestions = m.suggestions.map((s) => {
      const fix = eslintFix(s.fix, m.path, text);
      return { desc: s.description, ...(fix ? { fix } : {}), edits: edits(s.fix, cwd, locator) };
    });
  }
  if (m.url) out.url = m.url;
  if (m.fix) out.edits = edits(m.fix, cwd, locator);
  if (m.related && m.related.length > 0) {
    out.related = m.related.map((rel) => {
      const r: JsonRelated = { filePath: absolutePath(rel.path, cwd), message: rel.message, range: [rel.start, rel.end] };
      const a = locator.point(rel.path, rel.start);
      const b = locator.point(rel.path, rel.end);
      if (a && b) Object.assign(r, { line: a.line, column: a.column, endLine: b.line, endColumn: b.column });
      return r;
    });
  }
  return out;
}

/**
 * ESLint's one-range fix: the single edit, or several edits in this file merged
 * into one replacement of the span they cover (as ESLint merges fixes). A fix
 * that touches another file cannot be said this way.
 */
export function eslintFix(fix: Fix, path: string, text: string | undefined): JsonFix | undefined {
  if (fix.edits.length === 0 || fix.edits.some((e) => e.path !== path)) return undefined;
  if (fix.edits.length === 1) {
    const e = fix.edits[0]!;
    return { range: [e.start, e.end], text: e.text };
  }
  if (text === undefined) return undefined;
  const sorted = [...fix.edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let merged = '';
  let at = sorted[0]!.start;
  for (const e of sorted) {
    if (e.start < at || e.end < e.start || e.end > text.length) return undefined;
    merged += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return { range: [sorted[0]!.start, at], text: merged };
}

function edits(fix: Fix, cwd: string, locator: Locator): JsonEdit[] {
  return fix.edits.map((e) => {
    const out: JsonEdit = { filePath: absolutePath(e.path, cwd), range: [e.start, e.end], text: e.text };
    const a = locator.point(e.path, e.start);
    const b = locator.point(e.path, e.end);
    if (a && b) Object.assign(out, { line: a.line, column: a.column, endLine: b.line, endColumn: b.column });
    return out;
  });
}
