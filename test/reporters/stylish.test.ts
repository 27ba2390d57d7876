import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { format } from '../../src/reporters/stylish.js';
import { codePointWidth, displayWidth, oneLine } from '../../src/reporters/text.js';
import { CWD, diag, GRUB_PATH, GRUB_TEXT, report, result, scenario } from './fixture.js';

const opts = { cwd: CWD, color: false };

describe('stylish', () => {
  it('prints the whole scenario in aligned columns with a summary and skipped rules', () => {
    const expected = [
      '',
      'etc/default/grub',
      `  1:1   warning  ${'GRUB_DEFAULT is not saved'.padEnd(47)}  grub-default`,
      '  2:29  error    IOMMU is not enabled on the kernel command line  iommu-enabled',
      '',
      'vm/win11.xml',
      `  1:2  info     ${'Consider hv_vendor_id'.padEnd(43)}  hint-rule`,
      '  2:3  warning  memballoon is enabled; it defeats hugepages  memballoon-present',
      '    related: etc/default/grub:2:29 kernel command line here',
      '',
      'broken.xml',
      '  1:8  error  unexpected end of file',
      '',
      '/etc/modprobe.d/vfio.conf',
      '  1:1  warning  nouveau is not blacklisted  nvidia-not-blacklisted',
      '',
      '\u2716 6 problems (2 errors, 3 warnings, 1 info)',
      '  1 error, 0 warnings and 1 info potentially fixable with the `--fix` option.',
      '',
      'rule isolcpus-mismatch skipped: needs host capabilities XML (`virsh capabilities > caps.xml`)',
      '',
    ].join('\n');
    expect(format(scenario(), opts)).toBe(expected);
  });

  it('prints nothing without findings or skipped rules', () => {
    const clean = sourceFile(GRUB_PATH, GRUB_TEXT);
    expect(format(report([result(clean, GRUB_PATH, 'grub', [])]), opts)).toBe('');
    expect(format(report([]), opts)).toBe('');
  });

  it('prints only the notes when rules were skipped but nothing was found', () => {
    const r = report([], { skippedRules: [{ ruleId: 'a', reason: 'needs x' }, { ruleId: 'b', reason: 'needs y' }] });
    expect(format(r, opts)).toBe('rule a skipped: needs x\nrule b skipped: needs y\n');
  });

  it('ESLint summary wording: singulars, no info part, fixable line only when something is', () => {
    const src = sourceFile(GRUB_PATH, GRUB_TEXT);
    const one = diag(src, { ruleId: 'r', severity: 'error', message: 'Bad.', range: { start: 0, end: 1 } });
    expect(format(report([result(src, GRUB_PATH, 'grub', [one])]), opts)).toBe('\netc/default/grub\n  1:1  error  Bad  r\n\n\u2716 1 problem (1 error, 0 warnings)\n');
    const fixable = diag(src, { ruleId: 'r', severity: 'warning', message: 'w', range: { start: 0, end: 1 }, fix: { edits: [{ path: GRUB_PATH, start: 0, end: 1, text: 'g' }] } });
    expect(format(report([result(src, GRUB_PATH, 'grub', [fixable])]), opts)).toBe(
      '\netc/default/grub\n  1:1  warning  w  r\n\n\u2716 1 problem (0 errors, 1 warning)\n  0 errors and 1 warning potentially fixable with the `--fix` option.\n',
    );
  });

  it('colours when asked: underlined path, dim position and rule, red error, bold red summary', () => {
    const src = sourceFile(GRUB_PATH, GRUB_TEXT);
    const one = diag(src, { ruleId: 'r', severity: 'error', message: 'Bad', range: { start: 0, end: 1 } });
    const out = format(report([result(src, GRUB_PATH, 'grub', [one])]), { cwd: CWD, color: true });
    expect(out).toBe(
      '\n\u001b[4metc/default/grub\u001b[24m\n' +
        '  \u001b[2m1:1\u001b[22m  \u001b[31merror\u001b[39m  Bad  \u001b[2mr\u001b[22m\n\n' +
        '\u001b[31m\u001b[1m\u2716 1 problem (1 error, 0 warnings)\u001b[22m\u001b[39m\n',
    );
  });

  it('info-only runs are summarised in cyan', () => {
    const src = sourceFile(GRUB_PATH, GRUB_TEXT);
    const one = diag(src, { ruleId: 'r', severity: 'info', message: 'fyi', range: { start: 0, end: 1 } });
    const out = format(report([result(src, GRUB_PATH, 'grub', [one])]), { cwd: CWD, color: true });
    expect(out).toContain('\u001b[36m\u001b[1m\u2716 1 problem (0 errors, 0 warnings, 1 info)\u001b[22m\u001b[39m');
    expect(out).toContain('\u001b[36minfo\u001b[39m');
  });

  it('aligns by display width: wide characters take two columns', () => {
    const src = sourceFile(GRUB_PATH, GRUB_TEXT);
    const a = diag(src, { ruleId: 'r1', severity: 'warning', message: '値が不正', range: { start: 0, end: 1 } });
    const b = diag(src, { ruleId: 'r2', severity: 'warning', message: 'abcdefghij', range: { start: 1, end: 2 } });
    const out = format(report([result(src, GRUB_PATH, 'grub', [a, b])]), opts).split('\n');
    // 4 wide characters = 8 columns, padded to 10 like the ASCII message.
    expect(out[2]).toBe('  1:1  warning  値が不正    r1');
    expect(out[3]).toBe('  1:2  warning  abcdefghij  r2');
  });

  it('on a terminal of known width, wraps long messages inside their column and keeps the rule ids in theirs', () => {
    const src = sourceFile(GRUB_PATH, GRUB_TEXT);
    const long = 'the quick brown fox jumps over the lazy dog and then some more words follow';
    const a = diag(src, { ruleId: 'r1', severity: 'warning', message: long, range: { start: 0, end: 1 } });
    const b = diag(src, { ruleId: 'r2', severity: 'warning', message: '値が不正な値です 値が不正な値です 値が不正な値です', range: { start: 1, end: 2 } });
    const c = diag(src, { ruleId: 'r3', severity: 'warning', message: 'short', range: { start: 2, end: 3 } });
    // indent 2 + 1 + 1 + 1 + 2 + 7 + 2 = 16; rule ids 2 wide: 60 - 16 - 2 - 2 leaves 40 columns
    // (a line of 39 and one of 34 padded to them; the CJK line: 8 + 1 + 8 characters, 34 columns).
    const out = format(report([result(src, GRUB_PATH, 'grub', [a, b, c])]), { ...opts, width: 60 }).split('\n');
    expect(out.slice(2, 9)).toEqual([
      '  1:1  warning  the quick brown fox jumps over the lazy   r1',
      '                dog and then some more words follow',
      '  1:2  warning  値が不正な値です 値が不正な値です         r2',
      '                値が不正な値です',
      '  1:3  warning  short                                     r3',
      '',
      '\u2716 3 problems (0 errors, 3 warnings)',
    ]);
  });

  it('keeps control characters from files out of the terminal', () => {
    const src = sourceFile(GRUB_PATH, GRUB_TEXT);
    const evil = diag(src, { ruleId: 'r', severity: 'error', message: 'value "\u001b]0;pwned\u0007"\nnext', range: { start: 0, end: 1 } });
    const out = format(report([result(src, GRUB_PATH, 'grub', [evil])]), opts);
    expect(out).toContain('  1:1  error  value "\\x1b]0;pwned\\x07" next  r\n');
    expect(out).not.toContain('\u001b');
  });
});

describe('display width', () => {
  it('counts cells', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1); // combining acute
    expect(displayWidth('\u001b[31mred\u001b[39m')).toBe(3);
    expect(displayWidth('🙂x')).toBe(3);
    expect(displayWidth('a\u200bb')).toBe(2);
    expect(codePointWidth(0x1f600)).toBe(2);
    expect(codePointWidth(0xff21)).toBe(2); // fullwidth A
    expect(codePointWidth(0x41)).toBe(1);
  });

  it('oneLine flattens breaks and escapes controls', () => {
    expect(oneLine('a\r\nb\tc\u0000')).toBe('a b c\\x00');
  });
});
