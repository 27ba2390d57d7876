// Checking a dictionary's text, shared by every place one comes from (files, the single executable's
// assets, the playground's bundle): no I/O here, so the browser build can use it.
import { DictionaryError } from './dictionary-error.js';
import { parseLineLayout, type DictionaryText } from './lazy-record.js';

/** Where every dictionary says it came from (written by scripts/gen-data.mjs or kept by hand). */
export interface PackageOrigin {
  package: string;
  version: string;
  suite?: string;
  sha256?: string;
}
export interface DictionaryOrigin {
  generator: string;
  source: string;
  packages: PackageOrigin[];
}

export { DictionaryError };

/**
 * Below this size a dictionary is parsed whole: a millisecond or two, and plain objects. The kernel
 * parameters (77 KB) are above it: parsing them whole cost a cold run about 3 ms of CPU for the ten or
 * so names a command line has; the libvirt schema (45 KB) is read whole by its first use anyway.
 */
const LAZY_MIN_BYTES = 64_000;

/** JSON whose "dictionary" field names it; `where` names the file in the error. */
export function parseDictionary<T>(text: DictionaryText, where: string, name: string): T {
  let value: unknown = text.length >= LAZY_MIN_BYTES ? parseLineLayout(text, where) : undefined;
  if (value === undefined) {
    try {
      value = JSON.parse(typeof text === 'string' ? text : text.toString('utf8', 0, text.length));
    } catch (err) {
      throw new DictionaryError(`${where}: cannot read the dictionary (${(err as Error).message.split('\n')[0]})`);
    }
  }
  if (typeof value !== 'object' || value === null || (value as { dictionary?: unknown }).dictionary !== name) {
    throw new DictionaryError(`${where}: not the "${name}" dictionary`);
  }
  return value as T;
}
