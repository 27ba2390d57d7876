// The engine's flow for one machine, from inputs (with their texts, or a reader) to a report, and a
// run's setup from a loaded configuration. No Node API here: src/lint.ts adds files, config files and
// overrides on disk; the playground's browser bundle (src/lint-texts.ts) uses this as it is.
import { sourceFile, type SourceFile } from './core/source.js';
import { builtinDocsUrl, type Rule } from './engine/rule.js';
import { createDiagnostic, type Diagnostic } from './engine/diagnostic.js';
import { startMachineLint, type ResolvedRule, type SkippedRule } from './engine/run.js';
import { runFixLoop, type AppliedFix, type UndoneFix } from './engine/fix-loop.js';
import { countResult, type LintReport, type LintResult } from './engine/result.js';
import { builtinRules, ENGINE_RULE_IDS } from './rules/index.js';
import { enabledRules, resolveRuleStates, type Config, type RuleSetting } from './config/config.js';
import type { LoadedConfig } from './config/load.js';
import type { Formatter } from './config/plugins.js';
import type { InputFile } from './pipeline/inputs.js';
import type { ReadFile } from './pipeline/load.js';
import { parseFile } from './pipeline/parse.js';
import { startMachine } from './model/build.js';
import type { FileKind, ParsedFile } from './model/machine.js';
import { classifyText } from './model/classify.js';
import { KINDS } from './kinds/index.js';
import type { LiveHost } from './host/live.js';
import type { HostTreeRoot, PathState, TreeLookup } from './model/tree.js';
import type { TreeSource } from './model/build.js';

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
export const BUILTIN_WITH_DOCS: readonly Rule[] = builtinRules.map((r) => (r.meta.docs ? r : ({ ...r, meta: { ...r.meta, docs: builtinDocsUrl(r.meta.id) } } as Rule)));

/** Everything resolved from options once per run. */
export interface RunSetup {
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
 * A run's setup from a configuration already loaded (a file, an object, or none): which rules run, at
 * what severity, with what options. `given` is the built-in rules with the caller's custom ones.
 */
export function setupFromLoaded(cwd: string, loaded: LoadedConfig, given: readonly Rule[], givenIds: ReadonlyMap<string, Rule>, cliRules: Record<string, RuleSetting> | undefined, rulesOrigin: string): RunSetup {
  // A plugin's rules are custom rules that the configuration brings.
  const allRules = loaded.plugins.rules.length > 0 ? [...given, ...loaded.plugins.rules] : given;
  const known = loaded.plugins.rules.length > 0 ? new Map(allRules.map((r) => [r.meta.id, r] as const)) : givenIds;
  const states = resolveRuleStates(allRules, loaded.config, cliRules, rulesOrigin);
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
 * What `lintCollected` reads of the options (the rest went into the setup). `lintText`, called once
 * per file by libraries and editors, builds it as a literal of this shape: a spread copy of the
 * caller's options was 9% of a small lintText. The CLI, once per run, may pass its whole options.
 */
export type CollectOptions = Pick<LintOptions, 'kind' | 'texts' | 'fix' | 'fixRules' | 'live'>;

/**
 * What the engine's flow needs from outside: reading a file that has no text given, and the config's
 * per-path overrides. On Node these are src/pipeline/load.ts and src/config/overrides.ts (src/lint.ts);
 * in the browser every file has its text and there is no config file (src/lint-texts.ts).
 */
export interface MachineIo {
  read(input: InputFile): ReadFile;
  /** Runs all of one machine's reads (on Node: keeps each directory open for the next file in it). */
  readAll?<T>(reads: () => T): T;
  overrides(list: Diagnostic[], realPath: string): Diagnostic[];
  /** What the machine's host tree holds at paths its domains name (src/pipeline/tree-paths.ts): looked up, never read. */
  lookUpTree?(tree: HostTreeRoot, paths: readonly string[]): TreeLookup;
}

/** The engine's whole flow for one machine: read, parse, model, rules, suppressions, overrides, fixes. */
export function lintInputs(inputs: readonly InputFile[], unusable: ReadonlyArray<{ path: string; message: string }>, setup: RunSetup, options: CollectOptions, io: MachineIo): LintReport {
  const readEach = () =>
    inputs.map((input): ReadFile => {
      // An editor knows a file by the path it opened, which may be a symlink to the file read.
      const given = options.texts?.get(input.realPath) ?? options.texts?.get(input.displayPath);
      return given !== undefined ? { input, source: sourceFile(input.displayPath, given), mode: undefined } : io.read(input);
    });
  const reads: ReadFile[] = io.readAll ? io.readAll(readEach) : readEach();
  // Editor buffers for files not found by discovery still belong to the machine.
  if (options.texts && options.texts.size > 0) {
    const known = new Set<string>();
    for (const r of reads) known.add(r.input.realPath).add(r.input.displayPath);
    for (const [path, text] of options.texts) {
      if (known.has(path)) continue;
      const kind = options.kind ?? kindOfText(path, text);
      if (kind) reads.push({ input: { realPath: path, displayPath: path, systemPath: KINDS.placeOf(kind, path), kind, masked: false }, source: sourceFile(path, text), mode: undefined });
    }
  }
  // Each file by its source path: a lookup per file, never a scan of the list (issue 21). The first read wins, as find() did.
  const byPath = new Map<string, ReadFile>();
  for (const r of reads) if (!byPath.has(r.source.path)) byPath.set(r.source.path, r);

  // Parses are kept across the fix loop's passes for files other than domains (a few, small); a
  // domain's tree must die once its domain rules have run (issue 21), so a domain is parsed again
  // in a pass only when the loop needs it. Sources are kept: findings and fixes need the text.
  const parseCache = new Map<string, ParsedFile>();
  const sourceFor = (r: ReadFile, text: string): SourceFile => (text === r.source.text ? r.source : sourceFile(r.source.path, text, r.source));
  const parsedFor = (r: ReadFile, text: string): ParsedFile => {
    const cached = parseCache.get(r.input.realPath);
    if (cached && cached.source.text === text) return cached;
    const parsed = parseFile(sourceFor(r, text), r.input.kind, r.input.systemPath, r.failure);
    if (r.input.kind !== 'domain') parseCache.set(r.input.realPath, parsed);
    return parsed;
  };

  const treeSource = machineTreeSource(inputs, io);
  const lintTexts = (texts: ReadonlyMap<string, string>) => {
    const textOf = (r: ReadFile) => texts.get(r.source.path) ?? r.source.text;
    // The host files first: the domain rules read the host model.
    const hostFiles: ParsedFile[] = [];
    for (const r of reads) if (r.input.kind !== 'domain') hostFiles.push(parsedFor(r, textOf(r)));
    const builder = startMachine(hostFiles, undefined, options.live, treeSource);
    const linter = startMachineLint(builder.machine, setup.rules, { syntax: setup.syntax, reportUnusedSuppressions: setup.unused, knownRuleIds: setup.knownIds });
    for (const f of hostFiles) linter.addFile(f);
    // Then each domain: parsed, checked by the domain rules, and its tree dropped (the machine keeps its facts).
    for (const r of reads) {
      if (r.input.kind !== 'domain') continue;
      const f = parsedFor(r, textOf(r));
      linter.addFile(f);
      const domain = builder.addDomain(f);
      if (domain) linter.checkDomain(domain);
    }
    const out = linter.finish();
    for (const [path, list] of out.diagnostics) {
      const read = byPath.get(path);
      const kept = io.overrides(list, read?.input.realPath ?? path);
      // A running domain's XML from virsh is no file: nothing there can be fixed (its defined file can).
      if (read?.input.readOnly) for (const d of kept) [d.fix, d.suggestions] = [undefined, undefined];
      out.diagnostics.set(path, kept);
    }
    return { diagnostics: out.diagnostics, skipped: out.skipped, failures: out.failures };
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

  const results: LintResult[] = reads.map((r) => {
    const text = finalTexts.get(r.source.path)!;
    return countResult({
      filePath: r.input.displayPath,
      kind: r.input.kind,
      messages: final.diagnostics.get(r.source.path) ?? [],
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

/**
 * The machine's host tree: the one tree its files were found at their places in (a tree, an etc
 * directory, `--live`). Files from two trees, or none, give none: which tree is the host's is then
 * not known. Each path is looked up once per lint, whatever the fix loop's passes ask.
 */
function machineTreeSource(inputs: readonly InputFile[], io: MachineIo): TreeSource | undefined {
  const lookUp = io.lookUpTree;
  if (!lookUp) return undefined;
  let tree: HostTreeRoot | undefined;
  for (const f of inputs) {
    if (!f.tree) continue;
    if (tree && (tree.root !== f.tree.root || tree.top !== f.tree.top)) return undefined;
    tree = f.tree;
  }
  if (!tree) return undefined;
  const known = new Map<string, PathState>();
  let isHost = false;
  return {
    tree,
    lookUp(paths) {
      const fresh = paths.filter((p) => !known.has(p));
      if (fresh.length > 0) {
        const found = lookUp(tree, fresh);
        isHost = found.isHost;
        for (const [p, state] of found.states) known.set(p, state);
      }
      return { isHost, states: known };
    },
  };
}

/** A text's kind from its path and content, as for a file named on the command line. */
export function kindOfText(path: string, text: string): FileKind | undefined {
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
