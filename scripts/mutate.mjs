// Mutation testing on demand: `npm run mutate` runs StrykerJS (stryker.config.mjs) with one test
// process and prints each area's score, each file's score and every surviving mutant.
//
//   npm run mutate                       every area, one Stryker run per area: rules, engine, edit, host
//   npm run mutate -- engine edit        only these areas
//   npm run mutate -- --files src/host/modprobe.ts,src/host/grub.ts   a slice: these files or globs
//                                        (comma-separated, no {a,b} braces: Stryker splits on commas),
//                                        each inside an area; its results are merged into that area's report
//   npm run mutate -- host --report-only re-print the reports without running anything
//   npm run mutate -- host --concurrency 2   test processes at once (default 1: the machine is
//                                        usually shared; on an idle machine, one per core)
//
// The report is committed, one file per mutated source file: reports/mutation/<path>.json (for example
// reports/mutation/src/host/grub.ts.json) holds the mutants of that file from the last run that
// mutated it, with the hash of the source they were made from. So an area's score is built over
// several runs and sessions (a whole area takes hours on a loaded machine), and parallel runs over
// different files never touch the same report file. A file whose source changed since its mutants
// were recorded is reported as stale and left out of the score, and the area's score says how many
// of its files it covers. The bar is 80% killed per area
// (docs/contributing.md, "Mutation testing"); the script exits 1 when an area it prints is below it.
// It is not part of `npm test` or CI.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const AREAS = { rules: 'src/rules', engine: 'src/engine', edit: 'src/edit', host: 'src/host' };
const BAR = 80;
const dir = join(root, 'reports', 'mutation');

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
// An option's value: undefined when the option is absent, '' when it is given without one.
const valueOf = (opt) => (args.includes(opt) ? (args[args.indexOf(opt) + 1] ?? '') : undefined);
const filesArg = valueOf('--files');
const concurrency = valueOf('--concurrency') ?? '1';
const named = args.filter((a, i) => !a.startsWith('--') && !['--files', '--concurrency'].includes(args[i - 1]));
const fail = (msg) => {
  console.error(`mutate: ${msg}`);
  process.exit(2);
};
for (const a of args) if (a.startsWith('--') && !['--files', '--concurrency', '--report-only'].includes(a)) fail(`unknown option '${a}' (options: --files LIST, --concurrency N, --report-only)`);
if (!/^[1-9][0-9]?$/.test(concurrency)) fail(`--concurrency needs a number of test processes (1-99)${concurrency ? `, not '${concurrency}'` : ''}`);
for (const a of named) if (!(a in AREAS)) fail(`unknown area '${a}' (areas: ${Object.keys(AREAS).join(', ')})`);
if (filesArg === '') fail('--files needs a comma-separated list of files or globs');
if (filesArg && reportOnly) fail('--files and --report-only do not go together');

mkdirSync(dir, { recursive: true });

if (filesArg) {
  // A slice: every entry must lie inside one area (inside a named one, when areas are named).
  const entries = filesArg.split(',').map((s) => s.trim().replace(/^\.\//, '')).filter(Boolean);
  const areas = new Set();
  for (const e of entries) {
    const area = areaOf(e);
    if (!area) fail(`'${e}' is in no area (areas: ${Object.entries(AREAS).map(([a, d]) => `${a} = ${d}/`).join(', ')})`);
    if (named.length > 0 && !named.includes(area)) fail(`'${e}' is in area ${area}, not in ${named.join(', ')}`);
    if (!/[*?[\]]/.test(e) && !existsSync(join(root, e))) fail(`'${e}': no such file`);
    areas.add(area);
  }
  const run = stryker(entries, entries.filter((e) => !/[*?[\]]/.test(e)));
  const got = Object.keys(run.files);
  if (got.length === 0) fail(`'${filesArg}' matched no file with a mutant`);
  for (const [file, entry] of Object.entries(run.files)) save(file, entry);
  console.log(`\n== recorded ${got.length} file(s) under reports/mutation/`);
  finish([...areas]);
} else {
  const areas = named.length > 0 ? named : Object.keys(AREAS);
  if (!reportOnly) {
    for (const area of areas) {
      const run = stryker([`${AREAS[area]}/**/*.ts`], areaFiles(area));
      for (const [file, entry] of Object.entries(run.files)) save(file, entry);
    }
  }
  finish(areas);
}

/** The area a repository path (file or glob) lies in, or undefined. */
function areaOf(path) {
  return Object.keys(AREAS).find((a) => path.startsWith(`${AREAS[a]}/`));
}

/**
 * One Stryker run over these files or globs. Returns its files, each with the run's time, and with
 * killedBy as test names: test ids are numbered per run, so they mean nothing once runs are merged.
 * Stryker leaves a file without mutants out of its report; each of `known` (files the run surely
 * covered) is recorded all the same, so it does not show as never mutated.
 */
function stryker(globs, known) {
  console.log(`\n== mutating ${globs.join(' ')}`);
  const out = join(dir, 'mutation.json');
  rmSync(out, { force: true });
  const bin = join(root, 'node_modules', '.bin', 'stryker');
  // Stryker runs the tests in a sandbox under .stryker-tmp/, where ../shared is not the corpus: name it.
  const env = { ...process.env, VFIO_LINT_CORPUS: process.env.VFIO_LINT_CORPUS ?? join(root, '..', 'shared', 'corpus') };
  // Stryker's incremental mode, one file per slice: a run of the same slice again re-tests only the mutants
  // whose code or covering tests changed (the survivors a new test now covers), and reuses the rest.
  const key = createHash('sha1').update([...globs].sort().join(',')).digest('hex').slice(0, 12);
  const incremental = join(dir, 'incremental', `${key}.json`);
  const r = spawnSync(bin, ['run', 'stryker.config.mjs', '--mutate', globs.join(','), '--concurrency', concurrency, '--incremental', '--incrementalFile', incremental], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0 || !existsSync(out)) {
    console.error(`mutate: stryker failed on ${globs.join(',')} (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(out);
  const names = new Map();
  for (const [file, { tests }] of Object.entries(report.testFiles ?? {})) for (const t of tests) names.set(t.id, `${file} > ${t.name}`);
  const at = new Date().toISOString();
  const files = {};
  for (const [file, entry] of Object.entries(report.files)) {
    // Kept per mutant: what it was, where, and how it ended (with the first test that killed it).
    const mutants = entry.mutants.map((m) => ({
      at: `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}`,
      mutator: m.mutatorName,
      replacement: m.replacement ?? '',
      status: m.status,
      ...(m.killedBy?.length ? { killedBy: names.get(m.killedBy[0]) ?? m.killedBy[0] } : {}),
    }));
    files[file] = { sha: sha(entry.source), mutatedAt: at, mutants };
  }
  for (const file of known) files[file] ??= { sha: sha(readFileSync(join(root, file), 'utf8')), mutatedAt: at, mutants: [] };
  return { files };
}

function sha(text) {
  return createHash('sha1').update(text).digest('hex');
}

function reportPath(file) {
  return join(dir, `${file}.json`);
}

/** An area's recorded files (path -> { sha, mutatedAt, mutants }), for the area's current files. */
function load(area) {
  const files = {};
  for (const file of areaFiles(area)) {
    const p = reportPath(file);
    if (existsSync(p)) files[file] = JSON.parse(readFileSync(p, 'utf8'));
  }
  return files;
}

/** One mutant per line, so a re-run's diff shows which mutants changed. */
function save(file, entry) {
  mkdirSync(dirname(reportPath(file)), { recursive: true });
  const mutants = entry.mutants.map((m) => `    ${JSON.stringify(m)}`).join(',\n');
  writeFileSync(reportPath(file), `{\n  "file": ${JSON.stringify(file)},\n  "sha": "${entry.sha}",\n  "mutatedAt": "${entry.mutatedAt}",\n  "mutants": [${mutants ? `\n${mutants}\n  ` : ''}]\n}\n`);
}

/** The .ts files of an area, as repository paths. */
function areaFiles(area) {
  return readdirSync(join(root, AREAS[area]), { recursive: true })
    .map((f) => `${AREAS[area]}/${f}`.replaceAll('\\', '/'))
    .filter((f) => f.endsWith('.ts'))
    .sort();
}

function finish(areas) {
  let below = false;
  for (const area of areas) if (summarize(area) < BAR) below = true;
  process.exit(below ? 1 : 0);
}

/**
 * Print an area's score, each file's score and the survivors (file:line:col mutator: replacement);
 * return the area's score. Only files whose recorded source is the current one count.
 */
function summarize(area) {
  const files = load(area);
  const all = areaFiles(area);
  if (Object.keys(files).length === 0) {
    console.log(`\n== ${area}: no report yet (npm run mutate -- ${area}, or --files for a slice)`);
    return Infinity;
  }
  const total = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
  const rows = [];
  const survivors = [];
  const stale = [];
  for (const [file, entry] of Object.entries(files)) {
    if (!all.includes(file)) continue; // removed since
    if (sha(readFileSync(join(root, file), 'utf8')) !== entry.sha) {
      stale.push(file);
      continue;
    }
    const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
    for (const m of entry.mutants) {
      const k = m.status in count ? m.status : 'other';
      count[k]++;
      total[k]++;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        survivors.push(`  ${file}:${m.at.split('-')[0]} ${m.mutator}${m.status === 'NoCoverage' ? ' (no test runs it)' : ''}: ${JSON.stringify(m.replacement)}`);
      }
    }
    const valid = count.Killed + count.Timeout + count.Survived + count.NoCoverage;
    if (valid > 0) rows.push(`  ${score(count).toFixed(1).padStart(5)}%  ${String(count.Survived + count.NoCoverage).padStart(3)} left of ${String(valid).padStart(3)}  ${file}${entry.mutatedAt ? `  (${entry.mutatedAt.slice(0, 16)})` : ''}`);
  }
  const missing = all.filter((f) => !(f in files));
  const counted = all.length - missing.length - stale.length;
  const valid = total.Killed + total.Timeout + total.Survived + total.NoCoverage;
  const s = score(total);
  const coverage = counted === all.length ? '' : ` — over ${counted} of ${all.length} files`;
  console.log(`\n== ${area}: ${s.toFixed(1)}% killed (${total.Killed} killed, ${total.Timeout} timed out, ${total.Survived} survived, ${total.NoCoverage} not covered; ${total.other} invalid or ignored)${coverage}${valid === 0 ? ' — no mutants' : s < BAR ? ` — below ${BAR}%` : ''}`);
  for (const r of rows) console.log(r);
  if (stale.length > 0) console.log(`  stale (source changed since mutated; run --files again): ${stale.join(', ')}`);
  if (missing.length > 0 && missing.length < all.length) console.log(`  not mutated yet: ${missing.length} file(s)${missing.length <= 12 ? `: ${missing.join(', ')}` : ''}`);
  for (const line of survivors) console.log(line);
  return valid === 0 ? 0 : s;
}

function score(c) {
  const detected = c.Killed + c.Timeout;
  const valid = detected + c.Survived + c.NoCoverage;
  return valid === 0 ? 0 : (100 * detected) / valid;
}
