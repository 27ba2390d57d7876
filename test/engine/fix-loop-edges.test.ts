import { describe, it, expect } from 'vitest';
import { runFixLoop, undoneWhy, MAX_FIX_PASSES } from '../../src/engine/fix-loop.js';
import { createDiagnostic, type Diagnostic } from '../../src/engine/diagnostic.js';
import { sourceFile } from '../../src/core/source.js';
import type { TextEdit } from '../../src/engine/fix.js';
import { balanced } from '../helpers/toy-parse.js';

/**
 * The fix loop at its edges: what an undone fix says, the cap on restarts, when it says it gave up,
 * fixes into files not read, which fix is banned, and findings that come back after their fix moved
 * them (inside a replaced span, after an insertion or a longer replacement before them).
 */

interface Found {
  start: number;
  end?: number;
  message?: string;
  fix?: TextEdit[];
  suggest?: TextEdit[];
}
type ToyRule = (path: string, text: string, texts: ReadonlyMap<string, string>) => Found[];

/** Rules are functions of a file's text (and the others'); rule i reports as toy-i. */
function lintWith(rules: ToyRule[]) {
  return (texts: ReadonlyMap<string, string>) => {
    const diagnostics: Diagnostic[] = [];
    for (const [path, text] of texts) {
      rules.forEach((rule, i) => {
        for (const r of rule(path, text, texts)) {
          diagnostics.push(
            createDiagnostic(sourceFile(path, text), {
              message: r.message ?? `toy ${i}`,
              ruleId: `toy-${i}`,
              severity: 'warning',
              range: { start: r.start, end: r.end ?? r.start },
              fix: r.fix ? { edits: r.fix } : undefined,
              suggestions: r.suggest ? [{ description: 'try', fix: { edits: r.suggest } }] : undefined,
            }),
          );
        }
      });
    }
    return { diagnostics };
  };
}
const edit = (path: string, start: number, end: number, text: string): TextEdit => ({ path, start, end, text });
const run = (texts: Record<string, string>, rules: ToyRule[], suggestions = false) => runFixLoop(new Map(Object.entries(texts)), lintWith(rules), { suggestions, parseCheck: balanced });

describe('what the loop reports', () => {
  it('an unparsable fix is undone with its cause, the rest of its pass stands in that same pass', () => {
    const breaker: ToyRule = (path, text) => (text.includes('(x)') ? [{ start: 0, fix: [edit(path, text.indexOf(')'), text.indexOf(')') + 1, '')] }] : []);
    const good: ToyRule = (path, text) => (text.includes('bad') ? [{ start: 0, fix: [edit(path, text.indexOf('bad'), text.indexOf('bad') + 3, 'good')] }] : []);
    const result = run({ f: '(x) bad' }, [breaker, good]);
    expect(result.texts.get('f')).toBe('(x) good');
    expect(result.passes).toBe(1);
    expect(result.applied).toEqual([{ ruleId: 'toy-1', path: 'f', message: 'toy 1', kind: 'fix' }]);
    expect(result.undone).toEqual([{ ruleId: 'toy-0', path: 'f', message: 'toy 0', kind: 'fix', cause: 'unparsable', reason: 'a ( is never closed' }]);
    expect(undoneWhy(result.undone[0]!)).toBe('it would leave the file unparsable (a ( is never closed)');
  });

  it('an applied suggestion is reported as one', () => {
    const suggest: ToyRule = (path, text) => (text === 'x' ? [{ start: 0, suggest: [edit(path, 0, 1, 'y')] }] : []);
    expect(run({ f: 'x' }, [suggest], true).applied).toEqual([{ ruleId: 'toy-0', path: 'f', message: 'toy 0', kind: 'suggestion' }]);
  });

  it('a fix in another file is not blamed for a file that did not parse before', () => {
    // f is broken from the start and its fix leaves it broken; g's fix is fine.
    const onF: ToyRule = (path, text) => (path === 'f' && text.includes('x') ? [{ start: 0, fix: [edit('f', text.indexOf('x'), text.indexOf('x') + 1, 'y')] }] : []);
    const onG: ToyRule = (path, text) => (path === 'g' && text === 'bad' ? [{ start: 0, fix: [edit('g', 0, 3, 'good')] }] : []);
    const result = run({ f: '(x', g: 'bad' }, [onF, onG]);
    expect([...result.texts]).toEqual([['f', '(x'], ['g', 'good']]);
    expect(result.undone.map((u) => [u.ruleId, u.path, u.cause])).toEqual([['toy-0', 'f', 'unparsable']]);
  });

  it('is not exhausted when all that is left after the last pass is a banned fix', () => {
    // One 'a' is upper-cased per pass: exactly MAX_FIX_PASSES passes. The ')' appended breaks the file and is banned in pass 1.
    const upper: ToyRule = (path, text) => (text.includes('a') ? [{ start: text.indexOf('a'), end: text.indexOf('a') + 1, fix: [edit(path, text.indexOf('a'), text.indexOf('a') + 1, 'A')] }] : []);
    const close: ToyRule = (path, text) => [{ start: 0, fix: [edit(path, text.length, text.length, ')')] }];
    const result = run({ f: 'a'.repeat(MAX_FIX_PASSES) }, [upper, close]);
    expect(result.texts.get('f')).toBe('A'.repeat(MAX_FIX_PASSES));
    expect(result.passes).toBe(MAX_FIX_PASSES);
    expect(result.exhausted).toBe(false);
    expect(result.undone.map((u) => [u.ruleId, u.cause])).toEqual([['toy-1', 'unparsable']]);
  });
});

describe('restarts', () => {
  it('start over at most 10 times: then the loop runs its passes and says it gave up', () => {
    // Twelve fixes that never settle, all appending at the end (so one per pass): each restart bans one.
    const letters = 'abcdefghijkl';
    const stubborn: ToyRule = (path, text) => [...letters].map((l) => ({ start: 0, end: 1, message: 'stubborn', fix: [edit(path, text.length, text.length, l)] }));
    const result = run({ f: 'x' }, [stubborn]);
    expect(result.undone.map((u) => u.cause)).toEqual(Array(10).fill('unsettled'));
    expect(result.texts.get('f')).toBe(`x${'k'.repeat(MAX_FIX_PASSES)}`);
    expect(result.exhausted).toBe(true);
  });
});

describe('fixes into files that were not read', () => {
  it('an empty insertion makes no file; edits not all at offset 0 of it are left out', () => {
    const mk = (g: TextEdit[]): ToyRule => (path, text) => (path === 'f' && text === 'x' ? [{ start: 0, fix: [edit('f', 0, 1, 'X'), ...g] }] : []);
    expect([...run({ f: 'x' }, [mk([edit('g', 0, 0, '')])]).texts]).toEqual([['f', 'X']]);
    expect([...run({ f: 'x' }, [mk([edit('g', 0, 0, 'a'), edit('g', 2, 2, 'b')])]).texts]).toEqual([['f', 'X']]);
    expect([...run({ f: 'x' }, [mk([edit('g', 0, 3, 'abc')])]).texts]).toEqual([['f', 'X']]);
    expect([...run({ f: 'x' }, [mk([edit('g', 0, 0, 'ab')])]).texts]).toEqual([['f', 'X'], ['g', 'ab']]);
  });

  it('a finding whose fix edits only another file', () => {
    const rule: ToyRule = (path, _, texts) => (path === 'f' && texts.get('g') === 'y' ? [{ start: 0, end: 1, fix: [edit('g', 0, 1, 'Y')] }] : []);
    const result = runFixLoop(new Map([['f', 'x'], ['g', 'y']]), lintWith([rule]), { suggestions: false, parseCheck: balanced });
    expect([...result.texts]).toEqual([['f', 'x'], ['g', 'Y']]);
    expect(result.exhausted).toBe(false);
  });
});

describe('a banned fix is known by its rule, files and texts', () => {
  it('another fix of the same rule is still applied', () => {
    // Both fixes touch the start of 'bad', so the breaker (given first) goes alone in pass 1 and is banned.
    const rule: ToyRule = (path, text) => {
      const i = text.indexOf('bad');
      return i < 0 ? [] : [{ start: i, fix: [edit(path, i, i, '(')] }, { start: i, fix: [edit(path, i, i + 3, 'good')] }];
    };
    const result = run({ f: 'a bad' }, [rule]);
    expect(result.texts.get('f')).toBe('a good');
    expect(result.undone.map((u) => [u.ruleId, u.cause])).toEqual([['toy-0', 'unparsable']]);
  });
});

describe('a finding that comes back after its own fix moved it is known again', () => {
  /** The fix is undone as unsettled, the text is as it was, and the loop did not run to its limit. */
  const settled = (initial: string, rule: ToyRule) => {
    const result = run({ f: initial }, [rule]);
    return { text: result.texts.get('f'), undone: result.undone.map((u) => u.cause), exhausted: result.exhausted };
  };

  it('after an insertion before it', () => {
    const rule: ToyRule = (path, text) => [{ start: text.indexOf('#'), end: text.indexOf('#') + 1, fix: [edit(path, 0, 0, 'z')] }];
    expect(settled('ab#', rule)).toEqual({ text: 'ab#', undone: ['unsettled'], exhausted: false });
  });

  it('after a longer replacement before it', () => {
    const rule: ToyRule = (path, text) => [{ start: text.indexOf('#'), end: text.indexOf('#') + 1, fix: [edit(path, text.indexOf('-'), text.indexOf('-') + 1, '--')] }];
    expect(settled('a-b#', rule)).toEqual({ text: 'a-b#', undone: ['unsettled'], exhausted: false });
  });

  it('inside a span replaced after an insertion before it: it moves to where the replacement starts', () => {
    // The finding is the point at the first 'b' (from offset 2 on); the fix inserts 'z' at 0 and
    // rewrites the character before the 'b' and the 'b' as 'bq', so the 'b' lands where the replacement starts.
    const rule: ToyRule = (path, text) => {
      const b = text.indexOf('b', 2);
      return b < 2 ? [] : [{ start: b, fix: [edit(path, b - 1, b + 1, 'bq'), edit(path, 0, 0, 'z')] }];
    };
    expect(settled('xxab', rule)).toEqual({ text: 'xxab', undone: ['unsettled'], exhausted: false });
  });
});
