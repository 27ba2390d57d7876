import { VFileMessage } from 'vfile-message';
import type { SourceFile } from '../core/source.js';
import type { Range } from '../core/range.js';
import type { Fix, Suggestion } from './fix.js';
import type { RelatedLocation, Severity } from './rule.js';

/**
 * A finding, as a vfile message: `ruleId`, `source` ('vfio-lint'), `place`
 * (start and end points), `url` (the rule's docs), `fatal` (true for errors,
 * false for warnings, undefined for info, as vfile has it), plus the exact
 * range, the severity by name, and any fix or suggestions.
 */
export interface Diagnostic extends VFileMessage {
  /** `undefined` only for a fatal parse failure, as ESLint reports those (ruleId null in JSON). */
  ruleId: string | undefined;
  severity: Severity;
  path: string;
  range: Range;
  messageId: string | undefined;
  fix: Fix | undefined;
  suggestions: Suggestion[] | undefined;
  related: Array<RelatedLocation & { line: number; column: number }> | undefined;
  /** True for a file that could not be parsed at all. */
  parseFailure: boolean;
}

export interface DiagnosticInit {
  message: string;
  ruleId: string | undefined;
  messageId?: string;
  severity: Severity;
  range: Range;
  url?: string;
  fix?: Fix;
  suggestions?: Suggestion[];
  related?: RelatedLocation[];
  parseFailure?: boolean;
}

/** `lookup` finds the source of a related location's file (they may be in other files). */
export function createDiagnostic(source: SourceFile, init: DiagnosticInit, lookup?: (path: string) => SourceFile | undefined): Diagnostic {
  const start = source.lines.point(init.range.start);
  const end = source.lines.point(init.range.end);
  // vfile-message extends Error; a stack trace per finding is pure cost.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const msg = new VFileMessage(init.message, { place: { start, end }, ruleId: init.ruleId, source: 'vfio-lint' }) as Diagnostic;
  Error.stackTraceLimit = limit;
  msg.file = source.path;
  msg.fatal = init.severity === 'error' ? true : init.severity === 'warning' ? false : undefined;
  msg.url = init.url;
  msg.ruleId = init.ruleId;
  msg.severity = init.severity;
  msg.path = source.path;
  msg.range = { start: init.range.start, end: init.range.end };
  msg.messageId = init.messageId;
  msg.fix = init.fix;
  msg.suggestions = init.suggestions;
  msg.parseFailure = init.parseFailure ?? false;
  // An empty list is no list: rules may pass what they gathered as it is, and API users see one form.
  msg.related = init.related?.length ? init.related.map((r) => {
    const src = r.path === source.path ? source : lookup?.(r.path);
    const p = src ? src.lines.point(r.start) : { line: 0, column: 0 };
    return { ...r, line: p.line, column: p.column };
  }) : undefined;
  return msg;
}

/** Position order, then rule id. Plain code-unit comparison: ids are ASCII, and localeCompare would load ICU's collator (about 6 ms at start-up). */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const x = a.ruleId ?? '';
  const y = b.ruleId ?? '';
  return a.range.start - b.range.start || a.range.end - b.range.end || (x < y ? -1 : x > y ? 1 : 0);
}
