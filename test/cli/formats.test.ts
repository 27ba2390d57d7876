import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runCli } from '../helpers/cli.js';
import { validateSarif } from '../reporters/sarif-validator.js';
import { fixture, splitSkipped, skippedByRule, tempDir, type JsonResult } from './fixtures.js';

const tree = fixture('tree');
const ESC = '\u001b[';
const NOUVEAU = 'NVIDIA device 10de:2684 is given to vfio-pci, but nothing keeps nouveau off it: whichever driver loads first binds the GPU. Add `softdep nouveau pre: vfio-pci` (or `install nouveau /bin/false` if the host never uses nouveau)';
const NVIDIA = 'NVIDIA device 10de:2684 is given to vfio-pci, and nothing here mentions the proprietary nvidia driver: if it is installed, nothing keeps it off the GPU. Add `softdep nvidia pre: vfio-pci` (or `install nvidia /bin/false` if the host never uses nvidia)';
const BALLOON = "Memory balloon model 'virtio' is active while PCI device 0000:01:00.0 is passed through: VFIO pins all guest RAM, so the balloon can only take memory from the guest; set model='none'";

describe('--format stylish (the default)', () => {
  it('findings under each file, aligned columns, related places, then the summary', () => {
    const r = runCli(['.'], { cwd: tree });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const w = Math.max(NOUVEAU.length, NVIDIA.length);
    expect(splitSkipped(r.stdout).report).toBe(
      [
        '',
        'etc/modprobe.d/vfio.conf',
        `  2:22  error    ${NOUVEAU.padEnd(w)}  nvidia-not-blacklisted`,
        `  2:22  warning  ${NVIDIA.padEnd(w)}  nvidia-not-blacklisted`,
        '',
        'etc/libvirt/qemu/win11.xml',
        `  14:17  warning  ${BALLOON}  memballoon-present`,
        '    related: etc/libvirt/qemu/win11.xml:9:5 passed through here',
        '',
        '\u2716 3 problems (1 error, 2 warnings)',
        '  0 errors and 1 warning potentially fixable with the `--fix` option.',
        '',
      ].join('\n'),
    );
  });

  it('a machine with nothing to say prints nothing', () => {
    const r = runCli([fixture('clean')]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
  });

  it('lists the rules that could not run, and why, after the summary', () => {
    const r = runCli(['.'], { cwd: fixture('domains') });
    expect(r.code).toBe(0);
    const { report, skipped } = splitSkipped(r.stdout);
    expect(report.endsWith('  0 errors and 1 warning potentially fixable with the `--fix` option.\n')).toBe(true);
    expect(r.stdout.slice(report.length)).toMatch(/^\nrules? /);
    expect(skippedByRule(skipped)).toEqual(
      expect.arrayContaining([
        'rule isolcpus-mismatch skipped: needs a kernel command line source (/etc/default/grub, /etc/kernel/cmdline, a loader entry or /proc/cmdline)',
        'rule nvidia-not-blacklisted skipped: needs modprobe configuration (/etc/modprobe.d)',
      ]),
    );
  });

  it('paths outside the current directory are absolute', () => {
    const r = runCli([join(tree, 'etc', 'libvirt', 'qemu', 'win11.xml')], { cwd: fixture('domains') });
    expect(r.stdout.split('\n')[1]).toBe(join(tree, 'etc', 'libvirt', 'qemu', 'win11.xml'));
  });
});

describe('colour', () => {
  const plain = (env: Record<string, string | undefined>, ...flags: string[]) => runCli([...flags, '.'], { cwd: tree, env }).stdout;

  it('--color forces it (even with NO_COLOR); --no-color turns it off (even with FORCE_COLOR)', () => {
    const colored = plain({ NO_COLOR: '1' }, '--color');
    expect(colored).toContain(`${ESC}31merror${ESC}39m`);
    expect(colored).toContain(`${ESC}33mwarning${ESC}39m`);
    expect(colored).toContain(`${ESC}4metc/modprobe.d/vfio.conf${ESC}24m`);
    expect(plain({ NO_COLOR: undefined, FORCE_COLOR: '1' }, '--no-color')).not.toContain(ESC);
  });

  it('off when the output is not a terminal, unless FORCE_COLOR says otherwise', () => {
    expect(plain({ NO_COLOR: undefined })).not.toContain(ESC);
    expect(plain({ NO_COLOR: undefined, FORCE_COLOR: '1' })).toContain(ESC);
    expect(plain({ NO_COLOR: undefined, FORCE_COLOR: '0' })).not.toContain(ESC);
  });

  it('never in a report written to a file', () => {
    const out = join(tempDir(), 'report.txt');
    const r = runCli(['--color', '-o', out, '.'], { cwd: tree });
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('etc/modprobe.d/vfio.conf\n');
    expect(readFileSync(out, 'utf8')).not.toContain(ESC);
  });

  // A real terminal: util-linux `script` runs the CLI on a pseudo-terminal.
  const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
  const onTty = (env: Record<string, string>) => {
    const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm', ...env };
    const r = spawnSync('script', ['-qec', `'${process.execPath}' '${BIN}' .`, '/dev/null'], { cwd: tree, env: childEnv, encoding: 'utf8', timeout: 60_000 });
    return r.stdout.replace(/\r\n/g, '\n');
  };

  it.skipIf(!hasScript)('on a terminal: coloured by default, plain with NO_COLOR or TERM=dumb', () => {
    expect(onTty({})).toContain(`${ESC}31merror${ESC}39m`);
    const noColor = onTty({ NO_COLOR: '1' });
    expect(noColor).toContain('etc/modprobe.d/vfio.conf\n');
    expect(noColor).not.toContain(ESC);
    expect(onTty({ TERM: 'dumb' })).not.toContain(ESC);
    // no-color.org: an empty NO_COLOR does not count.
    expect(onTty({ NO_COLOR: '' })).toContain(ESC);
  });
});

describe('--format json', () => {
  it("ESLint's shape: one line of JSON, one result per input file, with ESLint's fields and counts", () => {
    const r = runCli(['--format', 'json', '.'], { cwd: tree });
    expect(r.code).toBe(1);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trimEnd()).not.toContain('\n');
    const results = JSON.parse(r.stdout) as JsonResult[];
    expect(results.map((x) => x.filePath)).toEqual([join(tree, 'etc/default/grub'), join(tree, 'etc/modprobe.d/vfio.conf'), join(tree, 'etc/libvirt/qemu/win11.xml')]);
    for (const x of results) {
      expect(Object.keys(x)).toEqual(
        expect.arrayContaining(['filePath', 'messages', 'suppressedMessages', 'errorCount', 'fatalErrorCount', 'warningCount', 'fixableErrorCount', 'fixableWarningCount', 'usedDeprecatedRules']),
      );
      expect(x.suppressedMessages).toEqual([]);
      expect(x.usedDeprecatedRules).toEqual([]);
    }
    const counts = results.map((x) => [x.errorCount, x.fatalErrorCount, x.warningCount, x.fixableErrorCount, x.fixableWarningCount]);
    expect(counts).toEqual([
      [0, 0, 0, 0, 0],
      [1, 0, 1, 0, 0],
      [0, 0, 1, 0, 1],
    ]);
    const [nouveau, nvidia] = results[1]!.messages;
    expect(nouveau).toMatchObject({ ruleId: 'nvidia-not-blacklisted', severity: 2, message: NOUVEAU, line: 2, column: 22, endLine: 2, endColumn: 31, nodeType: null });
    expect(nvidia).toMatchObject({ ruleId: 'nvidia-not-blacklisted', severity: 1, line: 2, column: 22 });
    // A suggestion, not a fix: it appends the softdep after the last line.
    expect(nouveau!.fix).toBeUndefined();
    expect(nouveau!.suggestions).toMatchObject([{ fix: { text: 'softdep nouveau pre: vfio-pci\n' } }]);
    const text = readFileSync(join(tree, 'etc/modprobe.d/vfio.conf'), 'utf8');
    expect(nouveau!.suggestions![0]!.fix!.range).toEqual([text.length, text.length]);
  });

  it("a fix's range and text turn the source into the fixed file", () => {
    const r = runCli(['--format', 'json', 'etc/libvirt/qemu/win11.xml'], { cwd: tree });
    const [result] = JSON.parse(r.stdout) as JsonResult[];
    const fix = result!.messages[0]!.fix!;
    const source = readFileSync(join(tree, 'etc/libvirt/qemu/win11.xml'), 'utf8');
    const fixed = source.slice(0, fix.range[0]) + fix.text + source.slice(fix.range[1]);
    expect(source.slice(fix.range[0], fix.range[1])).toBe("<memballoon model='virtio'>\n      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n    </memballoon>");
    expect(fixed).toBe(source.replace(/<memballoon model='virtio'>[^]*<\/memballoon>/, "<memballoon model='none'/>"));
  });

  it('a file that could not be parsed: ruleId null, fatal, counted in fatalErrorCount', () => {
    const r = runCli(['--format', 'json', 'truncated.xml'], { cwd: fixture('broken') });
    const [result] = JSON.parse(r.stdout) as JsonResult[];
    expect(result!.fatalErrorCount).toBe(1);
    expect(result!.errorCount).toBe(1);
    expect(result!.messages).toMatchObject([{ ruleId: null, fatal: true, severity: 2, line: 5, column: 1 }]);
  });
});

describe('--format sarif', () => {
  const sarif = (args: string[], cwd: string) => {
    const r = runCli(['--format', 'sarif', ...args], { cwd });
    const log = JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number } } }> }> }> };
    const ok = validateSarif(log);
    expect(validateSarif.errors ?? null, JSON.stringify(validateSarif.errors, null, 1)).toBeNull();
    expect(ok).toBe(true);
    return { r, log };
  };

  it('validates against the official SARIF 2.1.0 schema, with each finding at its place', () => {
    const { r, log } = sarif(['.'], tree);
    expect(r.code).toBe(1);
    const results = log.runs[0]!.results.map((x) => {
      const loc = x.locations[0]!.physicalLocation;
      return `${loc.artifactLocation.uriBaseId} ${loc.artifactLocation.uri}:${loc.region.startLine}:${loc.region.startColumn} ${x.ruleId} ${x.level}`;
    });
    expect(results).toEqual([
      '%SRCROOT% etc/modprobe.d/vfio.conf:2:22 nvidia-not-blacklisted error',
      '%SRCROOT% etc/modprobe.d/vfio.conf:2:22 nvidia-not-blacklisted warning',
      '%SRCROOT% etc/libvirt/qemu/win11.xml:14:17 memballoon-present warning',
    ]);
  });

  it('stays valid for files that could not be parsed, skipped files and rules, info findings and suppressions', () => {
    // The notes file is nothing vfio-lint knows: skipped with a note on stderr, not a result.
    expect(sarif(['.', '../dotfiles/hosts/desk/notes'], fixture('broken')).log.runs[0]!.results.map((x) => x.ruleId)).toEqual(['parse-error']);
    sarif(['.'], fixture('suppressions'));
    sarif(['--rule', 'memballoon-present:info', '.'], fixture('domains'));
    sarif([], fixture('config', 'machines'));
  });

  it('after --fix-dry-run (the report of what would remain) it is still valid', () => {
    const { r } = sarif(['--fix-dry-run', '.'], tree);
    expect(r.code).toBe(1);
  });
});

describe('--format github', () => {
  it('one workflow command per finding, paths relative, related places on new lines (%0A)', () => {
    const r = runCli(['--format', 'github', '.'], { cwd: tree });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        `::error file=etc/modprobe.d/vfio.conf,line=2,col=22,endLine=2,endColumn=31,title=nvidia-not-blacklisted::${NOUVEAU}`,
        `::warning file=etc/modprobe.d/vfio.conf,line=2,col=22,endLine=2,endColumn=31,title=nvidia-not-blacklisted::${NVIDIA}`,
        `::warning file=etc/libvirt/qemu/win11.xml,line=14,col=17,endLine=14,endColumn=31,title=memballoon-present::${BALLOON}%0Arelated: etc/libvirt/qemu/win11.xml:9:5 passed through here`,
        '',
      ].join('\n'),
    );
  });

  it('info is a notice; skipped rules are plain log lines', () => {
    const r = runCli(['--format', 'github', '--rule', 'memballoon-present:info', '.'], { cwd: fixture('domains') });
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`::notice file=work.xml,line=14,col=17,endLine=14,endColumn=31,title=memballoon-present::${BALLOON}%0Arelated: work.xml:9:5 passed through here`);
    expect(lines.slice(1)).toEqual(
      expect.arrayContaining([
        'vfio-lint: rule isolcpus-mismatch skipped: needs a kernel command line source (/etc/default/grub, /etc/kernel/cmdline, a loader entry or /proc/cmdline)',
        'vfio-lint: rule nvidia-not-blacklisted skipped: needs modprobe configuration (/etc/modprobe.d)',
      ]),
    );
    // Only the finding is a workflow command.
    expect(lines.filter((l) => l.startsWith('::'))).toHaveLength(1);
  });

  it('escapes "," and ":" in the file name, so a name cannot break the command', () => {
    const dir = tempDir();
    copyFileSync(fixture('domains', 'work.xml'), join(dir, 'a,b:c.xml'));
    const r = runCli(['--format', 'github', 'a,b:c.xml'], { cwd: dir });
    expect(r.stdout.split('\n')[0]).toMatch(/^::warning file=a%2Cb%3Ac\.xml,line=14,col=17,endLine=14,endColumn=31,title=memballoon-present::Memory balloon/);
  });
});

describe('--output-file', () => {
  it('writes the report there and nothing to standard output; the exit code is unchanged', () => {
    const out = join(tempDir(), 'vfio-lint.json');
    const r = runCli(['--format', 'json', '--output-file', out, '.'], { cwd: tree });
    expect([r.code, r.stdout, r.stderr]).toEqual([1, '', '']);
    expect((JSON.parse(readFileSync(out, 'utf8')) as JsonResult[]).length).toBe(3);
  });
});
