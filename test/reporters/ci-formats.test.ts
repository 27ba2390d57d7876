import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { parse as parseJunit } from 'junit2json';
import { sourceFile } from '../../src/core/source.js';
import { format as unix } from '../../src/reporters/unix.js';
import { format as checkstyle } from '../../src/reporters/checkstyle.js';
import { format as junit } from '../../src/reporters/junit.js';
import { format as gitlab } from '../../src/reporters/gitlab.js';
import { loadReporter } from '../../src/reporters/index.js';
import { ROOT } from '../helpers/cli.js';
import { CWD, diag, report, result, scenario } from './fixture.js';

/** The CI formats, each read by what reads it in the wild (issue 22). */
const opts = { cwd: CWD, color: false };

/** A message with everything a reader can choke on: markup, quotes, a line break, a control character, the end of a CDATA section. */
const NASTY = 'a "quoted" <tag> & \'x\'\nsecond line \u0007 bell ]]> end';
function nastyReport() {
  const path = `${CWD}/odd <name>.conf`;
  const src = sourceFile(path, 'options vfio-pci ids=10de:2684\n');
  return report([result(src, path, 'modprobe', [diag(src, { ruleId: 'r', severity: 'error', message: NASTY, range: { start: 8, end: 16 } })])]);
}

function tmp(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vfio-formats-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('unix / gcc', () => {
  it('one line per finding, file:line:col: severity: message [rule]; related places as notes', () => {
    expect(unix(scenario(), opts)).toBe(
      [
        'etc/default/grub:1:1: warning: GRUB_DEFAULT is not saved [grub-default]',
        'etc/default/grub:2:29: error: IOMMU is not enabled on the kernel command line. [iommu-enabled]',
        'vm/win11.xml:1:2: note: Consider hv_vendor_id. [hint-rule]',
        'vm/win11.xml:2:3: warning: memballoon is enabled; it defeats hugepages. [memballoon-present]',
        'etc/default/grub:2:29: note: kernel command line here [memballoon-present]',
        'broken.xml:1:8: error: unexpected end of file [parse-error]',
        '/etc/modprobe.d/vfio.conf:1:1: warning: nouveau is not blacklisted [nvidia-not-blacklisted]',
        '',
      ].join('\n'),
    );
    expect(loadReporter('gcc')).toBe(loadReporter('unix'));
    // A message from a file cannot break the one-line form.
    expect(unix(nastyReport(), opts)).toBe('odd <name>.conf:1:9: error: a "quoted" <tag> & \'x\' second line \\x07 bell ]]> end [r]\n');
  });

  const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!nvim)(`Neovim's quickfix list (:compiler gcc) reads every line with its file and place, errors and warnings typed${nvim ? '' : ' (skipped: nvim is not installed)'}`, () => {
    const t = tmp();
    try {
      writeFileSync(join(t.dir, 'report.txt'), unix(scenario(), opts));
      const out = join(t.dir, 'qf.json');
      const r = spawnSync('nvim', ['--headless', '--clean', '-c', 'compiler gcc', '-c', `cgetfile ${join(t.dir, 'report.txt')}`, '-c', `call writefile([json_encode(map(getqflist(), {_, e -> [bufname(e.bufnr), e.lnum, e.col, e.type, e.text, e.valid]}))], '${out}')`, '-c', 'qa!'], { cwd: t.dir, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      const items = JSON.parse(readFileSync(out, 'utf8')) as Array<[string, number, number, string, string, number]>;
      expect(items).toEqual([
        ['etc/default/grub', 1, 1, 'w', 'GRUB_DEFAULT is not saved [grub-default]', 1],
        ['etc/default/grub', 2, 29, 'e', 'IOMMU is not enabled on the kernel command line. [iommu-enabled]', 1],
        // Vim's gcc errorformat types errors and warnings; a note is a plain entry that keeps its word.
        ['vm/win11.xml', 1, 2, '', 'note: Consider hv_vendor_id. [hint-rule]', 1],
        ['vm/win11.xml', 2, 3, 'w', 'memballoon is enabled; it defeats hugepages. [memballoon-present]', 1],
        ['etc/default/grub', 2, 29, '', 'note: kernel command line here [memballoon-present]', 1],
        ['broken.xml', 1, 8, 'e', 'unexpected end of file [parse-error]', 1],
        ['/etc/modprobe.d/vfio.conf', 1, 1, 'w', 'nouveau is not blacklisted [nvidia-not-blacklisted]', 1],
      ]);
    } finally {
      t.done();
    }
  });
});

const xmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;
const SKIP_XMLLINT = xmllint ? '' : ' (skipped: xmllint is not installed; bash scripts/install-test-tools.sh)';
function lint(xml: string, ...args: string[]) {
  const t = tmp();
  try {
    writeFileSync(join(t.dir, 'report.xml'), xml);
    const r = spawnSync('xmllint', [...args, join(t.dir, 'report.xml')], { encoding: 'utf8' });
    // --xpath ends its answer with a line break of its own.
    return { status: r.status, stderr: r.stderr, stdout: args[0] === '--xpath' ? r.stdout.replace(/\n$/, '') : r.stdout };
  } finally {
    t.done();
  }
}

describe('checkstyle', () => {
  it.skipIf(!xmllint)(`validates against the checkstyle schema with xmllint, for every file and finding${SKIP_XMLLINT}`, () => {
    const xml = checkstyle(scenario(), opts);
    const r = lint(xml, '--noout', '--schema', join(ROOT, 'test', 'data', 'checkstyle', 'checkstyle.xsd'));
    expect(r.stderr).toMatch(/ validates\n$/);
    expect(r.status).toBe(0);
    expect(lint(xml, '--xpath', 'count(//file)').stdout).toBe('5');
    expect(lint(xml, '--xpath', 'count(//error)').stdout).toBe('6');
    expect(lint(xml, '--xpath', 'string(//file[error/@source="vfio-lint.rules.memballoon-present"]/@name)').stdout).toBe(`${CWD}/vm/win11.xml`);
    expect(lint(xml, '--xpath', 'string(//error[@source="vfio-lint.rules.hint-rule"]/@severity)').stdout).toBe('info');
  });

  it.skipIf(!xmllint)(`a message with markup, quotes, a line break and a control character reads back as written${SKIP_XMLLINT}`, () => {
    const xml = checkstyle(nastyReport(), opts);
    expect(lint(xml, '--noout', '--schema', join(ROOT, 'test', 'data', 'checkstyle', 'checkstyle.xsd')).status).toBe(0);
    expect(lint(xml, '--xpath', 'string(//error/@message)').stdout).toBe(NASTY.replace('\u0007', '\\x07'));
    expect(lint(xml, '--xpath', 'string(//file/@name)').stdout).toBe(`${CWD}/odd <name>.conf`);
  });
});

describe('junit', () => {
  it('junit2json reads a suite per file, a failed case per finding, and the skipped rules', async () => {
    const parsed = (await parseJunit(junit(scenario(), opts))) as { tests?: number; failures?: number; testsuite?: Array<{ name?: string; tests?: number; failures?: number; skipped?: number; testcase?: Array<{ name?: string; classname?: string; failure?: Array<{ message?: string; type?: string; inner?: string }>; skipped?: Array<{ message?: string }> }> }> };
    expect([parsed.tests, parsed.failures]).toEqual([8, 6]);
    const suites = parsed.testsuite!;
    expect(suites.map((s) => [s.name, s.tests, s.failures])).toEqual([
      ['etc/default/grub', 2, 2],
      ['vm/win11.xml', 2, 2],
      ['broken.xml', 1, 1],
      ['/etc/modprobe.d/vfio.conf', 1, 1],
      ['etc/sysctl.conf', 1, 0],
      ['rules not run', 1, 0],
    ]);
    const balloon = suites[1]!.testcase![1]!;
    expect(balloon.name).toBe('2:3 memballoon-present');
    expect(balloon.classname).toBe('vm/win11.xml');
    expect(balloon.failure).toEqual([{ message: 'memballoon is enabled; it defeats hugepages.', type: 'warning', inner: 'vm/win11.xml:2:3: warning: memballoon is enabled; it defeats hugepages. [memballoon-present]\nrelated: etc/default/grub:2:29 kernel command line here' }]);
    expect(suites[4]!.testcase).toEqual([{ name: 'vfio-lint', classname: 'etc/sysctl.conf', time: 0 }]);
    expect(suites[5]!.skipped).toBe(1);
    expect(suites[5]!.testcase![0]!.skipped).toEqual([{ message: 'needs host capabilities XML (`virsh capabilities > caps.xml`)' }]);
  });

  it('a nasty message survives: the attribute and the CDATA body read back as written', async () => {
    const parsed = (await parseJunit(junit(nastyReport(), opts))) as { testsuite?: Array<{ testcase?: Array<{ failure?: Array<{ message?: string; inner?: string }> }> }> };
    const failure = parsed.testsuite![0]!.testcase![0]!.failure![0]!;
    const shown = NASTY.replace('\u0007', '\\x07');
    expect(failure.message).toBe(shown);
    expect(failure.inner).toBe(`odd <name>.conf:1:9: error: ${shown} [r]`);
  });
});

// ajv is CommonJS; its class is the module itself or its `default`, depending on the loader.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as new (opts: object) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown } };

describe('gitlab (Code Quality)', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'data', 'gitlab', 'codeclimate.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true }).compile(schema);
  type Issue = { check_name: string; description: string; severity: string; fingerprint: string; location: { path: string; lines: { begin: number; end: number } } };

  it("every issue passes GitLab's own schema and what its documentation requires", () => {
    const issues = JSON.parse(gitlab(scenario(), opts)) as Issue[];
    expect(issues).toHaveLength(6);
    for (const issue of issues) {
      expect(validate(issue), JSON.stringify(validate.errors)).toBe(true);
      expect(typeof issue.check_name).toBe('string');
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(issue.severity);
      expect(issue.location.lines.begin).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    expect(issues.map((i) => [i.check_name, i.severity, i.location.path, i.location.lines.begin])).toEqual([
      ['grub-default', 'minor', 'etc/default/grub', 1],
      ['iommu-enabled', 'major', 'etc/default/grub', 2],
      ['hint-rule', 'info', 'vm/win11.xml', 1],
      ['memballoon-present', 'minor', 'vm/win11.xml', 2],
      ['parse-error', 'major', 'broken.xml', 1],
      ['nvidia-not-blacklisted', 'minor', '/etc/modprobe.d/vfio.conf', 1],
    ]);
  });

  it('a finding keeps its fingerprint when lines above it are added; two alike in one file differ', () => {
    const path = `${CWD}/etc/modprobe.d/x.conf`;
    const at = (text: string, start: number) => {
      const src = sourceFile(path, text);
      return JSON.parse(gitlab(report([result(src, path, 'modprobe', [diag(src, { ruleId: 'r', severity: 'warning', message: 'same', range: { start, end: start + 1 } }), diag(src, { ruleId: 'r', severity: 'warning', message: 'same', range: { start: start + 2, end: start + 3 } })])]), opts)) as Issue[];
    };
    const before = at('abcd\n', 0);
    const after = at('# a comment\nabcd\n', 12);
    expect(after.map((i) => i.location.lines.begin)).toEqual([2, 2]);
    expect(after.map((i) => i.fingerprint)).toEqual(before.map((i) => i.fingerprint));
    expect(before[0]!.fingerprint).not.toBe(before[1]!.fingerprint);
  });
});
