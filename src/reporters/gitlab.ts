import type { LintReport } from '../engine/result.js';
import type { Category, Severity } from '../engine/rule.js';
import { displayPath } from './paths.js';
import { PARSE_ERROR_RULE, type ReporterOptions } from './types.js';

/**
 * GitLab Code Quality (`artifacts:reports:codequality`): a JSON array of Code Climate issues that
 * GitLab shows in merge requests. Paths are relative to the working directory, which in CI is the
 * repository's root. The fingerprint names the rule, the file, the message and its count among the
 * same findings in that file, but not the line: GitLab compares fingerprints between the target
 * branch and the merge request, and a finding that only moved is not new.
 */
export function format(report: LintReport, options: ReporterOptions): string {
  const { createHash } = process.getBuiltinModule('node:crypto');
  const issues: unknown[] = [];
  for (const r of report.results) {
    const seen = new Map<string, number>();
    for (const d of r.messages) {
      const path = displayPath(d.path, options.cwd);
      const rule = d.ruleId ?? PARSE_ERROR_RULE;
      const key = `${rule}\0${path}\0${d.reason}`;
      const nth = (seen.get(key) ?? 0) + 1;
      seen.set(key, nth);
      const category = d.ruleId ? report.rulesMeta[d.ruleId]?.category : 'correctness';
      const begin = Math.max(d.line ?? 0, 1);
      const end = Math.max(d.place && 'end' in d.place ? d.place.end.line : begin, begin);
      issues.push({
        type: 'issue',
        check_name: rule,
        description: d.reason,
        ...(category ? { categories: [CATEGORY[category]] } : {}),
        severity: SEVERITY[d.severity],
        fingerprint: createHash('sha256').update(`${key}\0${nth}`).digest('hex'),
        location: { path, lines: { begin, end } },
      });
    }
  }
  return `${JSON.stringify(issues)}\n`;
}

/** GitLab's levels are info, minor, major, critical and blocker. */
const SEVERITY: Record<Severity, string> = { error: 'major', warning: 'minor', info: 'info' };

/** Code Climate's categories. */
const CATEGORY: Record<Category, string> = { correctness: 'Bug Risk', stability: 'Bug Risk', performance: 'Performance', security: 'Security', style: 'Style' };
