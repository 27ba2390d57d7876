import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { builtinRules } from '../../src/rules/index.js';
import { findings, fixture, ONE_LINE, splitSkipped, skippedByRule, STACK, tempDir, type JsonResult } from './fixtures.js';

const project = fixture('config', 'project');
const json = (stdout: string) => JSON.parse(stdout) as JsonResult[];
const RULE_IDS = builtinRules.map((r) => r.meta.id);

describe('the config file', () => {
  it('vfio-lint.config.json in the current directory sets severities (memballoon-present: error, so exit 1)', () => {
    const r = runCli(['--format', 'json', 'hosts/desk'], { cwd: project });
    expect(findings(json(r.stdout), project)).toEqual(['hosts/desk/win11.xml:14:17 memballoon-present error']);
    expect(r.code).toBe(1);
  });

  it('is found upward from a subdirectory', () => {
    const r = runCli(['--format', 'json', '../hosts/desk'], { cwd: join(project, 'sub') });
    expect(findings(json(r.stdout), project)).toEqual(['hosts/desk/win11.xml:14:17 memballoon-present error']);
    expect(r.code).toBe(1);
  });

  it('per-path overrides: memballoon-present is off under hosts/lab/ (globs relative to the config file)', () => {
    const r = runCli(['--format', 'json', '--rule', 'duplicate-domain:off', 'hosts/desk', 'hosts/lab'], { cwd: project }); // two copies of win11 in one run: duplicate-domain's business, not this test's
    const results = json(r.stdout);
    expect(results.map((x) => x.filePath.slice(project.length + 1))).toEqual(['hosts/desk/win11.xml', 'hosts/lab/win11.xml']);
    expect(findings(results, project)).toEqual(['hosts/desk/win11.xml:14:17 memballoon-present error']);
    // From below, the globs still mean the same files.
    const below = runCli(['--format', 'json', '../hosts/lab'], { cwd: join(project, 'sub') });
    expect(findings(json(below.stdout), project)).toEqual([]);
  });

  it('--no-config ignores it: the rule is back at its default severity (warning, exit 0)', () => {
    const r = runCli(['--format', 'json', '--no-config', 'hosts/desk'], { cwd: project });
    expect(findings(json(r.stdout), project)).toEqual(['hosts/desk/win11.xml:14:17 memballoon-present warning']);
    expect(r.code).toBe(0);
  });

  it('--rule RULE:SEVERITY wins over the file, and is repeatable', () => {
    const off = runCli(['--format', 'json', '--rule', 'memballoon-present:off', 'hosts/desk'], { cwd: project });
    expect([off.code, findings(json(off.stdout), project)]).toEqual([0, []]);
    const info = runCli(['--format', 'json', '--rule', 'nvidia-not-blacklisted:off', '--rule=memballoon-present:info', 'hosts/desk'], { cwd: project });
    expect([info.code, findings(json(info.stdout), project)]).toEqual([0, ['hosts/desk/win11.xml:14:17 memballoon-present info']]);
  });

  it('.vfio-lintrc.json is found too; --config names a file anywhere', () => {
    const rc = fixture('config', 'rc');
    const found = runCli(['--format', 'json', 'win11.xml'], { cwd: rc });
    expect(findings(json(found.stdout), rc)).toEqual(['win11.xml:14:17 memballoon-present info']);
    // The tree's domain, with the rc file named from elsewhere.
    const named = runCli(['--format', 'json', '--config', join(rc, '.vfio-lintrc.json'), 'hosts/desk'], { cwd: project });
    expect(findings(json(named.stdout), project)).toEqual(['hosts/desk/win11.xml:14:17 memballoon-present info']);
  });

  it('rule options reach the rule: nvidia-not-blacklisted with hostGpu "nvidia" stops offering to blacklist the driver', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'vfio-lint.config.json'), JSON.stringify({ rules: { 'nvidia-not-blacklisted': ['error', { hostGpu: 'nvidia' }] } }));
    const modprobe = join(fixture('tree'), 'etc', 'modprobe.d', 'vfio.conf');
    const withOption = json(runCli(['--format', 'json', modprobe], { cwd: dir }).stdout)[0]!.messages[0]!.message;
    const without = json(runCli(['--format', 'json', '--no-config', modprobe], { cwd: dir }).stdout)[0]!.messages[0]!.message;
    expect(without).toMatch(/Add `softdep nouveau pre: vfio-pci` \(or `install nouveau \/bin\/false` if the host never uses nouveau\)$/);
    expect(withOption).toMatch(/Add `softdep nouveau pre: vfio-pci`$/);
  });

  it('may hold comments, as .eslintrc.json may; "//" inside a string is not one', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, '.vfio-lintrc.json'),
      '{\n  // the balloon is fine on this lab box\n  "rules": { "memballoon-present": "off" /* for now */ },\n  "overrides": [{ "files": ["http://x/**"], "rules": {} }]\n}\n',
    );
    const r = runCli(['--format', 'json', join(fixture('domains'), 'work.xml')], { cwd: dir });
    expect([r.code, r.stderr, findings(json(r.stdout), dir)]).toEqual([0, '', []]);
    const printed = JSON.parse(runCli(['--print-config'], { cwd: dir }).stdout) as { overrides: unknown };
    expect(printed.overrides).toEqual([{ files: ['http://x/**'], rules: {} }]);
  });

  it('reportUnusedSuppressions: false turns off the unused-suppression findings', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'vfio-lint.config.json'), '{ "reportUnusedSuppressions": false }\n');
    const r = runCli(['--format', 'json', fixture('suppressions')], { cwd: dir });
    expect(findings(json(r.stdout), fixture('suppressions'))).toEqual(['not-silenced.xml:15:17 memballoon-present warning']);
  });
});

describe('--print-config', () => {
  const printed = (args: string[], cwd: string) => {
    const r = runCli(['--print-config', ...args], { cwd });
    expect(r.code).toBe(0);
    // Which file it is, on standard error, so standard output stays a configuration.
    expect(r.stderr).toMatch(/^vfio-lint: (configuration from \/.*\.json|no configuration file: the built-in defaults)\n$/);
    return JSON.parse(r.stdout) as { extends: string; rules: Record<string, unknown>; overrides?: unknown[] };
  };

  it('prints the configuration in effect as JSON: every rule with its severity, the overrides as written', () => {
    const config = printed([], project);
    expect(config.extends).toBe('recommended');
    expect(Object.keys(config.rules).sort()).toEqual([...RULE_IDS].sort());
    expect(config.rules).toMatchObject({ 'memballoon-present': 'error', 'nvidia-not-blacklisted': 'error', 'missing-topoext': 'warn' });
    expect(config.overrides).toEqual([{ files: ['hosts/lab/**'], rules: { 'memballoon-present': 'off' } }]);
  });

  it('with --rule and presets applied', () => {
    expect(printed(['--rule', 'syntax:off', '--rule', 'missing-topoext:error'], project).rules).toMatchObject({ syntax: 'off', 'missing-topoext': 'error', 'memballoon-present': 'error' });
    // A rule id with a dot in it (the machine type's version) is one --rule takes too.
    expect(printed(['--rule', 'q35-4.0-split-irqchip:off'], project).rules['q35-4.0-split-irqchip']).toBe('off');
    const rc = printed([], fixture('config', 'rc'));
    expect(rc.extends).toBe('all');
    expect(rc.rules['memballoon-present']).toBe('info');
    expect(printed(['--no-config'], project).rules['memballoon-present']).toBe('warn');
  });
});

describe('machines in the config file', () => {
  it('with no paths, lints each machine on its own; a rule skipped in one machine says which', () => {
    const dir = fixture('config', 'machines');
    const r = runCli([], { cwd: dir });
    expect(r.code).toBe(1);
    const { report, skipped } = splitSkipped(r.stdout);
    expect(report.split('\n').filter((l) => /^\S/.test(l) && !l.startsWith('\u2716'))).toEqual(['vms/win11.xml', 'hosts/laptop/etc/modprobe.d/vfio.conf']);
    expect(skippedByRule(skipped)).toEqual(
      expect.arrayContaining([
        'rule memballoon-present skipped: needs a libvirt domain XML (machine laptop)',
        'rule missing-topoext skipped: needs a libvirt domain XML (machine laptop)',
        'rule emulatorpin-overlaps-vcpupin skipped: needs a libvirt domain XML (machine laptop)',
        'rule isolcpus-mismatch skipped: needs a kernel command line source (/etc/default/grub, /etc/kernel/cmdline, a loader entry or /proc/cmdline) (machine laptop)',
        'rule hugepages-without-backing skipped: needs a libvirt domain XML (machine laptop)',
      ]),
    );
    // The rules that ran in desk are never listed as simply skipped.
    expect(skippedByRule(skipped).filter((l) => /^rule (memballoon-present|isolcpus-mismatch|nvidia-not-blacklisted) /.test(l) && !l.endsWith('(machine laptop)'))).toEqual([]);
    const results = json(runCli(['--format', 'json'], { cwd: dir }).stdout);
    // desk's GPU is guarded by its own vfio.conf; laptop's is not. Each machine sees only its own files.
    expect(findings(results, dir)).toEqual([
      'vms/win11.xml:14:17 memballoon-present warning',
      'hosts/laptop/etc/modprobe.d/vfio.conf:2:22 nvidia-not-blacklisted error',
      'hosts/laptop/etc/modprobe.d/vfio.conf:2:22 nvidia-not-blacklisted warning',
      'hosts/laptop/etc/modprobe.d/vfio.conf:2:22 vfio-pci-late-load warning',
    ]);
  });

  it('a pattern that matches nothing is an error on that pattern', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'vfio-lint.config.json'), JSON.stringify({ machines: [{ name: 'ghost', domains: ['vms/*.xml'] }] }));
    const r = runCli(['--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(json(r.stdout)).toMatchObject([{ filePath: join(dir, 'vms/*.xml'), messages: [{ ruleId: null, message: 'machine ghost: no file matches this pattern' }] }]);
  });
});

describe('an invalid config: one line naming the file, exit 2, no stack trace', () => {
  const broken = (text: string, name = 'vfio-lint.config.json') => {
    const dir = tempDir();
    writeFileSync(join(dir, name), text);
    mkdirSync(join(dir, 'etc'));
    const r = runCli(['etc'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(ONE_LINE);
    expect(r.stderr).not.toMatch(STACK);
    return r.stderr.replace(join(dir, name), 'CONFIG');
  };

  it('bad JSON: the line and column of the mistake', () => {
    // The trailing comma on line 3 makes the `}` at line 4, column 3 the error.
    expect(broken('{\n  "rules": {\n    "memballoon-present": "error",\n  }\n}\n')).toMatch(/^vfio-lint: CONFIG:4:3: invalid JSON: /);
    expect(broken('{ "rules": { "memballoon-present": "error" }', '.vfio-lintrc.json')).toMatch(/^vfio-lint: CONFIG(:1:\d+)?: invalid JSON: /);
    // Comments do not shift the place: in "  */ x" the stray `x` is at line 3, column 6.
    expect(broken('{\n  /* a\n  */ x\n}\n')).toMatch(/^vfio-lint: CONFIG:3:6: invalid JSON: /);
  });

  it('an unknown rule, with a guess at what was meant', () => {
    expect(broken('{ "rules": { "memballon-present": "error" } }')).toBe('vfio-lint: CONFIG: rules: unknown rule "memballon-present" (did you mean "memballoon-present"?)\n');
    expect(broken('{ "overrides": [{ "files": ["x"], "rules": { "no-such-rule": "off" } }] }')).toBe('vfio-lint: CONFIG: overrides[0].rules: unknown rule "no-such-rule"\n');
  });

  it('a bad severity', () => {
    expect(broken('{ "rules": { "memballoon-present": "fatal" } }')).toBe('vfio-lint: CONFIG: rules.memballoon-present: severity must be one of "error", "warn", "info", "off" (got "fatal")\n');
    expect(broken('{ "rules": { "memballoon-present": 3 } }')).toBe('vfio-lint: CONFIG: rules.memballoon-present: severity must be one of "error", "warn", "info", "off" (got 3)\n');
  });

  it('unknown keys, a bad preset, bad overrides and machines', () => {
    expect(broken('{ "rule": {} }')).toBe('vfio-lint: CONFIG: unknown key "rule" (allowed: extends, plugins, rules, overrides, machines, reportUnusedSuppressions, ignores, files, group)\n');
    expect(broken('{ "extends": "strict" }')).toBe('vfio-lint: CONFIG: "extends" must be "recommended" or "all"\n');
    expect(broken('{ "overrides": { "files": [] } }')).toBe('vfio-lint: CONFIG: "overrides" must be an array\n');
    expect(broken('{ "machines": [{ "domain": "x.xml" }] }')).toBe('vfio-lint: CONFIG: machines[0]: unknown key "domain"\n');
    expect(broken('[]')).toBe('vfio-lint: CONFIG: the configuration must be a JSON object\n');
  });

  it('--config naming a file that is not there', () => {
    const r = runCli(['--config', 'nope.json', '.'], { cwd: project });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `vfio-lint: ${join(project, 'nope.json')}: no such file or directory\n`]);
  });

  it('--rule naming an unknown rule, or a bad severity', () => {
    const unknown = runCli(['--rule', 'memballon-present:off', '.'], { cwd: project });
    expect([unknown.code, unknown.stderr]).toEqual([2, 'vfio-lint: --rule: unknown rule "memballon-present" (did you mean "memballoon-present"?)\n']);
    const severity = runCli(['--rule', 'memballoon-present:fatal', '.'], { cwd: project });
    expect([severity.code, severity.stderr]).toEqual([2, 'vfio-lint: --rule: memballoon-present: severity must be one of "error", "warn", "info", "off" (got "fatal")\n']);
  });
});

describe('machine paths', () => {
  it('expands relative and absolute globs', async () => {
    const { expandPaths } = await import('../../src/config/expand.js');
    const dir = tempDir();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(dir, 'vms'));
    writeFileSync(join(dir, 'vms', 'a.xml'), '<domain/>');
    writeFileSync(join(dir, 'b.xml'), '<domain/>');
    // Without a '/', a pattern matches a basename at any depth, as in .gitignore.
    expect(expandPaths(['*.xml'], dir)).toEqual({ paths: [join(dir, 'b.xml'), join(dir, 'vms', 'a.xml')], missing: [] });
    expect(expandPaths(['vms/*.xml'], dir)).toEqual({ paths: [join(dir, 'vms', 'a.xml')], missing: [] });
    expect(expandPaths([`${dir}/vms/*.xml`], '/nonexistent')).toEqual({ paths: [join(dir, 'vms', 'a.xml')], missing: [] });
    expect(expandPaths(['vms/*.json'], dir)).toEqual({ paths: [], missing: ['vms/*.json'] });
    // The walk stops at the depth a pattern can match, except for `**` and patterns without a '/'.
    mkdirSync(join(dir, 'vms', 'old'));
    writeFileSync(join(dir, 'vms', 'old', 'c.xml'), '<domain/>');
    expect(expandPaths(['vms/*.xml'], dir).paths).toEqual([join(dir, 'vms', 'a.xml')]);
    expect(expandPaths(['*/*/*.xml'], dir).paths).toEqual([join(dir, 'vms', 'old', 'c.xml')]);
    expect(expandPaths(['vms/**/*.xml'], dir).paths).toEqual([join(dir, 'vms', 'a.xml'), join(dir, 'vms', 'old', 'c.xml')]);
  });
});
