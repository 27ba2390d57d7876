import type { LintReport } from '../engine/result.js';
import { displayPath } from './paths.js';
import { PARSE_ERROR_RULE, type ReporterOptions } from './types.js';
import { cdata, xmlAttr } from './xml-text.js';

/**
 * JUnit XML, for CI systems that show test reports (GitLab's `artifacts:reports:junit`, Jenkins,
 * Azure Pipelines): each file is a test suite, each finding a failed test case named by its place
 * and rule; a file without findings is one passing case. Rules that could not run are skipped test
 * cases, with the reason, in a suite of their own.
 */
export function format(report: LintReport, options: ReporterOptions): string {
  let suites = '';
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const r of report.results) {
    const path = displayPath(r.filePath, options.cwd);
    let cases = '';
    for (const d of r.messages) {
      const rule = d.ruleId ?? PARSE_ERROR_RULE;
      const place = `${path}:${d.line ?? 0}:${d.column ?? 0}`;
      let details = `${place}: ${d.severity}: ${d.reason} [${rule}]`;
      for (const rel of d.related ?? []) details += `\nrelated: ${displayPath(rel.path, options.cwd)}:${rel.line}:${rel.column} ${rel.message}`;
      cases += `    <testcase name="${xmlAttr(`${d.line ?? 0}:${d.column ?? 0} ${rule}`)}" classname="${xmlAttr(path)}" time="0">\n`;
      cases += `      <failure message="${xmlAttr(d.reason)}" type="${d.severity}">${cdata(details)}</failure>\n    </testcase>\n`;
    }
    const count = Math.max(r.messages.length, 1);
    if (r.messages.length === 0) cases = `    <testcase name="vfio-lint" classname="${xmlAttr(path)}" time="0"/>\n`;
    suites += `  <testsuite name="${xmlAttr(path)}" tests="${count}" failures="${r.messages.length}" errors="0" skipped="0" time="0">\n${cases}  </testsuite>\n`;
    tests += count;
    failures += r.messages.length;
  }
  if (report.skippedRules.length > 0) {
    suites += `  <testsuite name="rules not run" tests="${report.skippedRules.length}" failures="0" errors="0" skipped="${report.skippedRules.length}" time="0">\n`;
    for (const s of report.skippedRules) suites += `    <testcase name="${xmlAttr(s.ruleId)}" classname="vfio-lint.rules" time="0">\n      <skipped message="${xmlAttr(s.reason)}"/>\n    </testcase>\n`;
    suites += '  </testsuite>\n';
    tests += report.skippedRules.length;
    skipped += report.skippedRules.length;
  }
  return `<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="vfio-lint" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">\n${suites}</testsuites>\n`;
}
