import { displayWidth } from './text.js';

/**
 * Words of `text` in lines of at most `width` terminal columns; a word wider than that is cut.
 * Used to fit the stylish table to a terminal: without it every long message wraps at the
 * terminal's edge, and the padding and rule ids after it land at the start of the next line.
 */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  // The line's width so far: each word is measured once, not the line again for every word added.
  let lineWidth = 0;
  for (let word of text.split(' ')) {
    let wordWidth = displayWidth(word);
    while (wordWidth > width) {
      if (line !== '') lines.push(line);
      line = '';
      lineWidth = 0;
      const cut = cutAt(word, width);
      lines.push(word.slice(0, cut));
      word = word.slice(cut);
      wordWidth = displayWidth(word);
    }
    if (line === '') {
      line = word;
      lineWidth = wordWidth;
    } else if (lineWidth + 1 + wordWidth <= width) {
      line += ` ${word}`;
      lineWidth += 1 + wordWidth;
    } else {
      lines.push(line);
      line = word;
      lineWidth = wordWidth;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** The longest prefix of `word` (in code units, not splitting a surrogate pair) that fits `width` columns. */
function cutAt(word: string, width: number): number {
  let used = 0;
  let i = 0;
  for (const ch of word) {
    const w = displayWidth(ch);
    if (used + w > width && i > 0) break;
    used += w;
    i += ch.length;
  }
  return i;
}
