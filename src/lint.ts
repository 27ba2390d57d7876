import { isAbsolute, resolve } from 'node:path';
import { sourceFile, type SourceFile } from './core/source.js';
import { builtinDocsUrl, type Rule } from './engine/rule.js';
import { createDiagnostic, type Diagnostic } from './engine/diagnostic.js';
import { lintMachine, type ResolvedRule, type SkippedRule, type RuleFailure } from './engine/run.js';
import { runFixLoop, type AppliedFix, type UndoneFix } from './engine/fix-loop.js';
import { countResult, type LintReport, type LintResult } from './engine/result.js';
import { builtinRules, ENGINE_RULE_IDS } from './rules/index.js';
import { enabledRules, resolveRuleStates, validateConfig, type Config, type RuleSetting } from './config/config.js';
import { configFrom, loadConfig } from './config/load.js';
import type { Formatter } from './config/plugins.js';
import { applyOverrides } from './config/overrides.js';
import { collectMachines, systemPathOf, type InputFile, type KindPattern } from './pipeline/inputs.js';
import { configCollectOptions } from './config/discovery.js';
import { mergeReports } from './config/machines.js';
import { parseFile, readFile, type ReadFile } from './pipeline/load.js';
import { buildMachine } from './model/build.js';
import type { FileKind, ParsedFile } from './model/machine.js';
import { classifyText } from './model/classify.js';
import type { LiveHost } from './host/live.js';
import { withSnapshots } from './live/inputs.js';
import { holdDirs } from './io/confined.js';

export interface LintOptions {
  /** Directory that relative paths and the config search start from (default: process.cwd()). */
  cwd?: string;
  /** A configuration object, the path of a config file, or `false` to ignore config files. Default: search upward from cwd. */
  config?: Config | string | false;
  /** Rule settings on top of the configuration, like `--rule`. */
  rules?: Record<string, RuleSetting>;
  /** Extra rules, same shape as the built-in ones. */
  customRules?: readonly Rule[];
  /** Treat every file given as this kind. */
  kind?: FileKind;
  /** Kinds for files matching globs (relative to cwd), like `--kind KIND=GLOB`. */
  kindPatterns?: ReadonlyArray<{ kind: FileKind; patterns: readonly string[] }>;
  /** Texts to use instead of what is on disk (unsaved editor buffers, stdin), by absolute path. */
  texts?: ReadonlyMap<string, string>;
  /** Compute fixed output: `true` applies safe fixes, `'suggestions'` also applies the first suggestion of each finding. */
  fix?: boolean | 'suggestions';
  /** Only these rules' fixes are applied (all when omitted). */
  fixRules?: readonly string[];
  /** The running host's facts (`--live`, a snapshot folder), for the host model's live part. */
  live?: LiveHost;
}

/** Built-in rules carry their published docs page (a custom rule only the one it names itself). Made once, not per lint. */
const BUILTIN_WITH_DOCS: readonly Rule[] = builtinRules.map((r) => (r.meta.docs ? r : ({ ...r, meta: { ...r.meta, docs: builtinDocsUrl(r.meta.id) } } as Rule)));

/** Everything resolved from options once per run. */
interface RunSetup {
  cwd: string;
  rules: ResolvedRule[];
  allRules: readonly Rule[];
  config: Config;
  /** The config file in effect; undefined when none (the built-in defaults, or a config object). */
  configPath: string | undefined;
  /** Said once per run by the CLI: e.g. two config files in one directory. */
  warnings: readonly string[];
  /** Formatters from the config's plugins, by name. */
  formatters: ReadonlyMap<string, Formatter>;
  baseDir: string;
  baseOff: Set<string>;
  /** undefined: each syntax problem keeps the severity its parser gave it. */
  syntax: ResolvedRule['severity'] | 'off' | undefined;
  knownIds: ReadonlySet<string>;
  unused: ResolvedRule['severity'] | 'off';
  rulesMeta: LintReport['rulesMeta'];
}

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
  // A plugin's rules are custom rules that the configuration brings.
  const allRules = loaded.plugins.rules.length > 0 ? [...given, ...loaded.plugins.rules] : given;
  const known = loaded.plugins.rules.length > 0 ? new Map(allRules.map((r) => [r.meta.id, r] as const)) : givenIds;
  const states = resolveRuleStates(allRules, loaded.config, options.rules, rulesOrigin);
  // A rule off in the base config but on in some override runs, and its findings are kept only where the override applies.
  const baseOff = new Set<string>();
  for (const o of loaded.config.overrides ?? []) {
    for (const [id, setting] of Object.entries(o.rules)) {
      const sev = Array.isArray(setting) ? setting[0] : setting;
      if (states.get(id)?.severity === 'off' && sev !== 'off' && sev !== 0) {
        baseOff.add(id);
        states.set(id, { severity: 'warning', explicit: false, options: states.get(id)!.options });
      }
    }
  }
  const enabled = enabledRules(allRules, states);
  return {
    cwd,
    // The engine produces those two itself; they are rules only to be configured and documented.
    rules: enabled.filter((r) => !ENGINE_RULE_IDS.has(r.rule.meta.id)),
    allRules,
    config: loaded.config,
    configPath: loaded.path,
    warnings: loaded.warnings,
    formatters: loaded.plugins.formatters,
    baseDir: loaded.baseDir,
    baseOff,
    syntax: syntaxSeverity(states.get('syntax')),
    knownIds: new Set(known.keys()),
    unused: loaded.config.reportUnusedSuppressions === false ? 'off' : (states.get('unused-suppression')?.severity ?? 'warning'),
    // Shared by every report of this setup, so nobody may change it.
    rulesMeta: Object.freeze(Object.fromEntries(allRules.map((r) => [r.meta.id, r.meta]))),
  };
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

/**
 * What `lintCollected` reads of the options (the rest went into the setup). `lintText`, called once
 * per file by libraries and editors, builds it as a literal of this shape: a spread copy of the
 * caller's options was 9% of a small lintText. The CLI, once per run, may pass its whole options.
 */
export type CollectOptions = Pick<LintOptions, 'kind' | 'texts' | 'fix' | 'fixRules' | 'live'>;

/** The engine's whole flow for one machine: read, parse, model, rules, suppressions, overrides, fixes. */
export function lintCollected(inputs: readonly InputFile[], unusable: ReadonlyArray<{ path: string; message: string }>, setup: RunSetup, options: CollectOptions): LintReport {
  // Consecutive files of one directory are read from it opened once (io/confined.ts).
  const reads: ReadFile[] = holdDirs(() =>
    inputs.map((input) => {
      // An editor knows a file by the path it opened, which may be a symlink to the file read.
      const given = options.texts?.get(input.realPath) ?? options.texts?.get(input.displayPath);
      return given !== undefined ? { input, source: sourceFile(input.displayPath, given), mode: undefined } : readFile(input);
    }),
  );
  // Editor buffers for files not found by discovery still belong to the machine.
  if (options.texts && options.texts.size > 0) {
    const known = new Set<string>();
    for (const r of reads) known.add(r.input.realPath).add(r.input.displayPath);
    for (const [path, text] of options.texts) {
      if (known.has(path)) continue;
      const kind = options.kind ?? kindOfText(path, text);
      if (kind) reads.push({ input: { realPath: path, displayPath: path, systemPath: systemPathOf(path, kind), kind, masked: false }, source: sourceFile(path, text), mode: undefined });
    }
  }
  // Each file by its source path: a lookup per file, never a scan of the list (issue 21).
  const byPath = new Map<string, ReadFile>();
  for (const r of reads) if (!byPath.has(r.source.path)) byPath.set(r.source.path, r);

  const parseCache = new Map<string, ParsedFile>();
  const parsedFor = (r: ReadFile, text: string): ParsedFile => {
    const cached = parseCache.get(r.input.realPath);
    if (cached && cached.source.text === text) return cached;
    const source = text === r.source.text ? r.source : sourceFile(r.source.path, text, r.source);
    const parsed = parseFile(source, r.input.kind, r.input.systemPath, r.failure);
    parseCache.set(r.input.realPath, parsed);
    return parsed;
  };

  const lintTexts = (texts: ReadonlyMap<string, string>) => {
    const files = reads.map((r) => parsedFor(r, texts.get(r.source.path) ?? r.source.text));
    const machine = buildMachine(files, undefined, options.live);
    const out = lintMachine(machine, setup.rules, { syntax: setup.syntax, reportUnusedSuppressions: setup.unused, knownRuleIds: setup.knownIds });
    for (const [path, list] of out.diagnostics) {
      const read = byPath.get(path);
      out.diagnostics.set(path, applyOverrides(list, read?.input.realPath ?? path, setup.config.overrides, setup.baseDir, setup.baseOff));
    }
    return { diagnostics: out.diagnostics, skipped: out.skipped, failures: out.failures, files };
  };

  const original = new Map(reads.map((r) => [r.source.path, r.source.text] as const));
  let applied: AppliedFix[] = [];
  let undone: UndoneFix[] = [];
  let finalTexts: ReadonlyMap<string, string> = original;
  // The fix loop's last lint is always of its final texts: that lint is the result, not a second run.
  let lastLint: ReturnType<typeof lintTexts> | undefined;
  if (options.fix) {
    const loop = runFixLoop(original, (texts) => {
      lastLint = lintTexts(texts);
      return { diagnostics: [...lastLint.diagnostics.values()].flat() };
    }, {
      suggestions: options.fix === 'suggestions',
      ruleFilter: options.fixRules ? (id) => options.fixRules!.includes(id) : undefined,
      parseCheck: (path, text) => {
        const r = byPath.get(path);
        if (!r) return 'a fix tried to edit a file that is not an input';
        return parsedFor(r, text).problems.find((p) => p.severity === 'fatal')?.message;
      },
    });
    applied = loop.applied;
    undone = loop.undone;
    finalTexts = loop.texts;
  }
  const final = lastLint ?? lintTexts(finalTexts);

  const results: LintResult[] = final.files.map((f, i) => {
    const r = reads[i]!;
    const text = finalTexts.get(f.source.path)!;
    return countResult({
      filePath: r.input.displayPath,
      kind: r.input.kind,
      messages: final.diagnostics.get(f.source.path) ?? [],
      source: r.source.text,
      output: text !== r.source.text ? text : undefined,
      realPath: r.input.realPath,
      systemPath: r.input.systemPath,
      stored: { encoding: r.source.encoding, bom: r.source.bom, mode: r.mode },
    });
  });
  for (const u of unusable) results.push(unusableResult(u.path, u.message));
  return {
    results,
    skippedRules: dedupeSkipped(final.skipped),
    failures: final.failures,
    rulesMeta: setup.rulesMeta,
    applied,
    undone,
  };
}

/** A text's kind from its path and content, as for a file named on the command line. */
function kindOfText(path: string, text: string): FileKind | undefined {
  const c = classifyText(path, text, { named: true });
  return c.ok ? c.classification.kind : undefined;
}

function syntaxSeverity(state: { severity: ResolvedRule['severity'] | 'off'; explicit: boolean } | undefined): RunSetup['syntax'] {
  if (!state || state.severity === 'off') return 'off';
  return state.explicit ? state.severity : undefined;
}

function unusableResult(path: string, message: string): LintResult {
  const source: SourceFile = sourceFile(path, '');
  const d: Diagnostic = createDiagnostic(source, { message, ruleId: undefined, severity: 'error', range: { start: 0, end: 0 }, parseFailure: true });
  return countResult({ filePath: path, kind: undefined, messages: [d], source: undefined, output: undefined, realPath: undefined, systemPath: undefined, stored: undefined });
}

function dedupeSkipped(list: SkippedRule[]): SkippedRule[] {
  const seen = new Set<string>();
  return list.filter((s) => (seen.has(s.ruleId) ? false : (seen.add(s.ruleId), true)));
}

export type { LintReport, LintResult, SkippedRule, RuleFailure };
