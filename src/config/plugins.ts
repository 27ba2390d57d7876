import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import type { Rule } from '../engine/rule.js';
import { ConfigError } from './config.js';
import { customRuleProblem } from './custom-rules.js';

/**
 * A formatter, as ESLint's: it gets ESLint-shaped JSON results (what `--format json` prints) and a
 * context with the working directory and the rules' metadata, and returns the text to print.
 */
export type Formatter = (results: unknown[], context: FormatterContext) => string | Promise<string>;

export interface FormatterContext {
  cwd: string;
  rulesMeta: Record<string, { type: 'problem'; docs: { description: string; url?: string }; fixable?: 'code'; hasSuggestions?: boolean }>;
}

/** What a plugin module exports (as its default export, or as the module itself). */
export interface Plugin {
  rules?: readonly Rule[] | Readonly<Record<string, Rule>>;
  formatters?: Readonly<Record<string, Formatter>>;
}

export interface LoadedPlugins {
  rules: Rule[];
  formatters: Map<string, Formatter>;
}

export const NO_PLUGINS: LoadedPlugins = Object.freeze({ rules: [], formatters: new Map() }) as LoadedPlugins;

/**
 * Load the modules a config's `plugins` names: a path (relative to the config's directory) or a
 * package name (resolved from there, as Node resolves it). Modules are loaded with `require`, which
 * in Node 20.19 and later loads ES modules too, so the configuration stays synchronous for the CLI,
 * the pre-commit hook and the language server alike. `taken` holds the rule ids in use already.
 */
export function loadPlugins(specs: unknown, baseDir: string, where: string, taken: Set<string>): LoadedPlugins {
  if (specs === undefined) return NO_PLUGINS;
  if (!Array.isArray(specs) || !specs.every((s) => typeof s === 'string' && s !== '')) throw new ConfigError(`${where}: "plugins" must be an array of module paths or package names`);
  const out: LoadedPlugins = { rules: [], formatters: new Map() };
  const require = createRequire(join(baseDir, 'vfio-lint.config.json'));
  specs.forEach((spec: string, i) => {
    const at = `${where}: plugins[${i}] (${spec})`;
    const plugin = requirePlugin(require, spec, baseDir, at);
    const rules = plugin.rules === undefined ? [] : Array.isArray(plugin.rules) ? plugin.rules : typeof plugin.rules === 'object' && plugin.rules !== null ? Object.values(plugin.rules) : plugin.rules;
    const problem = customRuleProblem(rules, `${at}: rules`, taken);
    if (problem) throw new ConfigError(problem);
    out.rules.push(...(rules as Rule[]));
    if (plugin.formatters !== undefined) {
      if (typeof plugin.formatters !== 'object' || plugin.formatters === null) throw new ConfigError(`${at}: formatters must be an object of name to function`);
      for (const [name, fn] of Object.entries(plugin.formatters)) {
        if (typeof fn !== 'function') throw new ConfigError(`${at}: formatters.${name} must be a function`);
        out.formatters.set(name, fn);
      }
    }
  });
  return out;
}

function requirePlugin(require: NodeJS.Require, spec: string, baseDir: string, at: string): Plugin {
  const isPath = spec.startsWith('.') || isAbsolute(spec);
  let file: string;
  try {
    file = require.resolve(isPath ? resolve(baseDir, spec) : spec);
  } catch {
    throw new ConfigError(`${at}: cannot find ${isPath ? 'this file' : `the package (not installed where ${baseDir} can see it)`}`);
  }
  let mod: unknown;
  try {
    mod = require(file);
  } catch (err) {
    throw new ConfigError(`${at}: loading it failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  // `export default { rules }`, `module.exports = { rules }`, or named exports `rules` and `formatters`.
  const m = mod as { default?: unknown; rules?: unknown; formatters?: unknown } | null;
  const plugin = m && typeof m === 'object' && m.rules === undefined && m.formatters === undefined && m.default !== undefined ? m.default : m;
  if (!plugin || typeof plugin !== 'object') throw new ConfigError(`${at}: a plugin exports an object with rules and/or formatters`);
  return plugin as Plugin;
}
