import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { LspClient } from './lsp-client.js';

/**
 * A config that names a custom rule (issue 22, defect 10) works everywhere once the config loads the
 * plugin that has it: the CLI, the language server and the real pre-commit hook, all from the same
 * `plugins` entry. The plugin is the worked example in examples/plugin.
 */
const EXAMPLE = join(ROOT, 'examples', 'plugin');
const MESSAGE = "Guest media has a passed-through GPU and an emulated USB tablet; this homelab uses evdev input: remove the <input type='tablet'>";

let tmp: string;
beforeAll(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'vfio-plugins-')));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The example folder copied, with `config` as its vfio-lint.config.json. */
function project(name: string, config?: object): string {
  const dir = join(tmp, name);
  cpSync(EXAMPLE, dir, { recursive: true });
  if (config) writeFileSync(join(dir, 'vfio-lint.config.json'), JSON.stringify(config));
  return dir;
}

describe('plugins in the CLI', () => {
  it("the example plugin's rule runs, at the config's severity, with its fix", () => {
    const dir = project('cli');
    const r = runCli(['--format', 'json', 'guest.xml'], { cwd: dir });
    expect(r.stderr).toBe('');
    const [result] = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string; message: string; line: number; column: number; severity: number; fix?: unknown; url?: string }> }>;
    expect(result!.messages.map((m) => [m.ruleId, m.line, m.column, m.severity, m.message])).toEqual([['homelab/no-tablet', 9, 5, 1, MESSAGE]]);
    expect(result!.messages[0]!.url).toBe('https://example.invalid/homelab/vfio-rules#no-tablet');
    const fixed = runCli(['--fix', 'guest.xml'], { cwd: dir });
    expect(fixed.code).toBe(0);
    expect(readFileSync(join(dir, 'guest.xml'), 'utf8')).not.toContain('tablet');
    expect(readFileSync(join(dir, 'guest.xml'), 'utf8')).toContain("  <devices>\n    <input type='keyboard' bus='ps2'/>\n");
  });

  it("a plugin's formatter is a --format name; its rules are listed, explained and settable with --rule", () => {
    const dir = project('formats');
    expect(runCli(['--format', 'homelab-summary', 'guest.xml'], { cwd: dir }).stdout).toBe('guest.xml: 0 error(s), 1 warning(s) [homelab/no-tablet]\n');
    expect(runCli(['--list-rules'], { cwd: dir }).stdout).toMatch(/^homelab\/no-tablet +warn +safe +style +Guests with a passed-through GPU/m);
    expect(runCli(['explain', 'homelab/no-tablet'], { cwd: dir }).stdout).toBe('homelab/no-tablet: Guests with a passed-through GPU use evdev input, not an emulated USB tablet.\n\nhttps://example.invalid/homelab/vfio-rules#no-tablet\n');
    const asError = runCli(['--rule', 'homelab/no-tablet:2', 'guest.xml'], { cwd: dir });
    expect(asError.code).toBe(1);
    expect(runCli(['--format', 'nope', 'guest.xml'], { cwd: dir }).stderr).toBe('vfio-lint: unknown format "nope": use one of stylish, json, sarif, github, unix, gcc, checkstyle, junit, gitlab, homelab-summary, or a formatter module\'s path\n');
  });

  it('a package name is resolved from the config file, as Node resolves it; CommonJS plugins load too', () => {
    const dir = project('package', { plugins: ['vfio-lint-plugin-homelab'], rules: { 'homelab/no-tablet': 'error' } });
    const pkg = join(dir, 'node_modules', 'vfio-lint-plugin-homelab');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'vfio-lint-plugin-homelab', main: 'index.cjs' }));
    writeFileSync(join(pkg, 'index.cjs'), `module.exports = require(${JSON.stringify(join(EXAMPLE, 'vfio-lint-plugin-homelab.mjs'))}).default;\n`);
    const r = runCli(['guest.xml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/9:5 +error +Guest media .* homelab\/no-tablet/);
  });

  it('without the plugin, naming its rule is a one-line error that says what is missing', () => {
    const dir = project('missing', { rules: { 'homelab/no-tablet': 'warn' } });
    const r = runCli(['guest.xml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`vfio-lint: ${join(dir, 'vfio-lint.config.json')}: rules: unknown rule "homelab/no-tablet" (a rule from a plugin needs the plugin in "plugins")\n`);
  });

  it.each([
    ['a missing file', ['./nope.mjs'], 'plugins[0] (./nope.mjs): cannot find this file'],
    ['a missing package', ['nope-plugin'], 'plugins[0] (nope-plugin): cannot find the package (not installed where DIR can see it)'],
    ['not a list', './x.mjs', '"plugins" must be an array of module paths or package names'],
    ['a module that throws', ['./throws.cjs'], 'plugins[0] (./throws.cjs): loading it failed: plugin broke'],
    ['a bad rule', ['./bad.cjs'], 'plugins[0] (./bad.cjs): rules[0] (x/y): meta.scope must be \'domain\' or \'machine\''],
    ['a rule id taken by a built-in', ['./taken.cjs'], 'plugins[0] (./taken.cjs): rules[0] (memballoon-present): there is already a rule with this id'],
  ])('%s: a one-line error naming the config and the plugin', (name, plugins, message) => {
    const dir = project(`bad-${name.replaceAll(' ', '-')}`, { plugins });
    writeFileSync(join(dir, 'throws.cjs'), "throw new Error('plugin broke');\n");
    const rule = (meta: object) => `module.exports = { rules: [{ meta: ${JSON.stringify({ id: 'x/y', description: 'd', category: 'style', severity: 'warning', scope: 'domain', requires: ['domain'], messages: {}, ...meta })}, check() {} }] };\n`;
    writeFileSync(join(dir, 'bad.cjs'), rule({ scope: 'file' }));
    writeFileSync(join(dir, 'taken.cjs'), rule({ id: 'memballoon-present' }));
    const r = runCli(['guest.xml'], { cwd: dir });
    expect(r.stderr).toBe(`vfio-lint: ${join(dir, 'vfio-lint.config.json')}: ${message.replace('DIR', dir)}\n`);
    expect(r.code).toBe(2);
  });
});

describe('plugins in the language server', () => {
  let client: LspClient | undefined;
  afterEach(async () => {
    const c = client;
    client = undefined;
    if (c) await c.stop().catch(() => c.kill());
  });

  it("publishes the plugin rule's finding for an open domain", async () => {
    const dir = project('lsp');
    client = LspClient.start();
    await client.initialize(dir);
    const uri = pathToFileURL(join(dir, 'guest.xml')).href;
    client.open(uri, readFileSync(join(dir, 'guest.xml'), 'utf8'));
    const got = await client.diagnostics(uri);
    const tablet = got.diagnostics.filter((d) => d.code === 'homelab/no-tablet');
    expect(tablet.map((d) => [d.message, d.severity, d.range])).toEqual([[MESSAGE, 2, { start: { line: 8, character: 4 }, end: { line: 8, character: 36 } }]]);
  });
});

const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
describe.skipIf(preCommit.status !== 0)(`plugins in the pre-commit hook${preCommit.status === 0 ? '' : ' (skipped: pre-commit is not installed; bash scripts/install-test-tools.sh)'}`, () => {
  it('the hook loads the plugin from the config and fails on its error', () => {
    const home = join(tmp, 'hook');
    mkdirSync(join(home, 'bin'), { recursive: true });
    symlinkSync(BIN, join(home, 'bin', 'vfio-lint'));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(home, 'bin')}${delimiter}${process.env.PATH ?? ''}`, PRE_COMMIT_HOME: join(home, 'cache'), NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1', HOME: home };
    for (const k of Object.keys(env)) if (k.startsWith('GIT_') && k !== 'GIT_CONFIG_NOSYSTEM') delete env[k];
    const run = (cmd: string, args: string[], cwd: string) => {
      const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
      return { code: r.status, out: `${r.stdout}${r.stderr}` };
    };
    const git = (cwd: string, ...args: string[]) => {
      const r = run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], cwd);
      expect(r.code, r.out).toBe(0);
      return r.out.trim();
    };
    // The hook definition from this checkout, in a repo of its own.
    const hookRepo = join(home, 'hook-repo');
    mkdirSync(hookRepo);
    cpSync(join(ROOT, '.pre-commit-hooks.yaml'), join(hookRepo, '.pre-commit-hooks.yaml'));
    git(hookRepo, 'init', '-q');
    git(hookRepo, 'add', '-A');
    git(hookRepo, 'commit', '-q', '-m', 'hook');
    const rev = git(hookRepo, 'rev-parse', 'HEAD');
    // A dotfiles repo whose config names the plugin and one machine: the example guest.
    const dots = project('dotfiles', { plugins: ['./vfio-lint-plugin-homelab.mjs'], rules: { 'homelab/no-tablet': 'error' }, machines: [{ name: 'media', domains: ['guest.xml'] }] });
    writeFileSync(join(dots, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      # The system variant: this test runs the checkout's own build (vfio-lint on PATH); the node variant installs from npm.\n      - id: vfio-lint-system\n`);
    git(dots, 'init', '-q');
    git(dots, 'add', '-A');
    const r = run('pre-commit', ['run', '--all-files'], dots);
    expect(r.out).toMatch(/^vfio-lint\.+Failed$/m);
    expect(r.out).toMatch(/9:5 +error +Guest media has a passed-through GPU .* homelab\/no-tablet/);
    expect(r.code).toBe(1);
  });
});
