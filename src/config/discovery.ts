import { KINDS, type FileKind } from '../kinds/index.js';
import { IgnoreList } from './ignore.js';
import { ConfigError } from './config-error.js';
import { didYouMean } from './suggest.js';
import type { IgnoreSource } from '../pipeline/walk.js';
import type { KindPattern } from '../pipeline/inputs.js';
import type { Grouping } from '../pipeline/group.js';

/** The config keys that steer input discovery. */
export interface DiscoveryConfig {
  /** Files and folders discovery passes over, in .gitignore syntax, relative to the config file. */
  ignores?: string[];
  /** Kinds for files whose path or content does not say (`[{ "files": ["notes/grub.txt"], "kind": "grub" }]`). */
  files?: Array<{ files: string[]; kind: FileKind }>;
  /** How a folder is split into machines: `auto` (the default) reads the tree; `one` lints a folder as one machine. */
  group?: Grouping;
}

export const DISCOVERY_KEYS = ['ignores', 'files', 'group'] as const;

/** Check the discovery keys of a parsed config; `where` names the file in messages. */
export function validateDiscoveryConfig(obj: Record<string, unknown>, where: string): void {
  if (obj.ignores !== undefined && !(Array.isArray(obj.ignores) && obj.ignores.every((x) => typeof x === 'string'))) throw new ConfigError(`${where}: "ignores" must be an array of patterns (.gitignore syntax)`);
  if (obj.group !== undefined && obj.group !== 'auto' && obj.group !== 'one') throw new ConfigError(`${where}: "group" must be "auto" or "one"`);
  if (obj.files !== undefined) {
    if (!Array.isArray(obj.files)) throw new ConfigError(`${where}: "files" must be an array of { "files": [...], "kind": "..." }`);
    obj.files.forEach((entry, i) => {
      const e = entry as Record<string, unknown>;
      if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new ConfigError(`${where}: files[${i}] must be an object { "files": [...], "kind": "..." }`);
      for (const key of Object.keys(e)) if (key !== 'files' && key !== 'kind') throw new ConfigError(`${where}: files[${i}]: unknown key "${key}" (allowed: files, kind)`);
      if (!Array.isArray(e.files) || e.files.length === 0 || !e.files.every((f) => typeof f === 'string')) throw new ConfigError(`${where}: files[${i}].files must be a non-empty array of globs`);
      if (typeof e.kind !== 'string' || !KINDS.isName(e.kind)) throw new ConfigError(`${where}: files[${i}].kind must be one of ${KINDS.names.join(', ')} (got ${JSON.stringify(e.kind)})${typeof e.kind === 'string' ? didYouMean(e.kind, KINDS.names) : ''}`);
    });
  }
}

/** What a config says to discovery, with its paths made relative to the config's folder. */
export function configCollectOptions(config: DiscoveryConfig, baseDir: string): { ignores: IgnoreSource[]; kindPatterns: KindPattern[]; group: Grouping | undefined } {
  const ignores = config.ignores?.length ? [{ base: baseDir, list: new IgnoreList(config.ignores), from: `the config's "ignores"` }] : [];
  const kindPatterns = (config.files ?? []).map((f) => ({ kind: f.kind, patterns: f.files, base: baseDir }));
  return { ignores, kindPatterns, group: config.group };
}
