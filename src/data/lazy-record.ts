// Reading a big generated dictionary without parsing all of it. scripts/gen-data.mjs writes each
// dictionary as one member per line, and each big map with one entry per line:
//
//   {
//   "dictionary":"kernel-modules",
//   "modules":{
//   "8250":{"kind":"y",...},
//   ...
//   "zswap":{...}
//   },
//   "sortedMaps":true
//   }
//
// A lint asks the 657 KB module dictionary about ten names; parsing it whole cost a cold CLI run
// about 25 ms of CPU (and the 219 KB PCI table another 15), more than the rest of the lint. In this
// layout a map, written in key order, becomes an object whose entries are found by bisecting its lines
// and parsed when first read. Anything else (a hand-kept or indented file, one without the "sortedMaps"
// mark, a damaged one) is parsed whole.
import { DictionaryError } from './dictionary-error.js';

/** The dictionary's text: a string, or the file's bytes (a Node Buffer: searching it makes no string of the whole file). */
export type DictionaryText = string | DictionaryBytes;
export interface DictionaryBytes {
  readonly length: number;
  indexOf(value: string, byteOffset: number): number;
  toString(encoding: 'utf8', start: number, end: number): string;
}

const slice = (text: DictionaryText, start: number, end: number): string => (typeof text === 'string' ? text.slice(start, end) : text.toString('utf8', start, end));

/**
 * The dictionary in the generator's line layout, with its one-entry-per-line maps read lazily;
 * undefined when the text is not in that layout (the caller then parses it whole).
 */
export function parseLineLayout(text: DictionaryText, where: string): Record<string, unknown> | undefined {
  if (slice(text, 0, 2) !== '{\n') return undefined;
  const out: Record<string, unknown> = {};
  let p = 2;
  for (;;) {
    const nl = text.indexOf('\n', p);
    if (nl < 0) return undefined;
    const line = slice(text, p, nl);
    // Only a dictionary that says its maps are in key order is read lazily: its lookups bisect.
    if (line === '}') return slice(text, nl + 1, text.length).trim() === '' && out.sortedMaps === true ? out : undefined;
    const m = /^"([\w$-]+)":(.*)$/.exec(line);
    if (!m) return undefined;
    const [, key, rest] = m as unknown as [string, string, string];
    if (rest === '{' || rest === '[') {
      // The map or array ends at the first line that starts with its closing bracket: entries are single lines.
      const close = text.indexOf(`\n${rest === '{' ? '}' : ']'}`, nl);
      if (close < 0) return undefined;
      const after = slice(text, close + 2, close + 4);
      if (!after.startsWith('\n') && after !== ',\n') return undefined;
      out[key] = rest === '{' ? lazyRecord(text, nl + 1, close, where) : parseValue(`[${slice(text, nl + 1, close)}]`, where, key);
      p = close + 2 + (after.startsWith(',') ? 2 : 1);
    } else {
      out[key] = parseValue(rest.endsWith(',') ? rest.slice(0, -1) : rest, where, key);
      p = nl + 1;
    }
  }
}

function parseValue(json: string, where: string, what: string): unknown {
  try {
    return JSON.parse(json);
  } catch (err) {
    throw new DictionaryError(`${where}: cannot read the dictionary (at "${what}": ${(err as Error).message.split('\n')[0]})`);
  }
}

/** A line's key: the JSON string it starts with (undefined for a line that does not start with one). */
function keyOf(line: string): { key: string; valueAt: number } | undefined {
  if (line.charCodeAt(0) !== 34) return undefined;
  for (let i = 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) {
      if (line.charCodeAt(i + 1) !== 58) return undefined;
      try {
        return { key: JSON.parse(line.slice(0, i + 1)) as string, valueAt: i + 2 };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The value text of key's entry line, found by bisecting text[start, end) on the line keys; undefined
 * when the key has no line. The lines are in key order (code units of the decoded key), which the
 * generator writes and marks with "sortedMaps" (scripts/gen-data.mjs): a key is found or known absent
 * in about log2(entries) probes. A search through the 657 KB module map costs about 0.1 ms, and a cold
 * lint asks for a dozen names no dictionary has (out-of-tree modules, module parameters looked up as
 * kernel parameters).
 */
export function searchSorted(text: DictionaryText, start: number, end: number, key: string): string | undefined {
  let lo = start;
  let hi = end;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    // The first line that starts in [mid, hi): the bytes before it were compared already or lie below lo.
    const from = mid === start ? start : text.indexOf('\n', mid - 1) + 1;
    if (from === 0 ? mid !== start : from >= hi) {
      hi = mid;
      continue;
    }
    let to = text.indexOf('\n', from);
    if (to < 0 || to > end) to = end;
    const line = slice(text, from, to);
    const k = keyOf(line);
    if (k === undefined) return undefined;
    if (k.key === key) return line.slice(k.valueAt);
    if (key < k.key) hi = mid;
    else lo = to + 1;
  }
  return undefined;
}

/**
 * The map whose entry lines are text[start, end) as an object: reading a key searches for its line and
 * parses that line once; listing the keys (Object.keys, entries, spread) parses the whole map once.
 */
function lazyRecord(text: DictionaryText, start: number, end: number, where: string): Record<string, unknown> {
  const found = new Map<string, { value: unknown } | undefined>();
  let whole: Record<string, unknown> | undefined;
  const materialise = (): Record<string, unknown> => {
    whole ??= parseValue(`{${slice(text, start, end)}}`, where, 'a map') as Record<string, unknown>;
    return whole;
  };
  const entry = (key: string): { value: unknown } | undefined => {
    if (whole) return Object.hasOwn(whole, key) ? { value: whole[key] } : undefined;
    if (found.has(key)) return found.get(key);
    const line = searchSorted(text, start, end, key);
    const hit = line === undefined ? undefined : { value: parseValue(line.endsWith(',') ? line.slice(0, -1) : line, where, key) };
    found.set(key, hit);
    return hit;
  };
  return new Proxy({} as Record<string, unknown>, {
    get: (target, prop, receiver) => (typeof prop === 'string' ? (entry(prop) ?? { value: Reflect.get(target, prop, receiver) }).value : Reflect.get(target, prop, receiver)),
    has: (target, prop) => (typeof prop === 'string' && entry(prop) !== undefined) || Reflect.has(target, prop),
    getOwnPropertyDescriptor: (target, prop) => {
      if (typeof prop !== 'string') return undefined;
      const e = entry(prop);
      return e === undefined ? undefined : { value: e.value, writable: true, enumerable: true, configurable: true };
    },
    ownKeys: () => Reflect.ownKeys(materialise()),
    // A dictionary is read-only data: refuse changes rather than let them go unseen by later lookups.
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
