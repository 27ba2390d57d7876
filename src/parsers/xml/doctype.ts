import type { Range } from '../../core/range.js';
import { isNameStartUnit, isSpaceUnit } from './chars.js';

/**
 * Find the first thing in a DOCTYPE that would make the document depend on
 * entity expansion: an `<!ENTITY` declaration or a `%name;` parameter-entity
 * reference. Quoted literals, comments and PIs are skipped so that text inside
 * them does not count. `[from, to)` is the DOCTYPE's source range; one linear
 * pass, and nothing is ever expanded or fetched.
 */
export function findEntityUse(text: string, from: number, to: number): (Range & { what: 'declaration' | 'reference' }) | undefined {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x27) {
      const close = text.indexOf(c === 0x22 ? '"' : "'", i + 1);
      i = close < 0 || close >= to ? to : close + 1;
    } else if (c === 0x3c && text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      i = close < 0 || close >= to ? to : close + 3;
    } else if (c === 0x3c && text.startsWith('<?', i)) {
      const close = text.indexOf('?>', i + 2);
      i = close < 0 || close >= to ? to : close + 2;
    } else if (c === 0x3c && text.startsWith('<!ENTITY', i)) {
      return { start: i, end: declarationEnd(text, i, to), what: 'declaration' };
    } else if (c === 0x25 /* % */ && i + 1 < to && isNameStartUnit(text.charCodeAt(i + 1))) {
      let j = i + 2;
      while (j < to && text.charCodeAt(j) !== 0x3b /* ; */ && !isSpaceUnit(text.charCodeAt(j))) j++;
      return { start: i, end: j < to && text.charCodeAt(j) === 0x3b ? j + 1 : j, what: 'reference' };
    } else {
      i++;
    }
  }
  return undefined;
}

/** Just after the `>` closing the markup declaration at `start`, quotes respected; `to` if unclosed. */
function declarationEnd(text: string, start: number, to: number): number {
  let i = start + 2;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 0x3e) return i + 1;
    if (c === 0x22 || c === 0x27) {
      const close = text.indexOf(c === 0x22 ? '"' : "'", i + 1);
      i = close < 0 || close >= to ? to : close + 1;
    } else {
      i++;
    }
  }
  return to;
}
