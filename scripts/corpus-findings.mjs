// Lint each real-world repo of the shared corpus as one machine and count findings per rule.
// Usage: node scripts/corpus-findings.mjs [--list RULE] [--folders]   (after `npm run build`)
// --folders lints each repo's folder as `vfio-lint <repo folder>` does (discovery and machine grouping),
// instead of the files MANIFEST.tsv lists for it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lintFiles } from '../dist/index.js';

const corpus = resolve(import.meta.dirname, '../../shared/corpus');
const rows = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
const byRepo = new Map();
for (const [path, , , , , kind] of rows) {
  if (!path.startsWith('real-world/')) continue;
  const repo = path.split('/')[1];
  if (!byRepo.has(repo)) byRepo.set(repo, []);
  byRepo.get(repo).push({ path: join(corpus, path), kind });
}
const list = process.argv.includes('--list') ? process.argv[process.argv.indexOf('--list') + 1] : undefined;
const counts = new Map();
for (const [repo, files] of byRepo) {
  // Files the path cannot classify (a module list kept as `other`) are named by their kind.
  const paths = process.argv.includes('--folders') ? [join(corpus, 'real-world', repo)] : files.filter((f) => f.kind !== 'other').map((f) => f.path);
  const report = await lintFiles(paths, { config: false, cwd: join(corpus, 'real-world', repo) });
  for (const r of report.results) {
    for (const m of r.messages) {
      const id = m.ruleId ?? 'fatal';
      counts.set(id, (counts.get(id) ?? 0) + 1);
      if (list && id === list) console.log(`${r.filePath.slice(corpus.length + 1)}:${m.place?.start?.line ?? '?'}: ${m.severity}: ${m.message}`);
    }
  }
  if (report.failures.length) console.log(repo, 'FAILURES', report.failures);
}
if (!list) for (const [id, n] of [...counts].sort()) console.log(`${id}\t${n}`);
