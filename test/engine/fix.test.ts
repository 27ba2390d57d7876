import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { applyEdits, selectFixes, type Fix } from '../../src/engine/fix.js';
import { runFixLoop, undoneWhy, MAX_FIX_PASSES } from '../../src/engine/fix-loop.js';
import { createDiagnostic, type Diagnostic } from '../../src/engine/diagnostic.js';
import { sourceFile } from '../../src/core/source.js';
import { fuzzParams } from '../helpers/fuzz.js';
import { lintText } from '../../src/lint.js';
import { balanced } from '../helpers/toy-parse.js';

const edit = (start: number, end: number, text: string, path = 'f') => ({ path, start, end, text });

describe('applyEdits', () => {
  it('applies edits back to front whatever their order', () => {
    expect(applyEdits('abcdef', [edit(4, 5, 'E'), edit(0, 1, 'A'), edit(2, 2, '+')])).toBe('Ab+cdEf');
  });
  it('keeps the given order of insertions at one point', () => {
    expect(applyEdits('xy', [edit(1, 1, '1'), edit(1, 1, '2')])).toBe('x12y');
  });
  it('refuses overlapping edits rather than guessing', () => {
    expect(() => applyEdits('abcdef', [edit(0, 3, 'X'), edit(2, 4, 'Y')])).toThrow(RangeError);
  });
  it('any set of non-overlapping edits gives the same text in any order', () => {
    const arb = fc.string({ maxLength: 40 }).chain((text) =>
      fc
        .uniqueArray(fc.integer({ min: 0, max: text.length }), { maxLength: 8 })
        .map((cuts) => cuts.sort((a, b) => a - b))
        .chain((cuts) => {
          // Pair consecutive cut points into disjoint spans, each replaced by some text.
          const spans: Array<[number, number]> = [];
          for (let i = 0; i + 1 < cuts.length; i += 2) spans.push([cuts[i]!, cuts[i + 1]!]);
          return fc.tuple(fc.constant(text), fc.tuple(...spans.map(([s, e]) => fc.string({ maxLength: 5 }).map((t) => edit(s, e, t)))), fc.integer());
        }),
    );
    fc.assert(
      fc.property(arb, ([text, edits, seed]) => {
        const list = [...edits];
        const shuffled = [...list].sort((a, b) => ((a.start * 31 + seed) % 7) - ((b.start * 31 + seed) % 7));
        expect(applyEdits(text, shuffled)).toBe(applyEdits(text, list));
      }),
      fuzzParams(),
    );
  });
});

describe('selectFixes', () => {
  it('takes a fix whole or defers it whole', () => {
    const a = { fix: { edits: [edit(0, 2, 'A'), edit(5, 6, 'A', 'g')] } };
    const b = { fix: { edits: [edit(1, 3, 'B')] } };
    const c = { fix: { edits: [edit(3, 4, 'C'), edit(5, 5, 'C', 'g')] } };
    const d = { fix: { edits: [edit(7, 7, 'D', 'g')] } };
    // An insertion touching a replaced span waits: which goes first would be a guess.
    const e = { fix: { edits: [edit(6, 6, 'E', 'g')] } };
    const { taken, deferred } = selectFixes([a, b, c, d, e]);
    expect(taken).toEqual([a, d]);
    expect(deferred).toEqual([b, c, e]);
  });

  it('an insertion at either end of a replacement is a conflict, in either order', () => {
    const replace = { fix: { edits: [edit(2, 4, 'R')] } };
    for (const at of [2, 4]) {
      const insert = { fix: { edits: [edit(at, at, 'I')] } };
      expect(selectFixes([replace, insert]).taken).toEqual([replace]);
      expect(selectFixes([insert, replace]).taken).toEqual([insert]);
    }
    // One character away is no conflict.
    expect(selectFixes([replace, { fix: { edits: [edit(5, 5, 'I')] } }]).deferred).toEqual([]);
  });

  it('a fix whose own edits overlap is never taken', () => {
    const self = { fix: { edits: [edit(0, 3, 'A'), edit(2, 5, 'B')] } };
    const other = { fix: { edits: [edit(2, 5, 'B', 'g'), edit(0, 3, 'A', 'g')] } };
    const fine = { fix: { edits: [edit(0, 1, 'A'), edit(1, 2, 'B')] } };
    expect(selectFixes([self, other, fine])).toEqual({ taken: [fine], deferred: [self, other] });
  });
});

/** A toy language for the loop: a file is valid when its brackets balance. Rules are functions of the text. */
function toyLint(rules: Array<(path: string, text: string) => Array<{ at: number; fix?: Fix; suggest?: Fix }>>) {
  return (texts: ReadonlyMap<string, string>) => {
    const diagnostics: Diagnostic[] = [];
    for (const [path, text] of texts) {
      rules.forEach((rule, i) => {
        for (const r of rule(path, text)) {
          diagnostics.push(
            createDiagnostic(sourceFile(path, text), {
              message: `toy ${i}`,
              ruleId: `toy-${i}`,
              severity: 'warning',
              range: { start: r.at, end: r.at },
              fix: r.fix,
              suggestions: r.suggest ? [{ description: 'try', fix: r.suggest }] : undefined,
            }),
          );
        }
      });
    }
    return { diagnostics };
  };
}

describe('runFixLoop', () => {
  it('applies overlapping fixes over several passes and stops when nothing is left', () => {
    // Every lowercase 'a' becomes 'A'; each fix also rewrites its neighbour, so neighbours overlap.
    const upper = (path: string, text: string) => {
      const i = text.indexOf('a');
      return i < 0 ? [] : [0, 1].map(() => ({ at: i, fix: { edits: [edit(i, Math.min(i + 2, text.length), text.slice(i, i + 2).toUpperCase(), path)] } }));
    };
    const result = runFixLoop(new Map([['f', 'aaaa']]), toyLint([upper]), { suggestions: false, parseCheck: balanced });
    expect(result.texts.get('f')).toBe('AAAA');
    expect(result.passes).toBe(2);
    expect(result.exhausted).toBe(false);
  });

  it('is idempotent: a second loop over its output changes nothing', () => {
    const trimTrailing = (path: string, text: string) => {
      const m = / +$/m.exec(text);
      return m ? [{ at: m.index, fix: { edits: [edit(m.index, m.index + m[0].length, '', path)] } }] : [];
    };
    const first = runFixLoop(new Map([['f', 'a  \nb \nc']]), toyLint([trimTrailing]), { suggestions: false, parseCheck: balanced });
    expect(first.texts.get('f')).toBe('a\nb\nc');
    const second = runFixLoop(first.texts, toyLint([trimTrailing]), { suggestions: false, parseCheck: balanced });
    expect(second.texts).toEqual(first.texts);
    expect(second.applied).toEqual([]);
  });

  it('undoes a fix that leaves a file unparsable, keeps the others of that pass, and reports it', () => {
    const breaker = (path: string, text: string) => (text.includes('(x)') ? [{ at: 0, fix: { edits: [edit(text.indexOf(')'), text.indexOf(')') + 1, '', path)] } }] : []);
    const good = (path: string, text: string) => (text.includes('bad') ? [{ at: 0, fix: { edits: [edit(text.indexOf('bad'), text.indexOf('bad') + 3, 'good', path)] } }] : []);
    const result = runFixLoop(new Map([['f', '(x) bad'], ['g', '(x)']]), toyLint([breaker, good]), { suggestions: false, parseCheck: balanced });
    expect(result.texts.get('f')).toBe('(x) good');
    expect(result.texts.get('g')).toBe('(x)');
    expect(result.undone.map((u) => [u.ruleId, u.path, u.reason])).toEqual([
      ['toy-0', 'f', 'a ( is never closed'],
      ['toy-0', 'g', 'a ( is never closed'],
    ]);
  });

  it('a fix spanning two files is undone in both when one breaks', () => {
    const both = (path: string, text: string) => (path === 'f' && text === 'one' ? [{ at: 0, fix: { edits: [edit(0, 3, 'ONE', 'f'), edit(0, 0, '(', 'g')] } }] : []);
    const result = runFixLoop(new Map([['f', 'one'], ['g', 'two']]), toyLint([both]), { suggestions: false, parseCheck: balanced });
    expect(result.texts.get('f')).toBe('one');
    expect(result.texts.get('g')).toBe('two');
    expect(result.undone).toHaveLength(1);
  });

  it('finds the culprit on top of the fixes already kept: two fixes that parse alone but not together', () => {
    // A file is unparsable when it holds "ab"; fix 0 writes the a, fix 1 the b.
    const noAb = (_: string, text: string) => (text.includes('ab') ? 'ab is not allowed' : undefined);
    const a = (path: string, text: string) => (text[0] === 'x' ? [{ at: 0, fix: { edits: [edit(0, 1, 'a', path)] } }] : []);
    const b = (path: string, text: string) => (text[1] === 'y' ? [{ at: 1, fix: { edits: [edit(1, 2, 'b', path)] } }] : []);
    const result = runFixLoop(new Map([['f', 'xy']]), toyLint([a, b]), { suggestions: false, parseCheck: noAb });
    expect(result.texts.get('f')).toBe('ay');
    expect(result.applied.map((x) => x.ruleId)).toEqual(['toy-0']);
    expect(result.undone.map((u) => [u.ruleId, u.reason])).toEqual([['toy-1', 'ab is not allowed']]);
  });

  it('a fix whose finding comes back after it was applied is not applied at all, and the rest still is', () => {
    // Rule 0 keeps asking to append the same line (the finding never goes away); rule 1's fix settles.
    const stubborn = (path: string, text: string) => [{ at: 0, fix: { edits: [edit(text.length, text.length, '\nappended', path)] } }];
    const settles = (path: string, text: string) => (text.startsWith('x') ? [{ at: 0, fix: { edits: [edit(0, 1, 'X', path)] } }] : []);
    const result = runFixLoop(new Map([['f', 'x']]), toyLint([stubborn, settles]), { suggestions: false, parseCheck: balanced });
    expect(result.texts.get('f')).toBe('X');
    expect(result.applied.map((a) => a.ruleId)).toEqual(['toy-1']);
    expect(result.undone.map((u) => [u.ruleId, u.cause])).toEqual([['toy-0', 'unsettled']]);
    expect(undoneWhy(result.undone[0]!)).toBe('it does not settle (its finding came back after it was applied)');
    expect(result.exhausted).toBe(false);
  });

  it('a fix applied again for a different finding is not mistaken for one that does not settle', () => {
    // Two findings ask for the same text at overlapping places (one per pass); each goes away when fixed.
    const each = (path: string, text: string) => {
      const i = text.indexOf('a');
      return i < 0 ? [] : [{ at: i, fix: { edits: [edit(i, i + 1, 'b', path)] } }];
    };
    const result = runFixLoop(new Map([['f', 'aa']]), toyLint([each]), { suggestions: false, parseCheck: balanced });
    expect(result.texts.get('f')).toBe('bb');
    expect(result.undone).toEqual([]);
  });

  it('fixes only the rules the filter lets through', () => {
    const a = (path: string, text: string) => (text[0] === 'x' ? [{ at: 0, fix: { edits: [edit(0, 1, 'X', path)] } }] : []);
    const b = (path: string, text: string) => (text[1] === 'y' ? [{ at: 1, fix: { edits: [edit(1, 2, 'Y', path)] } }] : []);
    const result = runFixLoop(new Map([['f', 'xy']]), toyLint([a, b]), { suggestions: false, parseCheck: balanced, ruleFilter: (id) => id === 'toy-1' });
    expect(result.texts.get('f')).toBe('xY');
  });

  it('creates a file a fix inserts into at offset 0, and ignores other edits to a file it never read', () => {
    const create = (path: string, text: string) => (path === 'f' && text === 'x' ? [{ at: 0, fix: { edits: [edit(0, 1, 'X', 'f'), edit(0, 0, 'new\n', 'g')] } }] : []);
    const made = runFixLoop(new Map([['f', 'x']]), toyLint([create]), { suggestions: false, parseCheck: balanced });
    expect([...made.texts]).toEqual([['f', 'X'], ['g', 'new\n']]);
    const stray = (path: string, text: string) => (path === 'f' && text === 'x' ? [{ at: 0, fix: { edits: [edit(0, 1, 'X', 'f'), edit(2, 2, 'new\n', 'h')] } }] : []);
    const ignored = runFixLoop(new Map([['f', 'x']]), toyLint([stray]), { suggestions: false, parseCheck: balanced });
    expect([...ignored.texts]).toEqual([['f', 'X']]);
  });

  it('applies suggestions only when asked', () => {
    const suggest = (path: string, text: string) => (text === 'x' ? [{ at: 0, suggest: { edits: [edit(0, 1, 'y', path)] } }] : []);
    expect(runFixLoop(new Map([['f', 'x']]), toyLint([suggest]), { suggestions: false, parseCheck: balanced }).texts.get('f')).toBe('x');
    expect(runFixLoop(new Map([['f', 'x']]), toyLint([suggest]), { suggestions: true, parseCheck: balanced }).texts.get('f')).toBe('y');
  });

  it('gives up after the pass limit on fixes that never converge, and says so', () => {
    const forever = (path: string) => [{ at: 0, fix: { edits: [edit(0, 0, '.', path)] } }];
    const result = runFixLoop(new Map([['f', '']]), toyLint([forever]), { suggestions: false, parseCheck: balanced });
    expect(result.passes).toBe(MAX_FIX_PASSES);
    expect(result.texts.get('f')).toBe('.'.repeat(MAX_FIX_PASSES));
    expect(result.exhausted).toBe(true);
  });
});

describe('the fixRules option of a real lint', () => {
  const vm = "<domain type='kvm'>\n  <name>vm</name>\n  <devices>\n    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>\n    <memballoon model='virtio'/>\n  </devices>\n</domain>\n";
  it('applies the fixes of the rules named, and only theirs', async () => {
    const fixed = await lintText(vm, { filePath: '/vm/vm.xml', config: false, cwd: '/', fix: true, fixRules: ['memballoon-present'] });
    expect(fixed.results[0]!.output).toBe(vm.replace("<memballoon model='virtio'/>", "<memballoon model='none'/>"));
    const other = await lintText(vm, { filePath: '/vm/vm.xml', config: false, cwd: '/', fix: true, fixRules: ['missing-topoext'] });
    expect(other.results[0]!.output).toBeUndefined();
    expect(other.results[0]!.messages.map((m) => m.ruleId)).toEqual(['memballoon-present']);
  });
});
