import { describe, it, expect } from 'vitest';
import { compareDiagnostics, createDiagnostic, type Diagnostic } from '../../src/engine/diagnostic.js';
import { sourceFile } from '../../src/core/source.js';
import type { Severity } from '../../src/engine/rule.js';

/**
 * A finding as reporters see it: its vfile `fatal` flag by severity, the line and column of its
 * related locations (in its own file or another), and the order findings of one file are listed in.
 */

const SRC = sourceFile('/etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:1b80\nsoftdep nouveau pre: vfio-pci\n');
const OTHER = sourceFile('/etc/default/grub', '# grub\nGRUB_CMDLINE_LINUX="quiet"\n');

const at = (ruleId: string | undefined, start: number, end: number, severity: Severity = 'warning'): Diagnostic =>
  createDiagnostic(SRC, { message: `${ruleId} here`, ruleId, severity, range: { start, end } });

describe('a finding\'s fatal flag follows its severity, as vfile has it', () => {
  it('error is fatal, warning is not, info leaves it unset', () => {
    expect(at('r', 0, 1, 'error').fatal).toBe(true);
    expect(at('r', 0, 1, 'warning').fatal).toBe(false);
    expect(at('r', 0, 1, 'info').fatal).toBeUndefined();
  });

  it('only a finding made as a parse failure is one', () => {
    expect(at('r', 0, 1, 'error').parseFailure).toBe(false);
    expect(createDiagnostic(SRC, { message: 'broken', ruleId: undefined, severity: 'error', range: { start: 0, end: 0 }, parseFailure: true }).parseFailure).toBe(true);
  });
});

describe('related locations get their line and column from their own file', () => {
  const related = (lookup?: (path: string) => ReturnType<typeof sourceFile> | undefined) =>
    createDiagnostic(
      SRC,
      {
        message: 'm',
        ruleId: 'r',
        severity: 'warning',
        range: { start: 0, end: 1 },
        related: [
          // `softdep` on line 2 of this file; `GRUB_CMDLINE_LINUX` on line 2 of /etc/default/grub.
          { path: SRC.path, start: 31, end: 38, message: 'here' },
          { path: OTHER.path, start: 7, end: 25, message: 'and there' },
        ],
      },
      lookup,
    ).related!.map((r) => `${r.path}:${r.line}:${r.column} ${r.message}`);

  it('in the same file and in another file the lookup finds', () => {
    expect(related((p) => (p === OTHER.path ? OTHER : undefined))).toEqual(['/etc/modprobe.d/vfio.conf:2:1 here', '/etc/default/grub:2:1 and there']);
  });

  it('a file nobody can look up gets line 0, column 0; the finding\'s own file needs no lookup', () => {
    expect(related()).toEqual(['/etc/modprobe.d/vfio.conf:2:1 here', '/etc/default/grub:0:0 and there']);
    expect(related(() => undefined)).toEqual(['/etc/modprobe.d/vfio.conf:2:1 here', '/etc/default/grub:0:0 and there']);
  });

  it('an empty list is none, as for a finding made without one', () => {
    const make = (rel: [] | undefined) => createDiagnostic(SRC, { message: 'm', ruleId: 'r', severity: 'warning', range: { start: 0, end: 1 }, related: rel }).related;
    expect([make([]), make(undefined)]).toEqual([undefined, undefined]);
  });
});

describe('the order of findings in a file', () => {
  // Expected order: by start, then by end, then by rule id (a parse failure, without one, first).
  const expected = [at('z-rule', 0, 1), at(undefined, 0, 3, 'error'), at('@scope/rule', 0, 3), at('a-rule', 0, 3), at('b-rule', 0, 3), at('a-rule', 5, 6)];

  it('is the same whatever order the findings come in', () => {
    const permutations = (list: Diagnostic[]): Diagnostic[][] =>
      list.length <= 1 ? [list] : list.flatMap((d, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [d, ...rest]));
    for (const p of permutations(expected)) expect([...p].sort(compareDiagnostics)).toEqual(expected);
  });

  it('compares each pair both ways, and a finding equal to itself', () => {
    for (const [i, a] of expected.entries()) {
      for (const [j, b] of expected.entries()) expect(Math.sign(compareDiagnostics(a, b))).toBe(Math.sign(i - j));
    }
    expect(compareDiagnostics(at('a-rule', 0, 3), at('a-rule', 0, 3))).toBe(0);
    expect(compareDiagnostics(at(undefined, 0, 3), at(undefined, 0, 3))).toBe(0);
  });
});
