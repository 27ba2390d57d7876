// Mutation testing on demand: `npm run mutate` runs StrykerJS (stryker.config.mjs) over each area in
// turn, one test process at a time, and prints each area's score and every surviving mutant.
//
//   npm run mutate                       every area: rules, engine, edit, host
//   npm run mutate -- engine edit        only these areas
//   npm run mutate -- --mutate 'src/engine/fix.ts,src/engine/fix-loop.ts'   files or globs, comma-separated
//                                        (Stryker splits on commas, so no {a,b} braces); reported as "custom"
//   npm run mutate -- --report-only      re-print the last reports without running anything
//
// Each area's JSON report is kept in reports/mutation/<area>.json. The bar is 80% killed per area
// (docs/contributing.md, "Mutation testing"); the script exits 1 when an area it ran is below it.
// It is not part of `npm test` or CI: a full run takes tens of minutes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const AREAS = {
  rules: ['src/rules/**/*.ts'],
  engine: ['src/engine/**/*.ts'],
  edit: ['src/edit/**/*.ts'],
  host: ['src/host/**/*.ts'],
};
const BAR = 80;

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
const custom = args.includes('--mutate') ? args[args.indexOf('--mutate') + 1] : undefined;
const named = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--mutate');
for (const a of named) {
  if (!(a in AREAS)) {
    console.error(`mutate: unknown area '${a}' (areas: ${Object.keys(AREAS).join(', ')})`);
    process.exit(2);
  }
}
const runs = custom ? [['custom', [custom]]] : (named.length > 0 ? named : Object.keys(AREAS)).map((a) => [a, AREAS[a]]);
const dir = join(root, 'reports', 'mutation');
mkdirSync(dir, { recursive: true });

let below = false;
for (const [area, globs] of runs) {
  const report = join(dir, `${area}.json`);
  if (!reportOnly) {
    console.log(`\n== ${area}: mutating ${globs.join(' ')}`);
    const bin = join(root, 'node_modules', '.bin', 'stryker');
    // Stryker runs the tests in a sandbox under .stryker-tmp/, where ../shared is not the corpus: name it.
    const env = { ...process.env, VFIO_LINT_CORPUS: process.env.VFIO_LINT_CORPUS ?? join(root, '..', 'shared', 'corpus') };
    const r = spawnSync(bin, ['run', 'stryker.config.mjs', '--mutate', globs.join(','), '--concurrency', '1'], { cwd: root, stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`mutate: stryker failed on ${area} (exit ${r.status ?? r.signal})`);
      process.exit(1);
    }
    renameSync(join(dir, 'mutation.json'), report);
  }
  if (!existsSync(report)) {
    console.log(`== ${area}: no report yet (run npm run mutate -- ${area})`);
    continue;
  }
  const score = summarize(area, JSON.parse(readFileSync(report, 'utf8')));
  if (score < BAR) below = true;
}
process.exit(below ? 1 : 0);

/** Print an area's score and its survivors (file:line:col mutator: the replacement); return the score. */
function summarize(area, report) {
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
  const survivors = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      if (m.status in count) count[m.status]++;
      else count.other++;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const at = `${relative(root, join(root, file))}:${m.location.start.line}:${m.location.start.column}`;
        survivors.push(`  ${at} ${m.mutatorName}${m.status === 'NoCoverage' ? ' (no test runs it)' : ''}: ${JSON.stringify(m.replacement ?? '')}`);
      }
    }
  }
  const detected = count.Killed + count.Timeout;
  const valid = detected + count.Survived + count.NoCoverage;
  // No mutant at all is a glob that matched nothing, not a perfect score.
  const score = valid === 0 ? 0 : (100 * detected) / valid;
  console.log(`\n== ${area}: ${score.toFixed(1)}% killed (${count.Killed} killed, ${count.Timeout} timed out, ${count.Survived} survived, ${count.NoCoverage} not covered; ${count.other} invalid or ignored)${valid === 0 ? ' — no mutants: the glob matched no file' : score < BAR ? ` — below ${BAR}%` : ''}`);
  for (const s of survivors) console.log(s);
  return score;
}
