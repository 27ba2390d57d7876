import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Rule } from '../engine/rule.js';
import { readInput } from '../io/read.js';
import { decode, LineIndex } from '../core/source.js';
import { ConfigError, validateConfig, type Config } from './config.js';
import { blankJsonComments } from './json-comments.js';
import { loadPlugins, type LoadedPlugins } from './plugins.js';

export const CONFIG_NAMES = ['vfio-lint.config.json', '.vfio-lintrc.json'];

export interface LoadedConfig {
  config: Config;
  /** The file it came from; undefined for the built-in default. */
  path: string | undefined;
  /** Paths in the config (machines, overrides, plugins) are relative to this directory. */
  baseDir: string;
  /** The rules and formatters of the config's `plugins`. */
  plugins: LoadedPlugins;
  /** Things worth saying that do not stop the run (two config files in one directory). */
  warnings: string[];
}

/** Find the nearest config file from `cwd` upward. */
export function findConfig(cwd: string): string | undefined {
  return findConfigFiles(cwd)[0];
}

/** The config files in the nearest directory that has any, in the order of precedence (the first is used). */
function findConfigFiles(cwd: string): string[] {
  let dir = resolve(cwd);
  for (;;) {
    const found = CONFIG_NAMES.map((name) => join(dir, name)).filter((p) => existsSync(p));
    if (found.length > 0) return found;
    const parent = dirname(dir);
    if (parent === dir) return [];
    dir = parent;
  }
}

export function loadConfig(options: { cwd: string; configPath?: string; useConfigFile?: boolean }, known: ReadonlyMap<string, Rule>): LoadedConfig {
  const found = options.configPath ? [resolve(options.cwd, options.configPath)] : options.useConfigFile === false ? [] : findConfigFiles(options.cwd);
  const path = found[0];
  if (!path) return { config: {}, path: undefined, baseDir: options.cwd, plugins: loadPlugins(undefined, options.cwd, '', new Set()), warnings: [] };
  const warnings = found.length > 1 ? [`${dirname(path)} has both ${found.map((f) => basename(f)).join(' and ')}: only ${basename(path)} is used`] : [];
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
  return { ...configFrom(raw, path, dirname(path), known), path, warnings };
}

/**
 * A parsed configuration (a file's JSON or the library's `config` object) with its plugins loaded:
 * their rules join `known` before the configuration's rule settings are checked.
 */
export function configFrom(raw: unknown, where: string, baseDir: string, known: ReadonlyMap<string, Rule>): { config: Config; baseDir: string; plugins: LoadedPlugins } {
  const specs = typeof raw === 'object' && raw !== null ? (raw as { plugins?: unknown }).plugins : undefined;
  const plugins = loadPlugins(specs, baseDir, where, new Set(known.keys()));
  const all = plugins.rules.length === 0 ? known : new Map([...known, ...plugins.rules.map((r) => [r.meta.id, r] as const)]);
  return { config: validateConfig(raw, where, all), baseDir, plugins };
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
