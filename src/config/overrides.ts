import { relative } from 'node:path';
import type { Diagnostic } from '../engine/diagnostic.js';
import { parseSeverity, type Override } from './config.js';
import { matchesAny } from './glob.js';

/**
 * Per-path overrides act on findings by the file they are in: a rule turned
 * off for `hosts/laptop/**` drops its findings there; a severity replaces the
 * finding's. (Cross-file rules still see every file; only where a finding lands
 * decides.)
 */
export function applyOverrides(
  diagnostics: Diagnostic[],
  absPath: string,
  overrides: readonly Override[] | undefined,
  baseDir: string,
  /** Rules off in the base configuration that run only because an override turns them on somewhere. */
  baseOff: ReadonlySet<string>,
): Diagnostic[] {
  if ((!overrides || overrides.length === 0) && baseOff.size === 0) return diagnostics;
  const rel = relative(baseDir, absPath);
  const matching = (overrides ?? []).filter((o) => matchesAny(rel, o.files));
  if (matching.length === 0 && baseOff.size === 0) return diagnostics;
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (d.ruleId === undefined) {
      out.push(d);
      continue;
    }
    let severity: Diagnostic['severity'] | 'off' = baseOff.has(d.ruleId) ? 'off' : d.severity;
    for (const o of matching) {
      const setting = o.rules[d.ruleId];
      if (setting === undefined) continue;
      severity = parseSeverity(Array.isArray(setting) ? setting[0] : setting, 'overrides');
    }
    if (severity === 'off') continue;
    if (severity !== d.severity) {
      d.severity = severity;
      d.fatal = severity === 'error' ? true : severity === 'warning' ? false : undefined;
    }
    out.push(d);
  }
  return out;
}
