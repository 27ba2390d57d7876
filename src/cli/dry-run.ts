import { relative } from 'node:path';
import type { LintReport } from '../engine/result.js';
import { unifiedDiff } from '../reporters/diff.js';

/**
 * `--fix-dry-run`'s patch: one unified diff per fixed file, of its bytes as `git apply` and `patch`
 * see them. A UTF-8 file's BOM is part of its first line. A UTF-16 file cannot be patched as text
 * (every character is two bytes, and git calls it binary), so its fixes are left out and `warn` says
 * so: one such file would otherwise make `git apply` reject the whole patch.
 */
export function dryRunDiff(report: LintReport, cwd: string, warn: (message: string) => void): string {
  let diff = '';
  for (const r of report.results) {
    if (r.output === undefined || r.source === undefined) continue;
    const path = relative(cwd, r.filePath) || r.filePath;
    const encoding = r.stored?.encoding ?? 'utf-8';
    if (encoding !== 'utf-8') {
      warn(`the fixes to ${path} are not in the diff: it is ${encoding.toUpperCase()}, which a patch cannot edit as text (--fix applies them; --format json shows them)`);
      continue;
    }
    const bom = r.stored?.bom ? '\uFEFF' : '';
    diff += unifiedDiff(path, bom + r.source, bom + r.output);
  }
  return diff;
}
