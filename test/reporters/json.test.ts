import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { builtinDocsUrl } from '../../src/engine/rule.js';
import { eslintFix, format, toJson } from '../../src/reporters/json.js';
import { CWD, diag, GRUB_PATH, GRUB_TEXT, MODPROBE_PATH, report, result, scenario, SYSCTL_PATH, XML_PATH } from './fixture.js';

const opts = { cwd: CWD, color: false };

describe('json', () => {
  it('gives ESLint-shaped results with our extra fields', () => {
    const got = JSON.parse(format(scenario(), opts));
    expect(got).toEqual([
      {
        filePath: '/work/proj/etc/default/grub',
        messages: [
          { ruleId: 'grub-default', severity: 1, message: 'GRUB_DEFAULT is not saved', line: 1, column: 1, nodeType: null, messageId: 'notSaved', endLine: 1, endColumn: 15, level: 'warning', url: builtinDocsUrl('grub-default') },
          {
            ruleId: 'iommu-enabled',
            severity: 2,
            message: 'IOMMU is not enabled on the kernel command line.',
            line: 2,
            column: 29,
            nodeType: null,
            messageId: 'missing',
            endLine: 2,
            endColumn: 41,
            fix: { range: [55, 55], text: ' intel_iommu=on' },
            level: 'error',
            url: builtinDocsUrl('iommu-enabled'),
            edits: [{ filePath: GRUB_PATH, range: [55, 55], text: ' intel_iommu=on', line: 2, column: 41, endLine: 2, endColumn: 41 }],
          },
        ],
        suppressedMessages: [],
        errorCount: 1,
        fatalErrorCount: 0,
        warningCount: 1,
        fixableErrorCount: 1,
        fixableWarningCount: 0,
        usedDeprecatedRules: [],
        infoCount: 0,
        kind: 'grub',
      },
      {
        filePath: XML_PATH,
        messages: [
          {
            ruleId: 'hint-rule',
            severity: 1,
            message: 'Consider hv_vendor_id.',
            line: 1,
            column: 2,
            nodeType: null,
            messageId: 'hint',
            endLine: 1,
            endColumn: 8,
            level: 'info',
            url: builtinDocsUrl('hint-rule'),
            // Two files: no ESLint `fix`, every edit listed.
            edits: [
              { filePath: XML_PATH, range: [7, 7], text: ' x', line: 1, column: 8, endLine: 1, endColumn: 8 },
              { filePath: GRUB_PATH, range: [55, 55], text: ' y', line: 2, column: 41, endLine: 2, endColumn: 41 },
            ],
          },
          {
            ruleId: 'memballoon-present',
            severity: 1,
            message: 'memballoon is enabled; it defeats hugepages.',
            line: 2,
            column: 3,
            nodeType: null,
            messageId: 'present',
            endLine: 2,
            endColumn: 31,
            suggestions: [
              {
                desc: 'Set model="none"',
                fix: { range: [41, 47], text: 'none' },
                edits: [{ filePath: XML_PATH, range: [41, 47], text: 'none', line: 2, column: 22, endLine: 2, endColumn: 28 }],
              },
            ],
            level: 'warning',
            url: builtinDocsUrl('memballoon-present'),
            related: [{ filePath: GRUB_PATH, message: 'kernel command line here', range: [43, 55], line: 2, column: 29, endLine: 2, endColumn: 41 }],
          },
        ],
        suppressedMessages: [],
        errorCount: 0,
        fatalErrorCount: 0,
        // info counts as an ESLint warning (severity 1)
        warningCount: 2,
        fixableErrorCount: 0,
        fixableWarningCount: 1,
        usedDeprecatedRules: [],
        infoCount: 1,
        kind: 'domain',
      },
      {
        filePath: '/work/proj/broken.xml',
        messages: [{ ruleId: null, fatal: true, severity: 2, message: 'unexpected end of file', line: 1, column: 8, nodeType: null, endLine: 1, endColumn: 8, level: 'error' }],
        suppressedMessages: [],
        errorCount: 1,
        fatalErrorCount: 1,
        warningCount: 0,
        fixableErrorCount: 0,
        fixableWarningCount: 0,
        usedDeprecatedRules: [],
        infoCount: 0,
        kind: 'domain',
      },
      {
        filePath: MODPROBE_PATH,
        messages: [
          { ruleId: 'nvidia-not-blacklisted', severity: 1, message: 'nouveau is not blacklisted', line: 1, column: 1, nodeType: null, messageId: 'nouveau', endLine: 1, endColumn: 8, level: 'warning', url: builtinDocsUrl('nvidia-not-blacklisted') },
        ],
        suppressedMessages: [],
        errorCount: 0,
        fatalErrorCount: 0,
        warningCount: 1,
        fixableErrorCount: 0,
        fixableWarningCount: 0,
        usedDeprecatedRules: [],
        infoCount: 0,
        kind: 'modprobe',
      },
      {
        filePath: SYSCTL_PATH,
        messages: [],
        suppressedMessages: [],
        errorCount: 0,
        fatalErrorCount: 0,
        warningCount: 0,
        fixableErrorCount: 0,
        fixableWarningCount: 0,
        usedDeprecatedRules: [],
        infoCount: 0,
        kind: 'sysctl',
      },
    ]);
  });

  it('is one line of JSON with ESLint key order', () => {
    const src = sourceFile(GRUB_PATH, GRUB_TEXT);
    const d = diag(src, { ruleId: 'r', severity: 'error', message: 'm', range: { start: 0, end: 1 }, url: 'https://x/r' });
    expect(format(report([result(src, GRUB_PATH, 'grub', [d])]), opts)).toBe(
      '[{"filePath":"/work/proj/etc/default/grub","messages":[{"ruleId":"r","severity":2,"message":"m","line":1,"column":1,"nodeType":null,"endLine":1,"endColumn":2,"level":"error","url":"https://x/r"}],' +
        '"suppressedMessages":[],"errorCount":1,"fatalErrorCount":0,"warningCount":0,"fixableErrorCount":0,"fixableWarningCount":0,"usedDeprecatedRules":[],"infoCount":0,"kind":"grub"}]\n',
    );
    expect(format(report([]), opts)).toBe('[]\n');
  });

  it('makes relative paths absolute against cwd', () => {
    const src = sourceFile('etc/x.conf', 'a\n');
    expect(toJson(report([result(src, 'etc/x.conf', 'modprobe', [])]), opts)[0]!.filePath).toBe('/work/proj/etc/x.conf');
  });

  it('source only when asked, for files with findings and no output; output when fixed', () => {
    const src = sourceFile(GRUB_PATH, GRUB_TEXT);
    const d = diag(src, { ruleId: 'r', severity: 'warning', message: 'm', range: { start: 0, end: 1 } });
    const plain = report([result(src, GRUB_PATH, 'grub', [d]), result(sourceFile(SYSCTL_PATH, 'x=1\n'), SYSCTL_PATH, 'sysctl', [])]);
    expect(toJson(plain, opts)[0]!.source).toBeUndefined();
    const asked = toJson(plain, { ...opts, includeSource: true });
    expect(asked[0]!.source).toBe(GRUB_TEXT);
    expect(asked[1]!.source).toBeUndefined();
    // A fixed file: `output`, and no `source` even when asked; findings point into the output.
    const fixedText = 'GRUB_DEFAULT=saved\n';
    const after = sourceFile(GRUB_PATH, fixedText);
    const left = diag(after, { ruleId: 'r', severity: 'warning', message: 'm', range: { start: 13, end: 18 }, fix: { edits: [{ path: GRUB_PATH, start: 13, end: 18, text: 'x' }] } });
    const fixed = toJson(report([result(src, GRUB_PATH, 'grub', [left], fixedText)]), { ...opts, includeSource: true })[0]!;
    expect(fixed.output).toBe(fixedText);
    expect(fixed.source).toBeUndefined();
    expect(fixed.messages[0]!.edits).toEqual([{ filePath: GRUB_PATH, range: [13, 18], text: 'x', line: 1, column: 14, endLine: 1, endColumn: 19 }]);
  });

  it('edits of a file that is not an input (a file the fix creates) have no line/column', () => {
    const src = sourceFile(GRUB_PATH, GRUB_TEXT);
    const d = diag(src, { ruleId: 'r', severity: 'error', message: 'm', range: { start: 0, end: 1 }, fix: { edits: [{ path: '/work/proj/etc/modprobe.d/vfio.conf', start: 0, end: 0, text: 'options vfio-pci ids=1\n' }] } });
    const m = toJson(report([result(src, GRUB_PATH, 'grub', [d])]), opts)[0]!.messages[0]!;
    expect(m.fix).toBeUndefined();
    expect(m.edits).toEqual([{ filePath: '/work/proj/etc/modprobe.d/vfio.conf', range: [0, 0], text: 'options vfio-pci ids=1\n' }]);
  });
});

describe('eslintFix', () => {
  const P = '/f';
  it('a single edit in the same file as it is', () => {
    expect(eslintFix({ edits: [{ path: P, start: 2, end: 4, text: 'z' }] }, P, undefined)).toEqual({ range: [2, 4], text: 'z' });
  });
  it('several edits in the same file merged over the span they cover, as ESLint merges fixes', () => {
    expect(eslintFix({ edits: [{ path: P, start: 4, end: 5, text: 'Y' }, { path: P, start: 1, end: 2, text: 'X' }] }, P, 'abcdef')).toEqual({ range: [1, 5], text: 'XcdY' });
    // Two insertions at one point keep their order.
    expect(eslintFix({ edits: [{ path: P, start: 3, end: 3, text: '1' }, { path: P, start: 3, end: 3, text: '2' }] }, P, 'abcdef')).toEqual({ range: [3, 3], text: '12' });
  });
  it('none for another file, overlapping edits, or unknown text', () => {
    expect(eslintFix({ edits: [{ path: '/g', start: 0, end: 0, text: 'x' }] }, P, 'abc')).toBeUndefined();
    expect(eslintFix({ edits: [{ path: P, start: 0, end: 3, text: 'x' }, { path: P, start: 2, end: 4, text: 'y' }] }, P, 'abcdef')).toBeUndefined();
    expect(eslintFix({ edits: [{ path: P, start: 0, end: 1, text: 'x' }, { path: P, start: 2, end: 3, text: 'y' }] }, P, undefined)).toBeUndefined();
    expect(eslintFix({ edits: [] }, P, 'abc')).toBeUndefined();
  });
});
