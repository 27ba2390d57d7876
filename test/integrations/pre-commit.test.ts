import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';

/**
 * The real `pre-commit` (Debian's package; scripts/install-test-tools.sh installs it in CI) runs the
 * hook from this checkout's .pre-commit-hooks.yaml in a throwaway dotfiles repo. The hook repo is a
 * temporary commit of the working tree as it is now, so uncommitted changes to the hook are tested.
 * Nothing is fetched: the hook is `language: system`, and vfio-lint is put on PATH as `npm install -g`
 * would.
 */
const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const git = spawnSync('git', ['--version'], { encoding: 'utf8' });
const usable = preCommit.status === 0 && git.status === 0;
const reason = preCommit.status !== 0 ? 'pre-commit is not installed (bash scripts/install-test-tools.sh)' : 'git is not installed';

describe.skipIf(!usable)(`the pre-commit hook${usable ? '' : ` (skipped: ${reason})`}`, () => {
  let tmp: string;
  let dots: string;
  let env: NodeJS.ProcessEnv;

  const run = (cmd: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...env, ...extra }, timeout: 120_000 });
    if (r.error) throw r.error;
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const gitIn = (cwd: string, ...args: string[]) => {
    const r = run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], cwd);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.out}`);
    return r.out.trim();
  };

  beforeAll(() => {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'vfio-precommit-')));
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'vfio-lint'));
    env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, PRE_COMMIT_HOME: join(tmp, 'cache'), NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1', HOME: tmp };
    for (const k of Object.keys(env)) if (k.startsWith('GIT_') && k !== 'GIT_CONFIG_NOSYSTEM') delete env[k];

    // The hook repo: this checkout's working tree (as .gitignore sees it) committed to a bare repo of its own.
    const hookRepo = join(tmp, 'vfio-lint.git');
    gitIn(tmp, 'init', '-q', '--bare', hookRepo);
    gitIn(tmp, `--git-dir=${hookRepo}`, `--work-tree=${ROOT}`, 'add', '-A');
    gitIn(tmp, `--git-dir=${hookRepo}`, `--work-tree=${ROOT}`, 'commit', '-q', '-m', 'working tree');
    const rev = gitIn(tmp, `--git-dir=${hookRepo}`, 'rev-parse', 'HEAD');

    // The dotfiles repo: a machine described by vfio-lint.config.json (domain in vms/, host tree in hosts/desk/).
    dots = join(tmp, 'dotfiles');
    cpSync(join(ROOT, 'test', 'fixtures', 'integrations', 'dotfiles'), dots, { recursive: true });
    writeFileSync(join(dots, 'README.md'), 'My machines.\n');
    writeFileSync(join(dots, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: vfio-lint\n`);
    gitIn(dots, 'init', '-q');
    gitIn(dots, 'add', '-A');
  });

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('passes on a machine without errors', () => {
    const r = run('pre-commit', ['run', '--all-files'], dots);
    expect(r.out).toMatch(/^vfio-lint\.+Passed$/m);
    expect(r.code).toBe(0);
  });

  it('fails on an error, and lints the whole machine when only a host file changed', () => {
    const vm = join(dots, 'vms', 'win11.xml');
    const good = readFileSync(vm, 'utf8');
    try {
      writeFileSync(vm, good.replace('<memballoon model="none"/>', '<memballoon model="virtio-fake"/>'));
      gitIn(dots, 'add', '-A');
      const all = run('pre-commit', ['run', '--all-files'], dots);
      expect(all.code).toBe(1);
      expect(all.out).toMatch(/^vfio-lint\.+Failed$/m);
      expect(all.out).toContain('vms/win11.xml');
      expect(all.out).toMatch(/error +Unknown memory balloon model 'virtio-fake' .* memballoon-present/);

      // Only the grub file is "changed": the hook still lints the machine, domain included.
      const one = run('pre-commit', ['run', '--files', 'hosts/desk/etc/default/grub'], dots);
      expect(one.code).toBe(1);
      expect(one.out).toMatch(/Unknown memory balloon model 'virtio-fake'/);

      // A file that is part of no machine does not run the hook.
      const other = run('pre-commit', ['run', '--files', 'README.md'], dots);
      expect(other.out).toMatch(/^vfio-lint\.+\(no files to check\)Skipped$/m);
      expect(other.code).toBe(0);
    } finally {
      writeFileSync(vm, good);
      gitIn(dots, 'add', '-A');
    }
  });
});
