// Builds the shipped files: one CommonJS bundle for the CLI (fast start: a single
// require, no ESM graph to resolve), the library as ESM and CJS bundles, and .d.ts types.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  // Optional pieces are loaded on demand and stay outside the bundle.
  external: ['@xmldom/xmldom', 'xpath', 'vscode-languageserver', 'vscode-languageserver/node', 'vscode-languageserver-textdocument'],
};
// CommonJS output has no import.meta; give it the one thing we use from it.
const cjsImportMeta = {
  define: { 'import.meta.url': '__vfioLintImportMetaUrl' },
  banner: { js: "const __vfioLintImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

const entries = [
  { ...common, ...cjsImportMeta, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.cjs', format: 'cjs' },
  { ...common, ...cjsImportMeta, entryPoints: ['src/index.ts'], outfile: 'dist/index.cjs', format: 'cjs' },
  { ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', format: 'esm' },
];
if (existsSync(join(root, 'src/lsp/server.ts'))) {
  entries.push({ ...common, ...cjsImportMeta, entryPoints: ['src/lsp/server.ts'], outfile: 'dist/language-server.cjs', format: 'cjs' });
}
await Promise.all(entries.map((options) => build(options)));

if (!process.argv.includes('--no-types')) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
