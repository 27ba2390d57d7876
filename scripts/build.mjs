// Builds the shipped files: one CommonJS bundle for the CLI (fast start: a single
// require, no ESM graph to resolve), the library as ESM and CJS bundles, the
// language server, and .d.ts types. Everything is built into a fresh directory
// that replaces dist/ only when complete, so a test running meanwhile never
// sees a half-empty dist/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync, existsSync, renameSync, mkdtempSync, chmodSync, mkdirSync, readdirSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = mkdtempSync(join(root, '.dist-'));
// mkdtemp makes it private; dist/ must be readable by anyone who runs the checkout.
chmodSync(out, 0o755);

try {
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'none',
    // Optional pieces are loaded on demand and stay outside the bundles.
    external: ['@xmldom/xmldom', 'xpath', 'vscode-languageserver', 'vscode-languageserver/node', 'vscode-languageserver/node.js', 'vscode-languageserver-textdocument'],
  };
  // CommonJS output has no import.meta; give it the one thing we use from it.
  const cjsImportMeta = {
    define: { 'import.meta.url': '__vfioLintImportMetaUrl' },
    banner: { js: "const __vfioLintImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
  // The CLI's start-up reads, decodes and (from the code cache) deserialises the whole bundle: whitespace
  // and syntax minification take a third off its size. Identifiers are not minified, so a --debug stack
  // trace still names functions.
  const startupSize = { minifyWhitespace: true, minifySyntax: true };
  // The CLI's bundle holds what a lint of files runs. What only some runs need is a file of its own beside
  // it, loaded by the `import()` that asks for it (in a CommonJS bundle esbuild would inline it): each
  // piece carries its own copy of the modules it shares with the bundle, so errors that cross from a piece
  // are told apart by a registered mark, not by class identity (src/core/errors.ts).
  const pieces = [
    ['src/cli/snapshot.ts', 'cli-snapshot.cjs'],
    ['src/cli/topology.ts', 'cli-topology.cjs'],
    ['src/cli/dry-run.ts', 'cli-dry-run.cjs'],
    ['src/live/read-machine.ts', 'cli-live.cjs'],
    // Every format but the default one (src/reporters/formats.ts).
    ...['json', 'sarif', 'github', 'unix', 'checkstyle', 'junit', 'gitlab'].map((name) => [`src/reporters/${name}.ts`, `cli-reporter-${name}.cjs`]),
  ];
  const entries = [
    { ...common, ...cjsImportMeta, ...startupSize, entryPoints: ['src/cli/bin.ts'], outfile: join(out, 'cli.cjs'), format: 'cjs', plugins: [cliPieces(pieces), lazySaxes()], supported: { 'dynamic-import': false } },
    ...pieces.map(([entry, file]) => ({ ...common, ...cjsImportMeta, ...startupSize, entryPoints: [entry], outfile: join(out, file), format: 'cjs' })),
    { ...common, ...cjsImportMeta, entryPoints: ['src/index.ts'], outfile: join(out, 'index.cjs'), format: 'cjs' },
    { ...common, entryPoints: ['src/index.ts'], outfile: join(out, 'index.js'), format: 'esm' },
  ];
  if (existsSync(join(root, 'src/lsp/server.ts'))) {
    entries.push({ ...common, ...cjsImportMeta, entryPoints: ['src/lsp/server.ts'], outfile: join(out, 'language-server.cjs'), format: 'cjs' });
  }
  await Promise.all(entries.map((options) => build(options)));

  if (!process.argv.includes('--no-types')) {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(out, 'types')], { cwd: root, stdio: 'inherit' });
    writeCjsTypes(join(out, 'types'));
  }
  // Swap in the new build: rename is atomic; the old one is removed after.
  const old = existsSync(dist) ? `${dist}.old-${process.pid}` : undefined;
  if (old) renameSync(dist, old);
  renameSync(out, dist);
  if (old) rmSync(old, { recursive: true, force: true });
} catch (err) {
  rmSync(out, { recursive: true, force: true });
  throw err;
}

/** esbuild plugin: a dynamic import of one of `pieces`' entries becomes a require of that piece's file. */
function cliPieces(pieces) {
  const byEntry = new Map(pieces.map(([entry, file]) => [join(root, entry), `./${file}`]));
  return {
    name: 'cli-pieces',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const file = byEntry.get(join(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
        return file === undefined ? undefined : { path: file, external: true };
      });
    },
  };
}

/**
 * esbuild plugin: saxes, the XML parser for what the fast scanner declines (src/parsers/xml/parse.ts),
 * is evaluated the first time a parser is made, not when the bundle loads: a lint of well-formed files
 * never runs it. The stand-in's constructor returns saxes' own parser.
 */
function lazySaxes() {
  return {
  name: 'lazy-saxes',
  setup(b) {
    b.onResolve({ filter: /^saxes$/ }, (args) => (args.namespace === 'lazy-saxes' ? undefined : { path: 'saxes', namespace: 'lazy-saxes' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-saxes' }, () => ({
      resolveDir: root,
      loader: 'js',
      contents: 'let saxes;\nexport class SaxesParser {\n  constructor(options) {\n    saxes ??= require("saxes");\n    return new saxes.SaxesParser(options);\n  }\n}\n',
    }));
  },
  };
}

/**
 * The package is `"type": "module"`, so TypeScript reads every `.d.ts` in it as ESM; a CommonJS user
 * (`module: node16`) who requires dist/index.cjs would be told it cannot require an ES module. Each
 * declaration file gets a `.d.cts` twin beside it, whose relative imports name the `.cjs` twins.
 * (TypeScript 5.3 or newer reads the `resolution-mode` attribute used for dependencies.)
 */
function writeCjsTypes(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) writeCjsTypes(p);
    else if (entry.name.endsWith('.d.ts')) {
      const text = readFileSync(p, 'utf8')
        .replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.js\2/g, '$1$2$3.cjs$2')
        // A dependency may be ESM only (vfile-message is): its types are imported as ESM, as types only.
        .replace(/^import (?:type )?(\{[^}]*\}) from '([^.'][^']*)';$/gm, (line, names, spec) => (spec.startsWith('node:') ? line : `import type ${names} from '${spec}' with { 'resolution-mode': 'import' };`));
      writeFileSync(`${p.slice(0, -'.d.ts'.length)}.d.cts`, text);
    }
  }
}

// Train V8's code cache for the CLI on the installed bundle (V8 records the script's path in the cache,
// so training on the temporary directory would name it in stack traces): one real run on the shipped
// example, in the default format, compiles the functions a run needs; the launcher saves them to
// cli.cjs.cache at exit. A failure here only costs start-up speed.
try {
  execFileSync(process.execPath, [join(root, 'bin', 'vfio-lint'), join(root, 'examples', 'desktop')], {
    cwd: root,
    env: { ...process.env, VFIO_LINT_TRAIN_CODE_CACHE: '1' },
    // A pipe, as in a hook or CI: a terminal would also load node:tty.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
} catch (err) {
  // Lint findings exit 1; only a missing cache matters, and the launcher then compiles as usual.
  if (!existsSync(join(dist, 'cli.cjs.cache'))) console.warn(`build: no code cache (${err.message.split('\n')[0]})`);
}
