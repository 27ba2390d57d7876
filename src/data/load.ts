// Reads a dictionary from data/ the first time a rule asks for it, so a lint that needs none pays
// nothing at start-up. The same code runs from src/ (tests), from the bundles in dist/ (CLI, ESM and
// CJS library): each sits one or two directories below the package root, which ships data/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

let dataDir: string | undefined;
const cache = new Map<string, unknown>();

function findDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'data', 'kernel-modules.json'))) return join(dir, 'data');
    dir = dirname(dir);
  }
  throw new DictionaryError(`vfio-lint's data/ directory was not found above ${dirname(fileURLToPath(import.meta.url))} (the package is incomplete)`);
}

/** The parsed dictionary data/<name>.json, read once; a missing or damaged file is a one-line error naming it. */
export function loadDictionary<T>(name: string): T {
  const hit = cache.get(name);
  if (hit !== undefined) return hit as T;
  const embedded = seaAsset(`data/${name}.json`);
  let value: T;
  if (embedded !== undefined) value = parseDictionary<T>(embedded, `data/${name}.json in this executable`, name);
  else {
    dataDir ??= findDataDir();
    value = readDictionaryFile<T>(join(dataDir, `${name}.json`), name);
  }
  cache.set(name, value);
  return value;
}

/** In the single executable (scripts/build-sea.mjs) the dictionaries are assets of the executable, not files. */
function seaAsset(key: string): string | undefined {
  const sea = process.getBuiltinModule?.('node:sea') as typeof import('node:sea') | undefined;
  if (!sea?.isSea()) return undefined;
  try {
    return sea.getAsset(key, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads and checks one dictionary file: JSON whose "dictionary" field names it. */
export function readDictionaryFile<T>(path: string, name: string): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DictionaryError(`${path}: cannot read the dictionary (${(err as Error).message.split('\n')[0]})`);
  }
  return parseDictionary<T>(text, path, name);
}

function parseDictionary<T>(text: string, path: string, name: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DictionaryError(`${path}: cannot read the dictionary (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof value !== 'object' || value === null || (value as { dictionary?: unknown }).dictionary !== name) {
    throw new DictionaryError(`${path}: not the "${name}" dictionary`);
  }
  return value as T;
}

/** Test hook: which dictionaries have been read so far. */
export function loadedDictionaries(): string[] {
  return [...cache.keys()];
}
