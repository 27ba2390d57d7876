// Builds the playground (docs/playground.md): a static page in dist-playground/ made of index.html,
// style.css and one browser bundle of the library and the page. The bundle must hold no Node API:
// any `node:` import fails the build, naming the file that made it, except three replacements made
// on purpose (below). Built into a fresh directory that replaces the old one only when complete.
//
//   node playground/build.mjs [--out DIR] [--docs-base URL] [--entry FILE]
//
// --docs-base: where rule pages are linked (`<base><rule-id>.md`); default: each rule's own docs URL.
import { build } from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const outDir = resolve(option('--out') ?? join(root, 'dist-playground'));
const docsBase = option('--docs-base') ?? '';
// Another entry point: the tests check that a Node import fails the build.
const entry = option('--entry') ?? 'playground/src/main.ts';

/**
 * Modules swapped for the browser, by path under the repo: each swap is a file in playground/src/shims
 * saying why. node:path is string work on '/'-separated names; the other two are the library's only
 * readers of files that a lint of texts reaches (dictionaries, and the snapshot kind's reader).
 */
const SWAPS = new Map([
  ['src/data/source.ts', 'playground/src/shims/dictionaries.ts'],
  ['src/live/fs.ts', 'playground/src/shims/live-fs.ts'],
]);
const PATH_SHIM = join(root, 'playground/src/shims/path.ts');

const browserOnly = {
  name: 'vfio-lint-browser-only',
  setup(b) {
    b.onResolve({ filter: /^node:|^(fs|path|url|os|child_process|module|crypto|util|stream|process|buffer)(\/.*)?$/ }, (a) => {
      if (a.path === 'node:path') return { path: PATH_SHIM };
      return { errors: [{ text: `${a.path} imported by ${relative(root, a.importer)}: the playground bundle must not use Node APIs (playground/build.mjs lists the allowed replacements)` }] };
    });
    b.onLoad({ filter: /\.ts$/ }, (a) => {
      const swap = SWAPS.get(relative(root, a.path).replaceAll('\\', '/'));
      if (!swap) return undefined;
      return { contents: readFileSync(join(root, swap), 'utf8'), loader: 'ts', resolveDir: dirname(join(root, swap)) };
    });
    b.onResolve({ filter: /^vfio-lint:(dictionaries|example)$/ }, (a) => ({ path: a.path, namespace: 'vfio-lint' }));
    b.onLoad({ filter: /.*/, namespace: 'vfio-lint' }, (a) => {
      if (a.path === 'vfio-lint:dictionaries') {
        // Each dictionary as text (esbuild's text loader), parsed and checked on first use as on Node.
        const names = readdirSync(join(root, 'data')).filter((n) => n.endsWith('.json')).sort();
        const lines = names.map((n, i) => `import d${i} from ${JSON.stringify(join(root, 'data', n))} with { type: 'text' };`);
        lines.push(`export const DICTIONARY_TEXTS = { ${names.map((n, i) => `${JSON.stringify(basename(n, '.json'))}: d${i}`).join(', ')} };`);
        return { contents: lines.join('\n'), loader: 'js', resolveDir: root };
      }
      // The shipped example, for the page's "Load example" button.
      const dir = join(root, 'examples', 'desktop');
      const files = listFiles(dir).map((p) => ({ path: relative(dir, p).replaceAll('\\', '/'), text: readFileSync(p, 'utf8') }));
      return { contents: `export const EXAMPLE_FILES = ${JSON.stringify(files)};`, loader: 'js' };
    });
  },
};

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []))
    .sort();
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const tmp = mkdtempSync(join(dirname(outDir), `.${basename(outDir)}-`));
try {
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: join(tmp, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: !args.includes('--no-minify'),
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    define: { __VFIO_LINT_VERSION__: JSON.stringify(pkg.version), __VFIO_LINT_DOCS_BASE__: JSON.stringify(docsBase) },
    plugins: [browserOnly],
  });
  // esbuild polyfills nothing for the browser: a reference to Node's globals would only fail when run.
  const text = readFileSync(join(tmp, 'app.js'), 'utf8');
  // A dependency may test for Node first (`typeof process < "u" && process.env...`): that is no use of it.
  for (const m of text.matchAll(/(?<![\w$.])(require\(|Buffer\.\w+|process\.(?:cwd|env|platform|argv|getBuiltinModule|exit|versions?|stdout|stderr|emitWarning)\b)/g)) {
    const before = text.slice(Math.max(0, m.index - 80), m.index);
    if (before.includes(`typeof ${m[1].split(/[.(]/)[0]}`)) continue;
    throw new Error(`playground bundle uses ${m[1]} (Node only) near "${text.slice(Math.max(0, m.index - 60), m.index + 40).replace(/\s+/g, ' ')}": keep it out of what lintTexts reaches`);
  }
  cpSync(join(root, 'playground', 'index.html'), join(tmp, 'index.html'));
  cpSync(join(root, 'playground', 'style.css'), join(tmp, 'style.css'));
  // mkdtemp makes it private; the page is served to anyone who may read the checkout.
  chmodSync(tmp, 0o755);
  const old = existsSync(outDir) ? `${outDir}.old-${process.pid}` : undefined;
  if (old) renameSync(outDir, old);
  renameSync(tmp, outDir);
  if (old) rmSync(old, { recursive: true, force: true });
} catch (err) {
  if (!args.includes('--keep-failed')) rmSync(tmp, { recursive: true, force: true });
  console.error(`playground build: ${err.message.split('\n')[0]}`);
  process.exit(1);
}
