import { describe, it, expect } from 'vitest';
import { applyEdits, selectFixes } from '../../src/engine/fix.js';

/**
 * Edits that meet at a point (an insertion at either end of a replacement), edits a rule got wrong
 * (backwards, past the end), and fixes in several files. The order of edits given must never matter.
 */

const edit = (start: number, end: number, text: string, path = 'f') => ({ path, start, end, text });

describe('applyEdits where edits meet', () => {
  it('an insertion at the end of a replacement goes after it, whichever is given first', () => {
    expect(applyEdits('abc', [edit(0, 1, 'A'), edit(1, 1, '+')])).toBe('A+bc');
    expect(applyEdits('abc', [edit(1, 1, '+'), edit(0, 1, 'A')])).toBe('A+bc');
  });

  it('an insertion at the start of a replacement goes before it, whichever is given first', () => {
    expect(applyEdits('abc', [edit(1, 2, 'B'), edit(1, 1, '+')])).toBe('a+Bc');
    expect(applyEdits('abc', [edit(1, 1, '+'), edit(1, 2, 'B')])).toBe('a+Bc');
  });

  it('many insertions at one point keep their given order among other edits', () => {
    const inserts = ['1', '2', '3', '4', '5'].map((t) => edit(2, 2, t));
    expect(applyEdits('abcd', [edit(3, 4, 'D'), ...inserts, edit(0, 1, 'A')])).toBe('Ab12345cD');
  });

  it('no edits leave the text as it is; an edit may end at the very end', () => {
    expect(applyEdits('abc', [])).toBe('abc');
    expect(applyEdits('abc', [edit(2, 3, 'C'), edit(3, 3, '!')])).toBe('abC!');
  });
});

describe('applyEdits refuses an edit a rule got wrong, naming it', () => {
  it('a backwards edit (end before start)', () => {
    expect(() => applyEdits('abcdef', [edit(3, 1, 'X')])).toThrow(new RangeError('overlapping or out-of-range edit [3, 1)'));
  });

  it('an edit past the end of the text', () => {
    expect(() => applyEdits('abc', [edit(2, 4, 'X')])).toThrow(new RangeError('overlapping or out-of-range edit [2, 4)'));
  });

  it('the second of two overlapping edits', () => {
    expect(() => applyEdits('abcdef', [edit(2, 4, 'Y'), edit(0, 3, 'X')])).toThrow(new RangeError('overlapping or out-of-range edit [2, 4)'));
  });
});

describe('selectFixes over several files', () => {
  it('the same span in two files is no conflict', () => {
    const f = { fix: { edits: [edit(0, 2, 'F', 'f')] } };
    const g = { fix: { edits: [edit(0, 2, 'G', 'g')] } };
    const both = { fix: { edits: [edit(4, 4, 'B', 'f'), edit(4, 4, 'B', 'g')] } };
    expect(selectFixes([f, g, both])).toEqual({ taken: [f, g, both], deferred: [] });
  });

  it('a fix clashing with any edit taken earlier in its file waits, not only with the latest', () => {
    const first = { fix: { edits: [edit(0, 1, 'A')] } };
    const second = { fix: { edits: [edit(5, 6, 'B')] } };
    const again = { fix: { edits: [edit(0, 1, 'C')] } };
    expect(selectFixes([first, second, again])).toEqual({ taken: [first, second], deferred: [again] });
  });
});
