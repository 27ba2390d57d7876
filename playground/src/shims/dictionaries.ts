// The playground bundle's src/data/source.ts: the dictionaries are in the bundle (playground/build.mjs
// embeds every data/*.json as text), checked the same way as the files the CLI reads.
import { DictionaryError, parseDictionary } from '../../../src/data/parse.js';
import { DICTIONARY_TEXTS } from 'vfio-lint:dictionaries';

export function readDictionary<T>(name: string): T {
  const text = DICTIONARY_TEXTS[name];
  if (text === undefined) throw new DictionaryError(`data/${name}.json is not in the playground's bundle`);
  return parseDictionary<T>(text, `data/${name}.json in the playground's bundle`, name);
}

export function readDictionaryFile<T>(path: string): T {
  throw new DictionaryError(`${path}: the playground reads no files`);
}
