import { describe, it, expect } from 'vitest';
import { LineIndex } from '../../src/core/source.js';

/** The lines of a text the slow, obvious way: [start, end after the break) of each. */
function reference(text: string): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  let start = 0;
  const re = /\r\n|\r|\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push([start, m.index + m[0].length]);
    start = m.index + m[0].length;
  }
  lines.push([start, text.length + 1]);
  return lines;
}

function randomText(seed: number, length: number): string {
  let x = seed;
  const pick = '\r\n\r\nab\u00e9\ud83d\ude00 ';
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out += pick[x % pick.length];
  }
  return out;
}

describe('LineIndex', () => {
  it('places every offset as the obvious line split does, for \\n, \\r\\n and lone \\r', () => {
    const texts = ['', 'a', '\n', '\r', '\r\n', 'a\nb', 'a\r\nb\r\n', 'a\rb\n\rc', '\n\n\r\r\n', 'x\r\r\ny'];
    for (let seed = 1; seed <= 40; seed++) texts.push(randomText(seed, seed * 3));
    for (const text of texts) {
      const lines = reference(text);
      const index = new LineIndex(text);
      for (let offset = 0; offset <= text.length; offset++) {
        const line = lines.findIndex(([, end]) => end > offset);
        expect(index.point(offset), JSON.stringify(text) + ` @${offset}`).toEqual({ line: line + 1, column: offset - lines[line]![0] + 1, offset });
      }
    }
  });

  it('clamps offsets outside the text to its ends', () => {
    const index = new LineIndex('ab\ncd');
    expect(index.point(-3)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(index.point(99)).toEqual({ line: 2, column: 3, offset: 5 });
  });

  it('turns a line and column back into the offset, and refuses ones the text does not have', () => {
    for (const text of ['', 'ab\ncd', 'ab\r\ncd\r\n', 'a\rb', randomText(7, 60)]) {
      const lines = reference(text);
      const index = new LineIndex(text);
      for (const [i, [start, end]] of lines.entries()) {
        // Every column up to and including the line break names a character of the line.
        for (let column = 1; start + column - 1 < end; column++) expect(index.offset(i + 1, column)).toBe(start + column - 1);
        expect(index.offset(i + 1, end - start + 1), `${JSON.stringify(text)} line ${i + 1} past its end`).toBeUndefined();
      }
      expect(index.offset(lines.length + 1, 1)).toBeUndefined();
      for (const [line, column] of [[0, 1], [-1, 1], [1, 0], [1, -2], [Number.NaN, 1], [1, Number.NaN], [1.5, 1]]) expect(index.offset(line!, column!)).toBeUndefined();
    }
  });

  it('indexes a text of 200,000 lines in one pass (searching again for a missing \\r per line would not finish)', () => {
    const text = 'x\n'.repeat(200_000);
    const index = new LineIndex(text);
    expect(index.point(text.length - 1)).toEqual({ line: 200_000, column: 2, offset: text.length - 1 });
    expect(index.point(text.length)).toEqual({ line: 200_001, column: 1, offset: text.length });
    expect(index.offset(123_457, 1)).toBe(123_456 * 2);
  });
});
