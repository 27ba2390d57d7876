import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { builtinRules } from '../../src/rules/index.js';
import { fixture, tempCopy, tempDir, type JsonResult } from './fixtures.js';

// The defects issue 22 found with real clients (the numbers are the issue's).

const project = fixture('config', 'project');
const tree = fixture('tree');

describe('--fix-dry-run with a UTF-16 file (5)', () => {
  it('leaves that file out of the patch, says so, and the rest applies with git apply', () => {
    const dir = tempCopy('tree');
    const vm = join(dir, 'etc', 'libvirt', 'qemu', 'win11.xml');
    const text = readFileSync(vm, 'utf8').replace(/encoding=['"]UTF-8['"]/i, "encoding='UTF-16'");
    writeFileSync(vm, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const before = readFileSync(vm);
    const r = runCli(['--fix-dry-run', '--fix-suggestions', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('vfio-lint: warning: the fixes to etc/libvirt/qemu/win11.xml are not in the diff: it is UTF-16LE, which a patch cannot edit as text (--fix applies them; --format json shows them)\n');
    expect(r.stdout).toContain('+++ b/etc/modprobe.d/vfio.conf');
    expect(r.stdout).not.toContain('win11.xml');
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8', input: r.stdout });
    expect(git('init', '-q').status).toBe(0);
    const applied = git('apply', '-');
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(readFileSync(join(dir, 'etc', 'modprobe.d', 'vfio.conf'), 'utf8')).toContain('softdep nouveau pre: vfio-pci\n');
    expect(readFileSync(vm)).toEqual(before);
  });

  it("a UTF-8 file's BOM is part of the patch, so git apply accepts a fix on the first line", () => {
    const dir = tempCopy('tree');
    const conf = join(dir, 'etc', 'modprobe.d', 'vfio.conf');
    const text = readFileSync(conf, 'utf8').replace(/^# .*\n/, '');
    writeFileSync(conf, `\uFEFF${text}`);
    const r = runCli(['--fix-dry-run', '--fix-suggestions', 'etc/modprobe.d/vfio.conf', 'etc/libvirt'], { cwd: dir });
    expect(r.stdout).toMatch(/^--- a\/etc\/modprobe.d\/vfio.conf\n\+\+\+ b\/etc\/modprobe.d\/vfio.conf\n@@ -1,2 \+1,4 @@\n \uFEFFoptions/);
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8', input: r.stdout });
    git('init', '-q');
    const applied = git('apply', '-');
    expect(applied.stderr).toBe('');
    expect(readFileSync(conf, 'utf8')).toMatch(/^\uFEFFoptions vfio-pci .*\nsoftdep snd_hda_intel pre: vfio-pci\nsoftdep nouveau pre: vfio-pci\n/);
  });
});

describe('the command line as ESLint users write it (11)', () => {
  it('--rule RULE:0/1/2 sets a severity by number', () => {
    const off = runCli(['--format', 'json', '--rule', 'nvidia-not-blacklisted:0', '--rule', 'memballoon-present:2', '.'], { cwd: tree });
    const messages = (JSON.parse(off.stdout) as JsonResult[]).flatMap((x) => x.messages.map((m) => `${m.ruleId} ${m.severity}`));
    expect(messages).toEqual(['memballoon-present 2']);
    expect(off.code).toBe(1);
  });

  it('--max-warnings -1 is no limit', () => {
    const r = runCli(['--rule', 'nvidia-not-blacklisted:1', '--max-warnings', '-1', '.'], { cwd: tree });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(runCli(['--rule', 'nvidia-not-blacklisted:1', '--max-warnings', '0', '.'], { cwd: tree }).code).toBe(1);
    expect(runCli(['--max-warnings', 'x', '.'], { cwd: tree }).stderr).toBe('vfio-lint: --max-warnings takes a whole number, or -1 for no limit (got "x")\n');
  });

  it('--list-rules --format json lists every rule as objects', () => {
    const r = runCli(['--list-rules', '--format', 'json']);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as Array<{ id: string; severity: string; fixable: string | null; category: string; description: string; recommended: boolean }>;
    expect(rules.map((x) => x.id)).toEqual(builtinRules.map((x) => x.meta.id));
    expect(rules[0]).toMatchObject({ id: 'memballoon-present', severity: 'warn', fixable: 'safe', category: 'performance', recommended: true, scope: 'domain', requires: ['domain'] });
    expect(runCli(['--list-rules', '--format', 'sarif']).stderr).toBe('vfio-lint: --list-rules prints a table, or JSON with --format json (got --format sarif)\n');
  });

  it('--print-config says which file it loaded, and FILE applies the overrides that match it', () => {
    const all = runCli(['--print-config'], { cwd: project });
    expect(all.stderr).toBe(`vfio-lint: configuration from ${join(project, 'vfio-lint.config.json')}\n`);
    const forLab = runCli(['--print-config', 'hosts/lab/win11.xml'], { cwd: project });
    const lab = JSON.parse(forLab.stdout) as { rules: Record<string, unknown>; overrides?: unknown };
    expect(lab.rules['memballoon-present']).toBe('off');
    expect(lab.overrides).toBeUndefined();
    const desk = JSON.parse(runCli(['--print-config', 'hosts/desk/win11.xml'], { cwd: project }).stdout) as { rules: Record<string, unknown> };
    expect(desk.rules['memballoon-present']).toBe('error');
    // From a subdirectory the FILE is still relative to where the command runs.
    const fromSub = JSON.parse(runCli(['--print-config', '../hosts/lab/win11.xml'], { cwd: join(project, 'sub') }).stdout) as { rules: Record<string, unknown> };
    expect(fromSub.rules['memballoon-present']).toBe('off');
    expect(runCli(['--print-config'], { cwd: tempDir() }).stderr).toBe('vfio-lint: no configuration file: the built-in defaults\n');
  });

  it('two config files in one folder: a warning naming both, and the one used', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'vfio-lint.config.json'), '{ "rules": { "memballoon-present": "error" } }\n');
    writeFileSync(join(dir, '.vfio-lintrc.json'), '{ "rules": { "memballoon-present": "off" } }\n');
    const r = runCli(['--format', 'json', join(tree, 'etc', 'libvirt')], { cwd: dir });
    expect(r.stderr).toBe(`vfio-lint: warning: ${dir} has both vfio-lint.config.json and .vfio-lintrc.json: only vfio-lint.config.json is used\n`);
    expect((JSON.parse(r.stdout) as JsonResult[])[0]!.messages.map((m) => m.severity)).toEqual([2]);
  });

  it('explain suggests the rule for a misspelt start or another case', () => {
    expect(runCli(['explain', 'memballon']).stderr).toBe('vfio-lint: unknown rule "memballon" (did you mean "memballoon-present"?) (see vfio-lint --list-rules)\n');
    expect(runCli(['explain', 'MEMBALLOON_PRESENT']).stderr).toBe('vfio-lint: unknown rule "MEMBALLOON_PRESENT" (did you mean "memballoon-present"?) (see vfio-lint --list-rules)\n');
    expect(runCli(['explain', 'foo']).stderr).toBe('vfio-lint: unknown rule "foo" (see vfio-lint --list-rules)\n');
  });

  it("--format json includes each file's source, as ESLint's does (its codeframe formatter shows the code)", () => {
    const results = JSON.parse(runCli(['--format', 'json', '.'], { cwd: tree }).stdout) as Array<JsonResult & { source?: string }>;
    const vm = results.find((x) => x.filePath.endsWith('win11.xml'))!;
    expect(vm.source).toBe(readFileSync(join(tree, 'etc', 'libvirt', 'qemu', 'win11.xml'), 'utf8'));
    // Not for a file without findings.
    expect(results.find((x) => x.filePath.endsWith('grub'))!.source).toBeUndefined();
  });
});

describe('long messages on a terminal 100 columns wide (11)', () => {
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasScript)('wrap inside the message column: no line is wider, rule ids stay in their column, the words are all there', () => {
    // util-linux `script` gives the CLI a real terminal; COLUMNS says how wide it is.
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(process.cwd(), 'bin', 'vfio-lint'))} --no-color .`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: tree, encoding: 'utf8', env: { ...process.env, COLUMNS: '100', NO_COLOR: '1', TERM: 'xterm' } });
    const lines = r.stdout.replaceAll('\r', '').split('\n');
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(100);
    const firstRows = lines.filter((l) => / (nvidia-not-blacklisted|memballoon-present)$/.test(l));
    expect(firstRows).toHaveLength(3);
    // Within one file's table the rule ids start at one column.
    expect(new Set(firstRows.slice(0, 2).map((l) => l.indexOf('nvidia-not-blacklisted'))).size).toBe(1);
    const json = JSON.parse(runCli(['--format', 'json', '.'], { cwd: tree }).stdout) as JsonResult[];
    const balloon = json.flatMap((x) => x.messages).find((m) => m.ruleId === 'memballoon-present')!.message;
    const at = lines.findIndex((l) => l.includes('Memory balloon model'));
    const body = [lines[at]!.replace(/\s+memballoon-present$/, '').replace(/^\s*14:17\s+warning\s+/, '')];
    for (let i = at + 1; /^ {18}\S/.test(lines[i]!); i++) body.push(lines[i]!.trim());
    expect(body.length).toBeGreaterThan(1);
    expect(body.join(' ')).toBe(balloon);
  });
});
