import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Rule } from '../engine/rule.js';
import { readInput } from '../io/read.js';
import { decode, LineIndex } from '../core/source.js';
import { ConfigError, validateConfig, type Config } from './config.js';
import { blankJsonComments } from './json-comments.js';

export const CONFIG_NAMES = ['vfio-lint.config.json', '.vfio-lintrc.json'];

export interface LoadedConfig {
  config: Config;
  /** The file it came from; undefined for the built-in default. */
  path: string | undefined;
  /** Paths in the config (machines, overrides) are relative to this directory. */
  baseDir: string;
}

/** Find the nearest config file from `cwd` upward. */
export function findConfig(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function loadConfig(options: { cwd: string; configPath?: string; useConfigFile?: boolean }, known: ReadonlyMap<string, Rule>): LoadedConfig {
  const path = options.configPath ? resolve(options.cwd, options.configPath) : options.useConfigFile === false ? undefined : findConfig(options.cwd);
  if (!path) return { config: {}, path: undefined, baseDir: options.cwd };
  const read = readInput(path, 4 * 1024 * 1024);
  if (!read.ok) throw new ConfigError(`${path}: ${read.message}`);
  const decoded = decode(read.bytes);
  if (!decoded.ok) throw new ConfigError(`${path}: ${decoded.message}`);
  let raw: unknown;
  try {
    raw = JSON.parse(blankJsonComments(decoded.text));
  } catch (err) {
    throw new ConfigError(`${path}${jsonErrorPlace(decoded.text, err)}: invalid JSON: ${jsonErrorText(err)}`);
  }
  return { config: validateConfig(raw, path, known), path, baseDir: dirname(path) };
}

/** Node's JSON errors say "at position N"; turn that into :line:column. */
function jsonErrorPlace(text: string, err: unknown): string {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  if (!m) return '';
  const p = new LineIndex(text).point(Number(m[1]));
  return `:${p.line}:${p.column}`;
}

function jsonErrorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/ in JSON at position \d+.*$/, '').replace(/ \(line \d+ column \d+\)$/, '');
}
