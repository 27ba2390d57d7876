// Builds dist-sea/vfio-lint: the CLI as one executable that runs without Node installed, with
// Node's single executable applications (https://nodejs.org/api/single-executable-applications.html):
// 1. bundle the CLI with every dependency inside (a SEA's own `require` loads only built-in modules);
// 2. `node --experimental-sea-config` turns the bundle into a blob (with V8's code cache in it);
// 3. copy this Node binary and inject the blob with the `postject` package.
// The result is for the platform and Node version that built it. `npm run build:sea` runs this.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Beside dist/, not in it: `npm run build` replaces dist/ whole.
const out = join(root, 'dist-sea');
const work = join(out, `.work-${process.pid}`);
const exe = join(out, process.platform === 'win32' ? 'vfio-lint.exe' : 'vfio-lint');
mkdirSync(work, { recursive: true });
try {
  const bundle = join(work, 'vfio-lint.cjs');
  await build({
    absWorkingDir: root,
    entryPoints: ['src/cli/bin.ts'],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    legalComments: 'none',
    minifyWhitespace: true,
    minifySyntax: true,
    define: { 'import.meta.url': '__vfioLintImportMetaUrl' },
    // In a SEA, __filename is the executable's own path.
    banner: { js: "const __vfioLintImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  const blob = join(work, 'vfio-lint.blob');
  const config = join(work, 'sea-config.json');
  // The dictionaries go in as assets (src/data/load.ts reads them with node:sea's getAsset).
  const assets = Object.fromEntries(readdirSync(join(root, 'data')).filter((f) => f.endsWith('.json')).map((f) => [`data/${f}`, join(root, 'data', f)]));
  writeFileSync(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets }));
  const prepared = spawnSync(process.execPath, ['--experimental-sea-config', config], { cwd: work, encoding: 'utf8' });
  if (prepared.status !== 0) throw new Error(`node --experimental-sea-config failed:\n${prepared.stdout}${prepared.stderr}`);

  const binary = join(work, 'vfio-lint');
  copyFileSync(process.execPath, binary);
  chmodSync(binary, 0o755);
  const postject = join(dirname(createRequire(import.meta.url).resolve('postject/package.json')), 'dist', 'cli.js');
  const args = [postject, binary, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'];
  if (process.platform === 'darwin') args.push('--macho-segment-name', 'NODE_SEA');
  // postject's ELF reader warns about note sections it does not know; only a failure is worth showing.
  const injected = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (injected.status !== 0) throw new Error(`postject failed:\n${injected.stdout}${injected.stderr}`);
  // Replaced whole: a test running the old one meanwhile keeps its copy.
  renameSync(binary, exe);
  console.log(`built ${exe}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
