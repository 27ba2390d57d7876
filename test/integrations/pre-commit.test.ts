import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

/**
 * The real `pre-commit` (Debian's package; scripts/install-test-tools.sh installs it in CI) runs the
 * hook from this checkout's .pre-commit-hooks.yaml in a throwaway dotfiles repo, as a user's
 * .pre-commit-config.yaml would. The hook repo is a temporary commit of the working tree as it is
 * now (a local clone), so uncommitted changes to the hook are tested. The hook is `language: node`:
 * pre-commit installs vfio-lint from that repository with npm (`npm install`, `npm pack`,
 * `npm install -g`), which fetches the dependencies from the npm registry once; vfio-lint is NOT put
 * on PATH, so the hook can only pass by what pre-commit installed.
 */
const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const git = spawnSync('git', ['--version'], { encoding: 'utf8' });
const usable = preCommit.status === 0 && git.status === 0;
const reason = preCommit.status !== 0 ? 'pre-commit is not installed (bash scripts/install-test-tools.sh)' : 'git is not installed';

describe.skipIf(!usable)(`the pre-commit hook${usable ? '' : ` (skipped: ${reason})`}`, () => {
  let tmp: string;
  let dots: string;
  let env: NodeJS.ProcessEnv;

  const run = (cmd: string, args: string[], cwd: string, timeout = 120_000) => {
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env, timeout });
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
    // npm's cache stays the user's (HOME is the temporary directory), so a second run fetches nothing.
    const npmCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
    env = { ...process.env, PRE_COMMIT_HOME: join(tmp, 'cache'), NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1', HOME: tmp, npm_config_cache: npmCache };
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
    // Installing the environment (npm install, build, npm pack, npm install -g) happens here, once.
    const install = run('pre-commit', ['install-hooks'], dots, 840_000);
    if (install.code !== 0) throw new Error(`pre-commit install-hooks failed:\n${install.out}`);
    gitIn(dots, 'commit', '-q', '-m', 'machines');
    const hook = run('pre-commit', ['install'], dots);
    if (hook.code !== 0) throw new Error(`pre-commit install failed:\n${hook.out}`);
  }, 900_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('passes on a machine without errors', { timeout: 300_000 }, () => {
    const r = run('pre-commit', ['run', '--all-files'], dots);
    expect(r.out).toMatch(/^vfio-lint\.+Passed$/m);
    expect(r.code).toBe(0);
  });

  it('fails on an error, and lints the whole machine when only a host file changed', { timeout: 300_000 }, () => {
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

      // A file that is part of no machine still runs the hook (always_run): the machines are linted.
      const other = run('pre-commit', ['run', '--files', 'README.md'], dots);
      expect(other.out).toMatch(/^vfio-lint\.+Failed$/m);
      expect(other.code).toBe(1);
    } finally {
      writeFileSync(vm, good);
      gitIn(dots, 'add', '-A');
    }
  });

  /** A real `git commit` through the installed hook: its exit code and output. */
  const commit = (message: string) => run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', 'commit', '-m', message], dots);
  const MODPROBE_D = join('hosts', 'desk', 'etc', 'modprobe.d');

  /**
   * The machine keeps nouveau and nvidia off the GPU only through blacklist-nvidia.conf: vfio.conf
   * has the ids alone, and the initramfs does not load vfio-pci early. Committed with the hook on.
   */
  const guardedOnlyByBlacklist = () => {
    writeFileSync(join(dots, MODPROBE_D, 'vfio.conf'), 'options vfio-pci ids=10de:2684,10de:22ba\noptions kvm ignore_msrs=1\n');
    const mk = join(dots, 'hosts', 'desk', 'etc', 'mkinitcpio.conf');
    writeFileSync(mk, readFileSync(mk, 'utf8').replace('MODULES=(vfio_pci vfio vfio_iommu_type1 vendor-reset)', 'MODULES=(vendor-reset)'));
    gitIn(dots, 'add', '-A');
    const r = commit('only the blacklist guards the GPU');
    expect(r.out).toMatch(/^vfio-lint\.+Passed$/m);
    expect(r.code).toBe(0);
  };
  const resetTo = (rev: string) => gitIn(dots, 'reset', '-q', '--hard', rev);

  it('runs on a commit that only deletes a host file, and refuses it when the machine loses a guard', { timeout: 300_000 }, () => {
    const start = gitIn(dots, 'rev-parse', 'HEAD');
    try {
      guardedOnlyByBlacklist();
      gitIn(dots, 'rm', '-q', join(MODPROBE_D, 'blacklist-nvidia.conf'));
      const r = commit('drop the blacklist');
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/^vfio-lint\.+Failed$/m);
      expect(r.out).toMatch(/error +NVIDIA device 10de:2684 is given to vfio-pci, but nothing keeps nouveau off it/);
      // The commit did not land.
      expect(gitIn(dots, 'log', '-1', '--format=%s')).toBe('only the blacklist guards the GPU');
    } finally {
      resetTo(start);
    }
  });

  it('runs on a commit that only renames a host file away from where the tools read it', { timeout: 300_000 }, () => {
    const start = gitIn(dots, 'rev-parse', 'HEAD');
    try {
      guardedOnlyByBlacklist();
      gitIn(dots, 'mv', join(MODPROBE_D, 'blacklist-nvidia.conf'), join(MODPROBE_D, 'blacklist-nvidia.conf.disabled'));
      const r = commit('park the blacklist');
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/nothing keeps nouveau off it/);
    } finally {
      resetTo(start);
    }
  });

  it('covers every file a config\'s machines name, wherever it sits (machines[].files)', { timeout: 300_000 }, () => {
    const start = gitIn(dots, 'rev-parse', 'HEAD');
    try {
      guardedOnlyByBlacklist();
      // The guards move to a file outside the host tree, named in the machine's `files`.
      mkdirSync(join(dots, 'notes'));
      writeFileSync(join(dots, 'notes', 'gpu-guards'), readFileSync(join(dots, MODPROBE_D, 'blacklist-nvidia.conf')));
      gitIn(dots, 'rm', '-q', join(MODPROBE_D, 'blacklist-nvidia.conf'));
      writeFileSync(join(dots, 'vfio-lint.config.json'), JSON.stringify({ machines: [{ name: 'desk', domains: ['vms/*.xml'], host: 'hosts/desk', files: ['notes/gpu-guards'] }] }));
      gitIn(dots, 'add', '-A');
      expect(commit('guards in notes/').code).toBe(0);
      // A commit that changes only that file is checked, and refused when it drops the guards.
      writeFileSync(join(dots, 'notes', 'gpu-guards'), '# emptied\n');
      gitIn(dots, 'add', '-A');
      const r = commit('empty the guards');
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/nothing keeps nouveau off it/);
    } finally {
      resetTo(start);
    }
  });
});
