// Where the dictionaries come from on Node: data/ beside the code (src/ in tests, dist/ for the CLI and
// the library, each one or two directories below the package root, which ships data/), or the single
// executable's assets. The playground's browser build replaces this module with one that embeds them
// (playground/build.mjs), so nothing else here may hold logic the browser needs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DictionaryError, parseDictionary } from './parse.js';

let dataDir: string | undefined;

function findDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'data', 'kernel-modules.json'))) return join(dir, 'data');
    dir = dirname(dir);
  }
  throw new DictionaryError(`vfio-lint's data/ directory was not found above ${dirname(fileURLToPath(import.meta.url))} (the package is incomplete)`);
}

/** The parsed dictionary data/<name>.json, from the executable's assets or the data/ directory. */
export function readDictionary<T>(name: string): T {
  const embedded = seaAsset(`data/${name}.json`);
  if (embedded !== undefined) return parseDictionary<T>(embedded, `data/${name}.json in this executable`, name);
  dataDir ??= findDataDir();
  return readDictionaryFile<T>(join(dataDir, `${name}.json`), name);
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
  // The bytes, not a string: a big dictionary is searched in them and only the entries asked for are decoded.
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (err) {
    throw new DictionaryError(`${path}: cannot read the dictionary (${(err as Error).message.split('\n')[0]})`);
  }
  return parseDictionary<T>(text, path, name);
}
