import { describe, it, expect } from 'vitest';
import { wrapWords } from '../../src/reporters/wrap.js';
import { displayWidth } from '../../src/reporters/text.js';

function words(seed: number, n: number): string {
  const pool = ['a', 'vfio-pci', 'ids=10de:2684,10de:22ba', '\u00e9t\u00e9', '\u7aef\u672b', '\ud83d\ude00', 'x'.repeat(30), '\u001b[31mred\u001b[39m', ''];
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(pool[x % pool.length]!);
  }
  return out.join(' ');
}

describe('wrapWords', () => {
  it('keeps every line within the width, cuts only words wider than it, and loses no word', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const text = words(seed, seed);
      for (const width of [1, 2, 7, 20, 80]) {
        const lines = wrapWords(text, width);
        for (const line of lines) {
          // A single character wider than the width (a wide CJK or emoji in 1 column) is the one exception.
          if (displayWidth(line) > width) expect([...line.replace(/\u001b\[\d+m/g, '')].length, `${JSON.stringify(line)} in ${width}`).toBe(1);
        }
        // Joining with spaces gives the words back, except where a long word was cut.
        expect(lines.join(' ').replace(/ /g, ''), `${seed}/${width}`).toBe(text.replace(/ /g, ''));
      }
    }
  });

  it('fills each line as far as the next word allows', () => {
    expect(wrapWords('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrapWords('aa bb cc dd', 4)).toEqual(['aa', 'bb', 'cc', 'dd']);
    expect(wrapWords('\u7aef\u672b \u7aef', 6)).toEqual(['\u7aef\u672b', '\u7aef']);
    expect(wrapWords('abcdefgh ij', 3)).toEqual(['abc', 'def', 'gh', 'ij']);
    expect(wrapWords('', 10)).toEqual(['']);
  });
});
