// Checking a dictionary's text, shared by every place one comes from (files, the single executable's
// assets, the playground's bundle): no I/O here, so the browser build can use it.

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

export class DictionaryError extends Error {
  override name = 'DictionaryError';
}

/** JSON whose "dictionary" field names it; `where` names the file in the error. */
export function parseDictionary<T>(text: string, where: string, name: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DictionaryError(`${where}: cannot read the dictionary (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof value !== 'object' || value === null || (value as { dictionary?: unknown }).dictionary !== name) {
    throw new DictionaryError(`${where}: not the "${name}" dictionary`);
  }
  return value as T;
}
