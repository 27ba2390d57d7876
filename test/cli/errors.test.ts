import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';
import { builtinRules } from '../../src/rules/index.js';
import { fixture, ONE_LINE, STACK, tempDir } from './fixtures.js';

const tree = fixture('tree');
const domains = fixture('domains');

/** A failed run as the brief wants it: exit 2, nothing on stdout, exactly this one line on stderr. */
function expectUsageError(args: string[], line: string, cwd = tree) {
  const r = runCli(args, { cwd });
  expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 2, stdout: '', stderr: `vfio-lint: ${line}\n` });
}

describe('exit codes, as ESLint', () => {
  it('0: no errors (warnings alone do not fail the run)', () => {
    expect(runCli(['.'], { cwd: fixture('clean') }).code).toBe(0);
    const r = runCli(['.'], { cwd: domains });
    expect(r.stdout).toContain('\u2716 1 problem (0 errors, 1 warning)');
    expect(r.code).toBe(0);
  });

  it('1: an error', () => {
    expect(runCli(['.'], { cwd: tree }).code).toBe(1);
  });

  it('1: more warnings than --max-warnings, with a line saying so; at the limit is fine', () => {
    const over = runCli(['--max-warnings', '0', '.'], { cwd: domains });
    expect(over.code).toBe(1);
    expect(over.stderr).toBe('vfio-lint found too many warnings (maximum: 0).\n');
    expect(over.stdout).toContain('\u2716 1 problem (0 errors, 1 warning)');
    const at = runCli(['--max-warnings=1', '.'], { cwd: domains });
    expect([at.code, at.stderr]).toEqual([0, '']);
  });

  it('--quiet reports errors only: warnings and skipped rules are not shown', () => {
    const warningsOnly = runCli(['--quiet', '.'], { cwd: domains });
    expect([warningsOnly.code, warningsOnly.stdout, warningsOnly.stderr]).toEqual([0, '', '']);
    const r = runCli(['--quiet', '.'], { cwd: tree });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  2:22  error  NVIDIA device 10de:2684');
    expect(r.stdout).not.toContain('warning  ');
    expect(r.stdout).not.toContain('win11.xml');
    expect(r.stdout).toContain('\u2716 1 problem (1 error, 0 warnings)');
    const asJson = JSON.parse(runCli(['--quiet', '--format', 'json', '.'], { cwd: tree }).stdout) as Array<{ messages: Array<{ severity: number }>; warningCount: number }>;
    expect(asJson.flatMap((x) => x.messages.map((m) => m.severity))).toEqual([2]);
  });

  it('--rule decides what fails the run: set to error it does, set to warn it does not', () => {
    expect(runCli(['--rule', 'memballoon-present:error', '.'], { cwd: domains }).code).toBe(1);
    expect(runCli(['--rule', 'nvidia-not-blacklisted:warn', '.'], { cwd: tree }).code).toBe(0);
  });
});

describe('a missing or unreadable input: one line naming it, exit 2', () => {
  it('a path that does not exist', () => {
    expectUsageError(['nope.xml'], 'nope.xml: no such file or directory');
    expectUsageError(['.', 'etc/modprobe.d/nope.conf'], 'etc/modprobe.d/nope.conf: no such file or directory');
  });

  it('a dangling symlink', () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'gone.xml'), join(dir, 'vm.xml'));
    expectUsageError(['vm.xml'], 'vm.xml: no such file or directory', dir);
  });

  it('a FIFO is refused before anything reads it (no hang)', () => {
    const dir = tempDir();
    expect(spawnSync('mkfifo', [join(dir, 'vm.xml')]).status).toBe(0);
    expectUsageError(['vm.xml'], 'vm.xml: is not a regular file (a FIFO); refusing to read it', dir);
  });

  // root reads everything, so a mode of 000 proves nothing there.
  it.skipIf(process.getuid?.() === 0)('a file without read permission', () => {
    const dir = tempDir();
    copyFileSync(join(domains, 'work.xml'), join(dir, 'vm.xml'));
    chmodSync(join(dir, 'vm.xml'), 0);
    expectUsageError(['vm.xml'], 'vm.xml: permission denied', dir);
  });

  it('--root that is missing or a file', () => {
    expectUsageError(['--root', 'nowhere'], 'nowhere: no such file or directory');
    expectUsageError(['--root', 'etc/default/grub'], '--root takes a directory that stands for / (got the file etc/default/grub)');
  });

  it('a report that cannot be written', () => {
    expectUsageError(['-o', 'no/such/dir/report.txt', '.'], 'cannot write the report to no/such/dir/report.txt: no such file or directory');
  });
});

describe('usage mistakes: one line, exit 2', () => {
  const cases: Array<[string[], string]> = [
    [[], 'nothing to lint: give files or directories, or describe machines in a config file (see vfio-lint --help)'],
    [['--bogus', '.'], 'unknown option --bogus (see vfio-lint --help)'],
    [['--format', 'xml', '.'], 'unknown format "xml": use one of stylish, json, sarif, github, unix, gcc, checkstyle, junit, gitlab'],
    [['.', '--format'], '--format needs a value'],
    [['--quiet=yes', '.'], '--quiet takes no value'],
    [['--max-warnings', 'many', '.'], '--max-warnings takes a whole number, or -1 for no limit (got "many")'],
    [['--kind', 'yaml', '.'], '--kind must be one of domain, capabilities, grub, kernel-cmdline, bls-entry, proc-cmdline, grub-cfg, modprobe, sysctl, mkinitcpio, dracut, initramfs-modules, modules-load, alone or as KIND=GLOB (got "yaml")'],
    [['--rule', 'memballoon-present', '.'], '--rule takes RULE:SEVERITY, e.g. --rule memballoon-present:error (got "memballoon-present")'],
    [['--fix', '--fix-dry-run', '.'], '--fix and --fix-dry-run cannot be used together'],
    [['--fix-suggestions', '.'], '--fix-suggestions goes with --fix or --fix-dry-run'],
    [['--stdin-filename', 'vm.xml', '.'], '--stdin-filename goes with --stdin'],
    [['--stdin', '--fix'], '--fix cannot write to standard input; use --fix-dry-run, or --format json for the fixes'],
    [['explain'], 'explain needs a rule id: vfio-lint explain memballoon-present'],
    [['explain', 'memballon-present'], 'unknown rule "memballon-present" (did you mean "memballoon-present"?) (see vfio-lint --list-rules)'],
  ];
  for (const [args, line] of cases) {
    it(`vfio-lint ${args.join(' ')}`, () => expectUsageError(args, line));
  }
});

describe('--debug', () => {
  it('adds the stack trace to a failure; without it there is none', () => {
    const plain = runCli(['nope.xml'], { cwd: tree });
    expect(plain.stderr).toMatch(ONE_LINE);
    expect(plain.stderr).not.toMatch(STACK);
    const debug = runCli(['--debug', 'nope.xml'], { cwd: tree });
    expect(debug.code).toBe(2);
    expect(debug.stderr.split('\n')[0]).toBe('vfio-lint: nope.xml: no such file or directory');
    expect(debug.stderr).toMatch(STACK);
  });
});

describe('information', () => {
  it('--version and -v print the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(runCli(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(runCli(['-v']).stdout).toBe(`${version}\n`);
  });

  it('--help and -h print the usage, the options and the exit codes', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Usage: vfio-lint [options] [file|dir ...]');
    for (const flag of ['--format', '--fix', '--fix-dry-run', '--fix-suggestions', '--config', '--no-config', '--rule', '--print-config', '--list-rules', '--stdin', '--stdin-filename', '--root', '--kind', '--quiet', '--max-warnings', '--output-file', '--color', '--debug']) {
      expect(r.stdout, flag).toMatch(new RegExp(`\\s${flag}[ ,]`));
    }
    expect(r.stdout).toContain('Exit codes: 0 no errors, 1 lint errors (or too many warnings), 2 usage error or failure.');
    expect(runCli(['-h']).stdout).toBe(r.stdout);
  });

  it('--list-rules: a table of every rule', () => {
    const r = runCli(['--list-rules']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RULE +SEVERITY +FIX +CATEGORY +DESCRIPTION$/);
    const rows = lines.slice(1).map((l) => l.split(/ +/).slice(0, 4).join(' '));
    expect(rows.map((row) => row.split(' ')[0])).toEqual(builtinRules.map((rule) => rule.meta.id));
    expect(rows).toEqual(expect.arrayContaining(['memballoon-present warn safe performance', 'nvidia-not-blacklisted error suggest correctness', 'syntax error - correctness', 'unused-suppression warn - style']));
    // The description column starts at the same place on every row.
    const at = lines[0]!.indexOf('DESCRIPTION');
    for (const [i, rule] of builtinRules.entries()) expect(lines[i + 1]!.slice(at)).toBe(rule.meta.description);
  });

  it('explain RULE prints the rule\'s documentation', () => {
    const r = runCli(['explain', 'memballoon-present']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'docs', 'rules', 'memballoon-present.md'), 'utf8'));
  });

  it('explain prints every built-in rule\'s page, never just its description', () => {
    for (const rule of builtinRules) {
      const r = runCli(['explain', rule.meta.id]);
      const page = r.stdout;
      expect(page.startsWith(`# ${rule.meta.id}\n`), rule.meta.id).toBe(true);
    }
  });

  it('explain in an installation that lost a page says so in one line and fails, instead of printing less', () => {
    const dir = tempDir();
    for (const p of ['bin', 'dist', 'docs', 'package.json']) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
    rmSync(join(dir, 'docs', 'rules', 'memballoon-present.md'));
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'vfio-lint'), 'explain', 'memballoon-present'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^vfio-lint: the documentation page of memballoon-present is missing from this installation \(.*docs\/rules\/memballoon-present\.md\); see https:\/\/github\.com\/vfio-lint\/vfio-lint\/blob\/main\/docs\/rules\/memballoon-present\.md\n$/);
  });
});
