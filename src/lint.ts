import { isAbsolute, resolve } from 'node:path';
import type { SkippedRule, RuleFailure } from './engine/run.js';
import type { LintReport, LintResult } from './engine/result.js';
import { configFrom, loadConfig } from './config/load.js';
import { applyOverrides } from './config/overrides.js';
import { collectMachines, systemPathOf, type InputFile, type KindPattern } from './pipeline/inputs.js';
import { configCollectOptions } from './config/discovery.js';
import { mergeReports } from './config/machines.js';
import { readFile } from './pipeline/load.js';
import { withSnapshots } from './live/inputs.js';
import { holdDirs } from './io/confined.js';
import { lookUpTreePaths } from './pipeline/tree-paths.js';
import { BUILTIN_WITH_DOCS, kindOfText, lintInputs, setupFromLoaded, type CollectOptions, type LintOptions, type RunSetup } from './lint-machine.js';

export type { CollectOptions, LintOptions, RunSetup };


/**
 * Setups for `config: false` with no rule options, by cwd: such a setup depends on
 * nothing else, and an editor or a script calling lintText per file would
 * otherwise resolve every rule again for each call.
 */
const plainSetups = new Map<string, RunSetup>();

export function setupRun(options: LintOptions, rulesOrigin = 'the rules option'): RunSetup {
  // An absolute directory is the cache key as given, so a hit needs no path resolution; a relative
  // one is resolved first, since the process may have changed directory since the last call.
  const given = options.cwd ?? process.cwd();
  const key = isAbsolute(given) ? given : resolve(given);
  const plain = options.config === false && options.rules === undefined && !options.customRules?.length;
  const cached = plain ? plainSetups.get(key) : undefined;
  if (cached) return cached;
  const setup = resolveSetup(resolve(key), options, rulesOrigin);
  if (plain) plainSetups.set(key, setup);
  return setup;
}

function resolveSetup(cwd: string, options: LintOptions, rulesOrigin: string): RunSetup {
  const given = options.customRules?.length ? [...BUILTIN_WITH_DOCS, ...options.customRules] : BUILTIN_WITH_DOCS;
  const givenIds = new Map(given.map((r) => [r.meta.id, r] as const));
  const loaded =
    typeof options.config === 'object'
      ? { ...configFrom(options.config, 'the config option', cwd, givenIds), path: undefined, warnings: [] }
      : loadConfig({ cwd, configPath: typeof options.config === 'string' ? options.config : undefined, useConfigFile: options.config !== false }, givenIds);
  return setupFromLoaded(cwd, loaded, given, givenIds, options.rules, rulesOrigin);
}

/**
 * Lint files and directories: files named one by one and folders that hold one
 * machine are one machine; a folder that holds several (`hosts/desk`, `hosts/lab`)
 * gives one machine each, as the CLI does.
 */
export async function lintFiles(paths: readonly string[], options: LintOptions = {}): Promise<LintReport> {
  const setup = setupRun(options);
  const kindPatterns: KindPattern[] = (options.kindPatterns ?? []).map((k) => ({ ...k, base: setup.cwd }));
  const run = collectMachines(paths, { ...configCollectOptions(setup.config, setup.baseDir), kind: options.kind, kindPatterns, cwd: setup.cwd });
  // A snapshot folder brings its own files and the host's facts (src/live/inputs.ts).
  const machines = run.machines.flatMap(withSnapshots);
  return mergeReports(machines.map((m, i) => ({ label: m.name ?? `#${i + 1}`, report: lintCollected(m.files, m.unusable, setup, m.live ? { ...options, live: m.live } : options) })));
}

/** Lint one text as a file of the given kind (or the kind its name implies). */
export async function lintText(text: string, options: LintOptions & { filePath?: string } = {}): Promise<LintReport> {
  const setup = setupRun(options);
  const filePath = resolve(setup.cwd, options.filePath ?? '<text>');
  const kind = options.kind ?? kindOfText(filePath, text);
  if (!kind) {
    return lintCollected([], [{ path: filePath, message: 'cannot tell what kind of file this is; pass `kind`' }], setup, options);
  }
  const input: InputFile = { realPath: filePath, displayPath: filePath, systemPath: systemPathOf(filePath, kind), kind, masked: false };
  const texts = options.texts ? new Map(options.texts) : new Map<string, string>();
  texts.set(filePath, text);
  return lintCollected([input], [], setup, { kind: options.kind, texts, fix: options.fix, fixRules: options.fixRules });
}

/** The engine's flow for one machine with files read from disk and the config's overrides (see lintInputs). */
export function lintCollected(inputs: readonly InputFile[], unusable: ReadonlyArray<{ path: string; message: string }>, setup: RunSetup, options: CollectOptions): LintReport {
  return lintInputs(inputs, unusable, setup, options, {
    read: readFile,
    // Consecutive files of one directory are read from it opened once (io/confined.ts).
    readAll: holdDirs,
    overrides: (list, realPath) => applyOverrides(list, realPath, setup.config.overrides, setup.baseDir, setup.baseOff),
    lookUpTree: lookUpTreePaths,
  });
}

export type { LintReport, LintResult, SkippedRule, RuleFailure };
