import { resolve } from 'node:path';
import type { Config } from './config.js';
import { expandPaths } from './expand.js';
import type { LintReport } from '../engine/result.js';
import { collectInputs, type CollectedInputs, type CollectOptions } from '../pipeline/inputs.js';

export type MachineConfig = NonNullable<Config['machines']>[number];

/** The inputs of one machine described in the config file; its paths are relative to the config's directory. */
export function machineInputs(m: MachineConfig, baseDir: string, options: Omit<CollectOptions, 'cwd'> = {}): CollectedInputs {
  const domains = expandPaths(m.domains ?? [], baseDir);
  const files = expandPaths(m.files ?? [], baseDir);
  const paths = [...domains.paths, ...files.paths, ...(m.capabilities ? [resolve(baseDir, m.capabilities)] : []), ...(m.host ? [resolve(baseDir, m.host)] : [])];
  const collected = collectInputs(paths, { ...options, cwd: baseDir });
  const who = m.name ? `machine ${m.name}` : 'a machine';
  for (const missing of [...domains.missing, ...files.missing]) collected.unusable.push({ path: resolve(baseDir, missing), message: `${who}: no file matches this pattern` });
  return collected;
}

/** How a machine is named in messages: its name, else its place in the list. */
export function machineLabel(m: MachineConfig, index: number): string {
  return m.name ?? `#${index + 1}`;
}

/**
 * One report from several machines' reports. A rule skipped in every machine
 * for the same reason is listed once, as for one machine; a rule skipped only
 * in some says in which, so that a rule that ran elsewhere is not reported as
 * never run.
 */
export function mergeReports(reports: ReadonlyArray<{ label: string; report: LintReport }>): LintReport {
  if (reports.length === 1) return reports[0]!.report;
  const skippedRules: LintReport['skippedRules'] = [];
  const ids = [...new Set(reports.flatMap((r) => r.report.skippedRules.map((s) => s.ruleId)))];
  for (const id of ids) {
    const per = reports.map((r) => ({ label: r.label, skip: r.report.skippedRules.find((s) => s.ruleId === id) }));
    const reasons = new Set(per.map((p) => p.skip?.reason));
    if (reasons.size === 1 && per[0]!.skip) {
      skippedRules.push(per[0]!.skip);
      continue;
    }
    for (const p of per) if (p.skip) skippedRules.push({ ...p.skip, reason: `${p.skip.reason} (machine ${p.label})` });
  }
  return {
    results: reports.flatMap((r) => r.report.results),
    skippedRules,
    failures: reports.flatMap((r) => r.report.failures),
    rulesMeta: Object.assign({}, ...reports.map((r) => r.report.rulesMeta)),
    applied: reports.flatMap((r) => r.report.applied),
    undone: reports.flatMap((r) => r.report.undone),
  };
}
