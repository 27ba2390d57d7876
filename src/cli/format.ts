import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import type { LintReport } from '../engine/result.js';
import type { Formatter, FormatterContext } from '../config/plugins.js';
import { importReporter, REPORTER_NAMES, UnknownFormatError } from '../reporters/formats.js';
import type { ReporterOptions, ReporterOutput } from '../reporters/types.js';
import { UsageError } from './args.js';

export type CliReporter = (report: LintReport, options: ReporterOptions) => ReporterOutput | Promise<string>;

/**
 * What `--format NAME` prints with: a built-in format, a formatter from a config plugin, or a module
 * given by path (`--format ./my-formatter.js`). The last two are ESLint formatters: they get the
 * results `--format json` prints and a context of `cwd` and `rulesMeta`, so one written for ESLint
 * works here.
 */
export async function resolveFormat(name: string, cwd: string, plugins: ReadonlyMap<string, Formatter>): Promise<CliReporter> {
  if (REPORTER_NAMES.includes(name)) return importReporter(name);
  const fromPlugin = plugins.get(name);
  if (fromPlugin) return eslintStyle(fromPlugin, name);
  if (!/[\\/]/.test(name) && !/\.[cm]?js$/.test(name)) {
    if (plugins.size === 0) throw new UnknownFormatError(name);
    throw new UsageError(`unknown format "${name}": use one of ${[...REPORTER_NAMES, ...plugins.keys()].join(', ')}, or a formatter module's path`);
  }
  const file = isAbsolute(name) ? name : resolve(cwd, name);
  let mod: unknown;
  try {
    mod = createRequire(join(cwd, 'noop.js'))(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--format ${name}: ${code === 'MODULE_NOT_FOUND' && !existsSync(file) ? 'no such file' : `loading it failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`}`);
  }
  const m = mod as { default?: unknown } | null;
  const fn = typeof m === 'function' ? m : m?.default;
  if (typeof fn !== 'function') throw new UsageError(`--format ${name}: a formatter module exports a function (results, context) => string`);
  return eslintStyle(fn as Formatter, name);
}

function eslintStyle(formatter: Formatter, name: string): CliReporter {
  return async (report, options) => {
    const context: FormatterContext = { cwd: options.cwd, rulesMeta: {} };
    for (const [id, meta] of Object.entries(report.rulesMeta)) {
      context.rulesMeta[id] = { type: 'problem', docs: { description: meta.description, ...(meta.docs ? { url: meta.docs } : {}) }, ...(meta.fixable === 'safe' ? { fixable: 'code' as const } : {}), ...(meta.fixable === 'suggest' ? { hasSuggestions: true } : {}) };
    }
    const { toJson } = await import('../reporters/json.js');
    let out: unknown;
    try {
      out = await formatter(toJson(report, options), context);
    } catch (err) {
      throw new UsageError(`--format ${name}: the formatter failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
    if (typeof out !== 'string') throw new UsageError(`--format ${name}: the formatter returned ${out === undefined ? 'nothing' : typeof out}, not a string`);
    return out === '' || out.endsWith('\n') ? out : `${out}\n`;
  };
}
