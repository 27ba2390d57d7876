// Long property-test runs: every test file that takes its fast-check parameters from
// fuzzParams() (test/helpers/fuzz.ts), with many more runs than CI and a fresh seed.
//
// Usage: node scripts/fuzz.mjs [--runs N] [--seed S] [filter ...]
//   --runs N   runs per property (default 20000; CI uses each test's own small count)
//   --seed S   replay a seed printed by an earlier run (default: a random one)
//   filter     only test files whose path contains one of these strings
// The seed is printed first, so a failure can be replayed with --seed.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');

function parse(argv) {
  const out = { runs: 20_000, seed: undefined, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs' || a === '--seed') {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || (a === '--runs' && v < 1)) {
        console.error(`fuzz: ${a} takes a whole number`);
        process.exit(2);
      }
      out[a.slice(2)] = v;
    } else if (a === '-h' || a === '--help') {
      console.log('Usage: node scripts/fuzz.mjs [--runs N] [--seed S] [filter ...]');
      process.exit(0);
    } else {
      out.filters.push(a);
    }
  }
  return out;
}

/** Test files under test/ that call fuzzParams(): the property tests. */
function propertyTestFiles() {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.test.ts') && readFileSync(p, 'utf8').includes('fuzzParams(')) found.push(relative(root, p));
    }
  };
  walk(join(root, 'test'));
  return found.sort();
}

const args = parse(process.argv.slice(2));
// fast-check takes a 32-bit signed seed.
const seed = args.seed ?? randomInt(-(2 ** 31), 2 ** 31);
const files = propertyTestFiles().filter((f) => args.filters.length === 0 || args.filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('fuzz: no property test file matches');
  process.exit(2);
}

console.log(`FUZZ_SEED=${seed} FUZZ_RUNS=${args.runs}`);
console.log(`replay: node scripts/fuzz.mjs --seed ${seed} --runs ${args.runs}${args.filters.map((f) => ` ${f}`).join('')}`);
console.log(`files (${files.length}): ${files.join(' ')}\n`);

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
// No per-test time limit: a long run is the point.
const r = spawnSync(process.execPath, [vitest, 'run', '--testTimeout=0', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SEED: String(seed), FUZZ_RUNS: String(args.runs) },
});
if (r.status !== 0) console.error(`\nfuzz: failed with FUZZ_SEED=${seed}; replay: node scripts/fuzz.mjs --seed ${seed} --runs ${args.runs}`);
process.exit(r.status ?? 1);
