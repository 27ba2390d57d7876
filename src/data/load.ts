// Reads a dictionary from data/ the first time a rule asks for it, so a lint that needs none pays
// nothing at start-up. Where the text comes from is source.ts (files or the executable's assets on
// Node; the playground's browser build swaps in one that embeds them).
import { readDictionary } from './source.js';

export { DictionaryError, type DictionaryOrigin, type PackageOrigin } from './parse.js';
export { readDictionaryFile } from './source.js';

const cache = new Map<string, unknown>();

/** The parsed dictionary data/<name>.json, read once; a missing or damaged file is a one-line error naming it. */
export function loadDictionary<T>(name: string): T {
  const hit = cache.get(name);
  if (hit !== undefined) return hit as T;
  const value = readDictionary<T>(name);
  cache.set(name, value);
  return value;
}

/** Test hook: which dictionaries have been read so far. */
export function loadedDictionaries(): string[] {
  return [...cache.keys()];
}
