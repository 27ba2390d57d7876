import type { Diagnostic } from '../engine/diagnostic.js';
import type { LintReport } from '../engine/result.js';
import type { Severity } from '../engine/rule.js';
import { displayPath } from './paths.js';
import { displayWidth, oneLine, paint, type Paint } from './text.js';
import { reportText, type ReporterOptions } from './types.js';
import { wrapWords } from './wrap.js';

/**
 * ESLint's default look: findings grouped under each file's (underlined) path,
 * in aligned columns `line:col  severity  message  rule`, then a summary.
 * Related locations sit indented under their finding; rules that could not run
 * are listed last, dimmed. Prints nothing when there is nothing to say.
 */
export function format(report: LintReport, options: ReporterOptions): string {
  return reportText(stream(report, options));
}

/** `format`, one piece at a time (what the CLI prints from). */
export function* stream(report: LintReport, options: ReporterOptions): Generator<string> {
  const p = paint(options.color);
  const counts = { error: 0, warning: 0, info: 0 };
  const fixable = { error: 0, warning: 0, info: 0 };
  let out = '';

  // The counts first, so each file's table can be printed (yielded) as soon as it is made.
  for (const result of report.results) {
    if (result.messages.length === 0) continue;
    counts.error += result.errorCount;
    counts.warning += result.warningCount;
    counts.info += result.infoCount;
    fixable.error += result.fixableErrorCount;
    fixable.warning += result.fixableWarningCount;
    fixable.info += result.fixableInfoCount;
  }
  const total = counts.error + counts.warning + counts.info;
  if (total > 0) {
    yield '\n';
    for (const result of report.results) {
      if (result.messages.length === 0) continue;
      yield `${p.underline(oneLine(displayPath(result.filePath, options.cwd)))}\n${table(result.messages, options.cwd, p, options.width)}\n`;
    }
    const tone = counts.error > 0 ? p.red : counts.warning > 0 ? p.yellow : p.cyan;
    const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
    if (counts.info > 0) parts.push(`${counts.info} info`);
    out = `${tone(p.bold(`\u2716 ${plural(total, 'problem')} (${parts.join(', ')})`))}\n`;
    if (fixable.error + fixable.warning + fixable.info > 0) {
      const fix = [plural(fixable.error, 'error'), plural(fixable.warning, 'warning')];
      if (fixable.info > 0) fix.push(`${fixable.info} info`);
      const list = fix.length === 2 ? fix.join(' and ') : `${fix.slice(0, -1).join(', ')} and ${fix[fix.length - 1]}`;
      out += `${tone(p.bold(`  ${list} potentially fixable with the \`--fix\` option.`))}\n`;
    }
  }

  const skipped = report.skippedRules.filter((s) => !s.liveOnly);
  if (skipped.length > 0) {
    if (out !== '') out += '\n';
    // One line per reason: a lone modprobe file would otherwise list every domain rule on its own line.
    const byReason = new Map<string, string[]>();
    for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.ruleId]);
    for (const [reason, ids] of byReason) out += `${p.dim(oneLine(`${ids.length === 1 ? 'rule' : 'rules'} ${ids.join(', ')} skipped: ${reason}`))}\n`;
  }
  yield out;
}

/** The largest of `f` over `items` (0 for none), without spreading them into arguments: a file may have 100,000 findings. */
function widest<T>(items: readonly T[], f: (t: T) => number): number {
  let w = 0;
  for (const t of items) w = Math.max(w, f(t));
  return w;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function table(messages: readonly Diagnostic[], cwd: string, p: Paint, width: number | undefined): string {
  const rows = messages.map((m) => {
    // As ESLint: a sentence's final full stop is noise in a table.
    const text = oneLine(m.reason).replace(/([^ ])\.$/u, '$1');
    return { m, line: String(m.line ?? 0), column: String(m.column ?? 0), text, textWidth: displayWidth(text) };
  });
  const lineW = widest(rows, (r) => r.line.length);
  const colW = widest(rows, (r) => r.column.length);
  const sevW = widest(rows, (r) => r.m.severity.length);
  let textW = widest(rows, (r) => r.textWidth);
  // On a terminal of known width, long messages wrap inside their column so the rule ids stay in
  // theirs (unless that leaves the message too narrow a column to read).
  const indent = 2 + lineW + 1 + colW + 2 + sevW + 2;
  const ruleW = widest(rows, (r) => (r.m.ruleId ?? '').length);
  const room = width === undefined ? Infinity : width - indent - 2 - ruleW;
  if (room >= 30 && textW > room) textW = room;
  const lines: string[] = [];
  for (const r of rows) {
    const pos = p.dim(`${r.line.padStart(lineW)}:${r.column.padEnd(colW)}`);
    const sev = severityLabel(r.m.severity, p) + ' '.repeat(sevW - r.m.severity.length);
    const rule = r.m.ruleId ? p.dim(r.m.ruleId) : '';
    const [first, ...more] = r.textWidth > textW ? wrapWords(r.text, textW) : [r.text];
    // An unwrapped message is padded by its known width; a wrapped one's first line is measured.
    const pad = textW - (more.length === 0 ? r.textWidth : displayWidth(first!));
    lines.push(`  ${pos}  ${sev}  ${first!}${' '.repeat(Math.max(0, pad))}  ${rule}`.trimEnd());
    for (const l of more) lines.push(`${' '.repeat(indent)}${l}`);
    for (const rel of r.m.related ?? []) {
      const where = rel.line > 0 ? `${displayPath(rel.path, cwd)}:${rel.line}:${rel.column}` : displayPath(rel.path, cwd);
      lines.push(`    ${p.dim(`related: ${oneLine(where)}`)} ${oneLine(rel.message)}`.trimEnd());
    }
  }
  return `${lines.join('\n')}\n`;
}

function severityLabel(severity: Severity, p: Paint): string {
  return severity === 'error' ? p.red(severity) : severity === 'warning' ? p.yellow(severity) : p.cyan(severity);
}
