import type { Diagnostic } from '../engine/diagnostic.js';
import type { LintReport } from '../engine/result.js';
import { displayPath } from './paths.js';
import { visibleControls } from './text.js';
import { PARSE_ERROR_RULE, reportText, type ReporterOptions } from './types.js';

/**
 * GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line
 * per finding, which the runner turns into an annotation on the file and line.
 * Related locations go into the message, one per line. Skipped rules are plain
 * log lines (annotations are capped per step; they should go to findings).
 */
export function format(report: LintReport, options: ReporterOptions): string {
  return reportText(stream(report, options));
}

/** `format`, one piece at a time (what the CLI prints from). */
export function* stream(report: LintReport, options: ReporterOptions): Generator<string> {
  for (const r of report.results) {
    let out = '';
    for (const d of r.messages) out += `${command(d, options.cwd)}\n`;
    if (out !== '') yield out;
  }
  let out = '';
  for (const s of report.skippedRules) if (!s.liveOnly) out += `vfio-lint: rule ${escapeData(s.ruleId)} skipped: ${escapeData(s.reason)}\n`;
  yield out;
}

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

function command(d: Diagnostic, cwd: string): string {
  const start = d.place && 'start' in d.place ? d.place.start : d.place;
  const end = d.place && 'end' in d.place ? d.place.end : start;
  const props: string[] = [`file=${escapeProperty(displayPath(d.path, cwd))}`];
  if (start && start.line >= 1) {
    props.push(`line=${start.line}`);
    // The runner only keeps columns on a one-line annotation.
    const oneLine = !end || end.line === start.line;
    if (oneLine && start.column >= 1) props.push(`col=${start.column}`);
    if (end && end.line >= start.line) props.push(`endLine=${end.line}`);
    if (oneLine && end && end.column >= 1) props.push(`endColumn=${end.column}`);
  }
  props.push(`title=${escapeProperty(d.ruleId ?? PARSE_ERROR_RULE)}`);
  let message = d.reason;
  for (const rel of d.related ?? []) {
    const where = rel.line > 0 ? `${displayPath(rel.path, cwd)}:${rel.line}:${rel.column}` : displayPath(rel.path, cwd);
    message += `\nrelated: ${where} ${rel.message}`;
  }
  return `::${COMMAND[d.severity]} ${props.join(',')}::${escapeData(message)}`;
}

/**
 * The runner's escaping for a command's message; other control characters (an ESC from a
 * file's text would reach whoever reads the log in a terminal) are shown as `\xNN`.
 */
export function escapeData(s: string): string {
  return visibleControls(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** The runner's escaping for a property value: as data, plus the `:` and `,` that delimit properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
