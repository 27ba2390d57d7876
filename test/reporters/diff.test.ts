import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffLines, splitLines, unifiedDiff } from '../../src/reporters/diff.js';
import { fuzzParams } from '../helpers/fuzz.js';
import { applyInJs, applyWith, TOOLS } from './apply-patch.js';

const numbered = (n: number, nl = '\n') => Array.from({ length: n }, (_, i) => `${i + 1}${nl}`).join('');

describe('splitLines', () => {
  it('keeps terminators, CR included, and a last line without one', () => {
    expect(splitLines('a\r\nb\nc')).toEqual(['a\r\n', 'b\n', 'c']);
    expect(splitLines('a\n')).toEqual(['a\n']);
    expect(splitLines('')).toEqual([]);
    expect(splitLines('\n\n')).toEqual(['\n', '\n']);
    expect(splitLines('a\rb')).toEqual(['a\rb']);
  });
});

describe('unifiedDiff: exact output', () => {
  it('prints nothing for equal texts', () => {
    expect(unifiedDiff('x.conf', 'a\n', 'a\n')).toBe('');
    expect(unifiedDiff('x.conf', '', '')).toBe('');
  });

  it('one changed line with three lines of context each side', () => {
    const after = numbered(10).replace('5\n', 'five\n');
    expect(unifiedDiff('etc/x.conf', numbered(10), after)).toBe(
      '--- a/etc/x.conf\n+++ b/etc/x.conf\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n',
    );
  });

  it('changed last line without a final newline', () => {
    expect(unifiedDiff('f', 'a\nb', 'a\nc')).toBe(
      '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n',
    );
  });

  it('adding the final newline', () => {
    expect(unifiedDiff('f', 'a\nb', 'a\nb\n')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
  });

  it('removing the final newline', () => {
    expect(unifiedDiff('f', 'a\nb\n', 'a\nb')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n');
  });

  it('unchanged last line without newline shown as context gets the marker', () => {
    expect(unifiedDiff('f', 'a\nb', 'A\nb')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n\\ No newline at end of file\n');
  });

  it('insertion at the start', () => {
    expect(unifiedDiff('f', 'x\ny\n', 'new\nx\ny\n')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n+new\n x\n y\n');
  });

  it('insertion at the end', () => {
    expect(unifiedDiff('f', 'x\ny\n', 'x\ny\nz\n')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n x\n y\n+z\n');
  });

  it('deletion only', () => {
    expect(unifiedDiff('f', 'a\nb\nc\n', 'a\nc\n')).toBe('--- a/f\n+++ b/f\n@@ -1,3 +1,2 @@\n a\n-b\n c\n');
  });

  it('an empty side is named by the line before it (0)', () => {
    expect(unifiedDiff('f', '', 'x\n')).toBe('--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n');
    expect(unifiedDiff('f', 'x\n', '')).toBe('--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-x\n');
  });

  it('a created file comes from /dev/null', () => {
    expect(unifiedDiff('etc/modprobe.d/vfio.conf', '', 'options vfio-pci ids=10de:1b80\n', { created: true })).toBe(
      '--- /dev/null\n+++ b/etc/modprobe.d/vfio.conf\n@@ -0,0 +1 @@\n+options vfio-pci ids=10de:1b80\n',
    );
  });

  it('CRLF lines keep their CR', () => {
    expect(unifiedDiff('f', 'a\r\nb\r\nc\r\n', 'a\r\nB\r\nc\r\n')).toBe('--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n');
  });

  it('changes far apart make two hunks; close ones share one', () => {
    const far = numbered(20).replace(/^2\n/m, 'two\n').replace('19\n', 'nineteen\n');
    expect(unifiedDiff('f', numbered(20), far)).toBe(
      '--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+nineteen\n 20\n',
    );
    const near = numbered(20).replace(/^2\n/m, 'two\n').replace(/^8\n/m, 'eight\n');
    expect(unifiedDiff('f', numbered(20), near)).toBe(
      '--- a/f\n+++ b/f\n@@ -1,11 +1,11 @@\n 1\n-2\n+two\n 3\n 4\n 5\n 6\n 7\n-8\n+eight\n 9\n 10\n 11\n',
    );
  });

  it('six unchanged lines between changes still join (gap = 2 × context)', () => {
    const after = numbered(12).replace(/^2\n/m, 'b\n').replace(/^9\n/m, 'i\n');
    expect(unifiedDiff('f', numbered(12), after).match(/^@@/gm)).toHaveLength(1);
    const apart = numbered(12).replace(/^2\n/m, 'b\n').replace(/^10\n/m, 'j\n');
    expect(unifiedDiff('f', numbered(12), apart).match(/^@@/gm)).toHaveLength(2);
  });

  it('context 0', () => {
    const after = numbered(10).replace('5\n', 'five\n');
    expect(unifiedDiff('f', numbered(10), after, { context: 0 })).toBe('--- a/f\n+++ b/f\n@@ -5 +5 @@\n-5\n+five\n');
  });

  it('a joined line: cuts fall on line ends of both texts', () => {
    expect(unifiedDiff('f', 'x\nY\n', 'xY\n')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1 @@\n-x\n-Y\n+xY\n');
    expect(unifiedDiff('f', '\n\nq\n', '\nq\n')).toBe('--- a/f\n+++ b/f\n@@ -1,3 +1,2 @@\n \n-\n q\n');
    expect(unifiedDiff('f', 'a\nb\nc', 'a\nb\nc\nd')).toBe('--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n a\n b\n-c\n\\ No newline at end of file\n+c\n+d\n\\ No newline at end of file\n');
  });

  it('line numbers count the lines skipped before the window', () => {
    const before = numbered(1000);
    const after = before.replace('\n700\n', '\nseven hundred\n');
    expect(unifiedDiff('f', before, after)).toBe('--- a/f\n+++ b/f\n@@ -697,7 +697,7 @@\n 697\n 698\n 699\n-700\n+seven hundred\n 701\n 702\n 703\n');
  });

  it('deletions come before insertions within a change', () => {
    expect(unifiedDiff('f', 'a\nb\nc\n', 'a\nX\nY\nc\n')).toBe('--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n a\n-b\n+X\n+Y\n c\n');
  });

  it('a minimal script keeps shared lines in the middle as context', () => {
    expect(unifiedDiff('f', 'a\nb\nc\nd\ne\n', 'a\nB\nc\nD\ne\n')).toBe('--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n-d\n+D\n e\n');
  });

  it('a name with a space gets a trailing tab; odd characters are C-quoted', () => {
    expect(unifiedDiff('my dir/x.conf', 'a\n', 'b\n').split('\n').slice(0, 2)).toEqual(['--- a/my dir/x.conf\t', '+++ b/my dir/x.conf\t']);
    expect(unifiedDiff('q"x\\y', 'a\n', 'b\n').split('\n').slice(0, 2)).toEqual(['--- "a/q\\"x\\\\y"', '+++ "b/q\\"x\\\\y"']);
  });
});

describe('diffLines', () => {
  it('finds the shortest script', () => {
    // a b c a b b a -> c b a b a c (Myers' paper example): 5 edits in 4 blocks.
    const a = ['a', 'b', 'c', 'a', 'b', 'b', 'a'];
    const b = ['c', 'b', 'a', 'b', 'a', 'c'];
    const blocks = diffLines(a, b);
    const edits = blocks.reduce((n, bl) => n + (bl.aEnd - bl.aStart) + (bl.bEnd - bl.bStart), 0);
    expect(edits).toBe(5);
  });
});

// ---- applying with the real tools ----

interface Case {
  name: string;
  path: string;
  before: string;
  after: string;
  created?: boolean;
}

const cases: Case[] = [
  { name: 'middle change', path: 'etc/default/grub', before: numbered(10), after: numbered(10).replace('5\n', 'five\n') },
  { name: 'CRLF', path: 'win.xml', before: numbered(8, '\r\n'), after: numbered(8, '\r\n').replace('3\r\n', 'three\r\n') },
  { name: 'CRLF, no final newline', path: 'w2.xml', before: '<a>\r\n  <b/>\r\n</a>', after: '<a>\r\n  <b/>\r\n  <c/>\r\n</a>' },
  { name: 'no trailing newline, last line changed', path: 'f1', before: 'a\nb', after: 'a\nc' },
  { name: 'final newline added', path: 'f2', before: 'a\nb', after: 'a\nb\n' },
  { name: 'final newline removed', path: 'f3', before: 'a\nb\n', after: 'a\nb' },
  { name: 'edit at the start', path: 'f4', before: numbered(9), after: `# vfio\n${numbered(9).replace('1\n', 'one\n')}` },
  { name: 'edit at the end', path: 'f5', before: numbered(9), after: numbered(9).replace('9\n', 'nine\nten\n') },
  { name: 'insertions only', path: 'f6', before: numbered(20), after: numbered(20).replace('4\n', '4\nx\ny\n').replace('17\n', '17\nz\n') },
  { name: 'deletions only', path: 'f7', before: numbered(20), after: numbered(20).replace('4\n', '').replace('15\n16\n', '') },
  { name: 'empty to something', path: 'f8', before: '', after: 'line\n' },
  { name: 'everything deleted', path: 'f9', before: 'a\nb\n', after: '' },
  { name: 'created file', path: 'etc/modprobe.d/vfio.conf', before: '', after: 'options vfio-pci ids=10de:1b80,10de:10f0\n', created: true },
  { name: 'path with a space', path: 'my dir/vm one.xml', before: numbered(5), after: numbered(5).replace('2\n', 'II\n') },
  { name: 'many hunks', path: 'f10', before: numbered(100), after: numbered(100).replace(/^(10|40|41|77|100)\n/gm, '$1!\n') },
  { name: 'unicode', path: 'f11', before: 'κ=1\n🙂\nz\n', after: 'κ=2\n🙂\nz\n' },
  { name: 'blank lines and whitespace', path: 'f12', before: '\n\n  \n\t\n', after: '\n \n  \n\t\n\n' },
];

// Skipped only where neither GNU patch nor git is installed (the in-process applier below still runs).
describe.skipIf(TOOLS.length === 0)('the real patch and git apply accept the output', () => {
  for (const c of cases) {
    it(c.name, () => {
      const diff = unifiedDiff(c.path, c.before, c.after, { created: c.created });
      expect(diff).not.toBe('');
      for (const tool of TOOLS) {
        const got = applyWith(tool, c.path, c.created ? undefined : c.before, diff);
        expect(got, `${tool}`).toEqual({ ok: true, text: c.after });
      }
    });
  }

  it('the helper reports a patch that does not apply', () => {
    const diff = unifiedDiff('f', 'a\nb\n', 'a\nc\n');
    for (const tool of TOOLS) expect(applyWith(tool, 'f', 'a\nX\n', diff).ok).toBe(false);
  });

  it('context 0', () => {
    const before = numbered(30);
    const after = before.replace('7\n', 'seven\n').replace('8\n', '').replace('25\n', '25\n26a\n');
    const diff = unifiedDiff('f', before, after, { context: 0 });
    for (const tool of TOOLS) expect(applyWith(tool, 'f', before, diff)).toEqual({ ok: true, text: after });
  });

  it('a wholly rewritten large middle (beyond the Myers bound) is one exact block', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `old ${i}\n`).join('');
    const after = `keep\n${Array.from({ length: 3000 }, (_, i) => `new ${i}\n`).join('')}`;
    const diff = unifiedDiff('big', `keep\n${before}`, after);
    expect(diff.match(/^@@/gm)).toHaveLength(1);
    expect(diff.split('\n')[2]).toBe('@@ -1,3001 +1,3001 @@');
    for (const tool of TOOLS) expect(applyWith(tool, 'big', `keep\n${before}`, diff)).toEqual({ ok: true, text: after });
  });

  it('property: random line edits round-trip through patch and git apply', () => {
    fc.assert(
      fc.property(texts(), ({ before, after }) => {
        const diff = unifiedDiff('p/f.conf', before, after);
        if (before === after) return diff === '';
        for (const tool of TOOLS) {
          const got = applyWith(tool, 'p/f.conf', before, diff);
          if (!got.ok || got.text !== after) throw new Error(`${tool}: ${JSON.stringify({ before, after, diff, got })}`);
        }
        return true;
      }),
      fuzzParams(40),
    );
  });
});

/** Texts from a small alphabet of lines, so that equal lines and moves are common. */
function texts() {
  const line = fc.constantFrom('a', 'b', 'c', 'options x', '', ' ', 'a ');
  const eol = fc.constantFrom('\n', '\n', '\n', '\r\n');
  const doc = fc.tuple(fc.array(fc.tuple(line, eol), { maxLength: 14 }), fc.option(line, { nil: undefined }));
  const render = ([lines, tail]: [Array<[string, string]>, string | undefined]) => lines.map(([l, e]) => l + e).join('') + (tail ?? '');
  return fc.tuple(doc, doc).map(([x, y]) => ({ before: render(x), after: render(y) }));
}

describe('unifiedDiff: in-process properties', () => {
  it('applying the hunks in JS gives back the new text', () => {
    fc.assert(
      fc.property(texts(), fc.integer({ min: 0, max: 4 }), ({ before, after }, context) => {
        const diff = unifiedDiff('f', before, after, { context });
        expect(applyInJs(before, diff)).toBe(after);
      }),
      fuzzParams(500),
    );
  });

  it('a 50 MB file with one edit gives one small hunk (prefix and suffix trimmed first)', () => {
    const line = 'GRUB_CMDLINE_LINUX_DEFAULT="quiet splash intel_iommu=on iommu=pt"\n';
    const count = Math.ceil((50 * 1024 * 1024) / line.length);
    const lines = new Array<string>(count).fill(line);
    const before = lines.join('');
    lines[500_000] = 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n';
    const after = lines.join('');
    const diff = unifiedDiff('big', before, after);
    // Line 500001 (index 500000) changed: context starts 3 lines earlier, at line 499998.
    expect(diff).toBe(`--- a/big\n+++ b/big\n@@ -499998,7 +499998,7 @@\n ${line} ${line} ${line}-${line}+GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n ${line} ${line} ${line}`);
  });
});

