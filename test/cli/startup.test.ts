import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { ROOT, runCli } from '../helpers/cli.js';

// The code cache is worth about 17 ms of every start (docs/performance.md). If the build ever
// trained it on a different bundle, V8 would reject it silently and start-up would just get slower.
describe('start-up: the CLI bundle and its V8 code cache', () => {
  const bundle = join(ROOT, 'dist', 'cli.cjs');
  const cache = `${bundle}.cache`;

  it('the build ships a code cache, for the bundle where it is, that this Node accepts as the launcher compiles it', () => {
    expect(existsSync(cache)).toBe(true);
    const bytes = readFileSync(cache);
    const nl = bytes.indexOf(10);
    expect(bytes.toString('utf8', 0, nl)).toBe(bundle);
    const wrapped = (Module as unknown as { wrap(s: string): string }).wrap(readFileSync(bundle, 'utf8'));
    const script = new vm.Script(wrapped, { filename: bundle, cachedData: bytes.subarray(nl + 1) });
    expect(script.cachedDataRejected).toBe(false);
  });

  it("a copy elsewhere does not use the build machine's cache (V8 keeps its path for stack traces), and makes its own", () => {
    const dir = installWith(readFileSync(cache));
    try {
      const r = spawnSync(process.execPath, [join(dir, 'bin', 'vfio-lint'), '--debug', '--format', 'no-such-format', 'x.xml'], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/\n\s+at /);
      expect(r.stderr).toContain(join(dir, 'dist', 'cli.cjs'));
      expect(r.stderr).not.toContain(ROOT);
      const made = readFileSync(join(dir, 'dist', 'cli.cjs.cache'));
      expect(made.toString('utf8', 0, made.indexOf(10))).toBe(join(dir, 'dist', 'cli.cjs'));
      const again = spawnSync(process.execPath, [join(dir, 'bin', 'vfio-lint'), '--debug', '--format', 'no-such-format', 'x.xml'], { encoding: 'utf8' });
      expect(again.stderr).toBe(r.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a run whose output goes to a pipe loads no stream, net, tty or crypto module (each costs milliseconds at start)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-modules-'));
    try {
      // A preload that lists, at exit, the built-in modules loaded after it (written with fs, not a stream).
      const preload = join(dir, 'loaded.cjs');
      const out = join(dir, 'loaded.txt');
      writeFileSync(
        preload,
        `const fs = require('fs'); const before = new Set(process.moduleLoadList);\n` +
          `process.on('exit', () => fs.writeFileSync(${JSON.stringify(out)}, process.moduleLoadList.filter((m) => !before.has(m)).join('\\n')));\n`,
      );
      const r = spawnSync(process.execPath, ['-r', preload, join(ROOT, 'bin', 'vfio-lint'), join(ROOT, 'examples', 'desktop')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('memballoon-present');
      const loaded = readFileSync(out, 'utf8').split('\n');
      expect(loaded).toContain('NativeModule vm'); // the launcher's own: proof the list was taken
      expect(loaded.filter((m) => /^NativeModule (stream|net|tty|crypto|internal\/streams\/.*)$/.test(m))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** The built-in modules a run loads after the launcher's preload, and the files it required, as `[modules, files]`. */
  function loadedBy(args: string[], terminal = false): { status: number | null; stdout: string; modules: string[]; files: string[] } {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-modules-'));
    try {
      const preload = join(dir, 'loaded.cjs');
      const out = join(dir, 'loaded.json');
      writeFileSync(
        preload,
        `const fs = require('fs'); const before = new Set(process.moduleLoadList);\n` +
          `process.on('exit', () => fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify({ modules: process.moduleLoadList.filter((m) => !before.has(m)), files: Object.keys(require.cache) })));\n`,
      );
      const node = [process.execPath, '-r', preload, join(ROOT, 'bin', 'vfio-lint'), ...args];
      const r = terminal
        ? spawnSync('script', ['-qec', node.map((a) => `'${a}'`).join(' '), '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' } })
        : spawnSync(node[0]!, node.slice(1), { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      const loaded = JSON.parse(readFileSync(out, 'utf8')) as { modules: string[]; files: string[] };
      return { status: r.status, stdout: r.stdout, ...loaded };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const streamModules = (modules: string[]) => modules.filter((m) => /^NativeModule (stream|net|tty|crypto|internal\/streams\/.*)$/.test(m));
  const pieces = (files: string[]) => files.filter((f) => f.startsWith(join(ROOT, 'dist'))).map((f) => f.slice(join(ROOT, 'dist').length + 1));

  // util-linux `script` gives the run a pseudo-terminal (scripts/install-test-tools.sh installs it).
  const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasScript)('a run on a terminal loads no more than one into a pipe: no stream, net or tty module', () => {
    const r = loadedBy([join(ROOT, 'examples', 'desktop')], true);
    expect(r.stdout).toContain('memballoon-present');
    expect(r.modules).toContain('NativeModule vm');
    expect(streamModules(r.modules)).toEqual([]);
  });

  it('a lint loads none of the files for what it does not run (other formats, --live, topology, snapshot, --fix-dry-run)', () => {
    const plain = loadedBy([join(ROOT, 'examples', 'desktop')]);
    expect(plain.status).toBe(1);
    expect(plain.stdout).toContain('memballoon-present');
    expect(pieces(plain.files)).toEqual([]);
    // Each piece is loaded when the run asks for it, and works (the pieces are checked to exist at all).
    const cases: Array<[string[], string]> = [
      [['--format', 'sarif', join(ROOT, 'examples', 'desktop')], 'cli-reporter-sarif.cjs'],
      [['--fix-dry-run', join(ROOT, 'examples', 'desktop')], 'cli-dry-run.cjs'],
      [['topology', join(ROOT, 'examples', 'desktop')], 'cli-topology.cjs'],
    ];
    for (const [args, piece] of cases) {
      const r = loadedBy(args);
      expect(r.stdout.length, args.join(' ')).toBeGreaterThan(100);
      expect(pieces(r.files), args.join(' ')).toEqual([piece]);
    }
  });

  // src/cli/heap-flags.ts: a run of 200 files or more keeps V8's semi-spaces small (peak RSS), one of
  // 5,000 or more also lets the old generation grow by half at most; a smaller one never loads node:v8
  // (25 modules at start-up).
  it('a run of many files sets the V8 flags that keep the heap small, before it collects them; a small run does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-young-'));
    try {
      const flags = join(dir, 'flags.txt');
      const preload = join(dir, 'spy.cjs');
      writeFileSync(preload, `const v8 = require('v8'); const set = v8.setFlagsFromString; v8.setFlagsFromString = (f) => { require('fs').appendFileSync(${JSON.stringify(flags)}, f + '\\n'); set(f); };\n`);
      const vms = join(dir, 'vms');
      mkdirSync(vms);
      for (let i = 0; i < 200; i++) writeFileSync(join(vms, `vm${i}.xml`), `<domain type='kvm'><name>vm${i}</name><memory>1048576</memory><os><type>hvm</type></os></domain>\n`);
      const lint = (args: string[]) => {
        rmSync(flags, { force: true });
        const r = spawnSync(process.execPath, ['-r', preload, join(ROOT, 'bin', 'vfio-lint'), '--no-config', ...args], { cwd: dir, encoding: 'utf8' });
        expect(r.stderr).toBe('');
        return existsSync(flags) ? readFileSync(flags, 'utf8').split('\n').filter(Boolean) : [];
      };
      const names = readdirSync(vms).map((f) => join('vms', f));
      expect(lint(names)).toEqual(['--semi-space-growth-factor=1']); // named: set before collecting
      expect(lint(['vms'])).toEqual(['--semi-space-growth-factor=1']); // a walked folder: set once its files are known
      expect(lint(names.slice(0, 199))).toEqual([]);
      // 5,000 files: the same 200 domains and 4,800 sysctl files (cheaper to lint), named and walked.
      const etc = join(dir, 'etc', 'sysctl.d');
      mkdirSync(etc, { recursive: true });
      for (let i = 0; i < 4800; i++) writeFileSync(join(etc, `${i}.conf`), 'vm.swappiness = 10\n');
      const both = ['--semi-space-growth-factor=1 --heap-growing-percent=50'];
      expect(lint([...names, ...readdirSync(etc).map((f) => join('etc', 'sysctl.d', f))])).toEqual(both);
      expect(lint(['vms', 'etc'])).toEqual(both);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** The launcher and bundle copied to a directory of their own, with the cache replaced by `cacheBytes` (or none). */
  function installWith(cacheBytes: Buffer | undefined): string {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-startup-'));
    cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    // The bundle and the pieces it loads on demand (scripts/build.mjs), without the build's cache.
    for (const f of readdirSync(join(ROOT, 'dist'))) if (/^cli.*\.cjs$/.test(f)) cpSync(join(ROOT, 'dist', f), join(dir, 'dist', f));
    cpSync(join(ROOT, 'dist', 'language-server.cjs'), join(dir, 'dist', 'language-server.cjs'));
    // The dictionaries a lint reads (the schema for unknown-element), as the package ships them beside dist/.
    cpSync(join(ROOT, 'data'), join(dir, 'data'), { recursive: true });
    if (cacheBytes) writeFileSync(join(dir, 'dist', 'cli.cjs.cache'), cacheBytes);
    return dir;
  }

  it.each([
    ['no cache file', undefined],
    ['a cache file of garbage', Buffer.from('not a V8 code cache, just bytes '.repeat(64))],
    ['a truncated cache', existsSync(cache) ? readFileSync(cache).subarray(0, 1000) : Buffer.alloc(10)],
  ])('with %s the launcher still lints, with the same output', (_name, bytes) => {
    const dir = installWith(bytes);
    try {
      const domain = join(ROOT, 'examples', 'desktop', 'win11.xml');
      const expected = runCli(['--no-config', '--format', 'json', domain]);
      const r = spawnSync(process.execPath, [join(dir, 'bin', 'vfio-lint'), '--no-config', '--format', 'json', domain], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(expected.code);
      expect(r.stdout).toBe(expected.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
