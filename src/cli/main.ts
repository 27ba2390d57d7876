import { closeSync, existsSync, openSync, readFileSync, realpathSync, statSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ReporterOutput } from '../reporters/types.js';
import { fileURLToPath } from 'node:url';
import { HELP, parseArgs, UsageError, type CliArgs } from './args.js';
import { lintCollected, setupRun, type LintOptions } from '../lint.js';
import { collectInputs, InputError, type CollectedInputs } from '../pipeline/inputs.js';
import { discoverHostTree } from '../host/discover.js';
import { ConfigError, resolveRuleStates, type Config, type RuleSetting, type RuleState } from '../config/config.js';
import { decode } from '../core/source.js';
import { countResult, type LintReport } from '../engine/result.js';
import { builtinRules } from '../rules/index.js';
import { writeAtomic } from '../io/write.js';
import { describeFsError, MAX_INPUT_BYTES } from '../io/read.js';
import { followUps } from './follow-ups.js';
import { oneLine, visibleControls } from '../reporters/text.js';
import { useColor } from './color.js';
import { unreadableReason } from './readable.js';
import { stdinInput } from './stdin.js';
import { didYouMean } from '../config/suggest.js';
import { machineInputs, machineLabel, mergeReports } from '../config/machines.js';
import pkg from '../../package.json' with { type: 'json' };

type RunSetup = ReturnType<typeof setupRun>;

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  /** All of standard input, as bytes (decoded like a file: BOM, strict UTF-8 or UTF-16). */
  readStdin: () => Uint8Array;
}

/** Run the CLI; returns the exit code. Never throws for bad input: that becomes a one-line message and exit 2. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs | undefined;
  try {
    args = parseArgs(argv);
    return await run(args, io);
  } catch (err) {
    const known = err instanceof UsageError || err instanceof InputError || err instanceof ConfigError || (err instanceof Error && err.name === 'UnknownFormatError');
    const msg = err instanceof Error ? err.message : String(err);
    io.stderr(`vfio-lint: ${oneLine(known ? msg : `internal error: ${msg}`)}\n`);
    if (args?.debug && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    else if (!known) io.stderr('(run again with --debug for a stack trace)\n');
    return 2;
  }
}

async function run(args: CliArgs, io: CliIo): Promise<number> {
  switch (args.command) {
    case 'help':
      io.stdout(HELP);
      return 0;
    case 'version':
      io.stdout(`${pkg.version}\n`);
      return 0;
    case 'explain':
      return explain(args.explainRule!, io);
    case 'list-rules':
      io.stdout(listRules());
      return 0;
    default:
      break;
  }

  const cliRules = Object.fromEntries(args.rules.map((r) => [r.id, r.severity as 'error']));
  const options: LintOptions = {
    cwd: io.cwd,
    config: args.noConfig ? false : args.config,
    rules: cliRules,
    kind: args.kind,
    fix: args.fix || args.fixDryRun ? (args.fixSuggestions ? 'suggestions' : true) : false,
  };
  const setup = setupRun(options);
  if (args.command === 'print-config') {
    io.stdout(`${JSON.stringify(printableConfig(setup.config, resolveRuleStates(setup.allRules, setup.config, cliRules)), null, 2)}\n`);
    return 0;
  }
  // The format is checked before any work, so a typo costs nothing.
  const { loadReporter, pieces } = await import('../reporters/index.js');
  const reporter = loadReporter(args.format);

  for (const note of securityOffNotes(setup, cliRules)) io.stderr(`${note}\n`);
  let report = lintRequested(args, io, setup, options);

  if (report.failures.length > 0) {
    for (const f of report.failures) io.stderr(`vfio-lint: rule ${oneLine(f.ruleId)} failed: ${oneLine(f.message)}\n${args.debug && f.stack ? `${f.stack}\n` : ''}`);
    return 2;
  }

  // The report in the pieces the reporter makes (one file at a time for most): no one string holds it all.
  const emit = (out: ReporterOutput) => {
    if (!args.outputFile) {
      for (const piece of pieces(out)) io.stdout(piece);
      return;
    }
    const target = resolve(io.cwd, args.outputFile);
    let fd: number | undefined;
    try {
      fd = openSync(target, 'w');
      for (const piece of pieces(out)) writeSync(fd, piece);
    } catch (err) {
      throw new InputError(`cannot write the report to ${args.outputFile}: ${describeFsError(err)}`);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };

  let writeFailed = false;
  if (args.fixDryRun && !args.formatGiven) {
    const { unifiedDiff } = await import('../reporters/diff.js');
    let diff = '';
    for (const r of report.results) if (r.output !== undefined && r.source !== undefined) diff += unifiedDiff(relative(io.cwd, r.filePath) || r.filePath, r.source, r.output);
    // A patch must stay byte-exact when piped; on a terminal, control characters from the files are shown, not obeyed.
    emit(io.stdoutIsTTY && !args.outputFile ? visibleControls(diff) : diff);
    for (const u of report.undone) io.stderr(`vfio-lint: a fix by ${u.ruleId} in ${oneLine(u.path)} was dropped: it would leave the file unparsable (${oneLine(u.reason)})\n`);
    const left = remaining(report);
    if (left !== '') io.stderr(`vfio-lint: ${left} would remain after these fixes (run without --fix-dry-run to see them)\n`);
  } else {
    if (args.fix) {
      writeFailed = !writeFixes(report, io);
      // What is on disk now: the files written hold their fixes, the others what they held.
      if (writeFailed) report = lintRequested(args, io, setup, { ...options, fix: false });
    }
    const color = useColor(args.color, io.env, io.stdoutIsTTY);
    const shown = args.quiet ? quietReport(report) : report;
    emit(reporter(shown, { cwd: io.cwd, color: args.outputFile ? false : color, maxWarnings: args.maxWarnings, quiet: args.quiet, version: pkg.version }));
  }

  const errors = report.results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = report.results.reduce((n, r) => n + r.warningCount, 0);
  if (writeFailed) return 2;
  if (errors > 0) return 1;
  if (args.maxWarnings !== undefined && warnings > args.maxWarnings) {
    io.stderr(`vfio-lint found too many warnings (maximum: ${args.maxWarnings}).\n`);
    return 1;
  }
  return 0;
}

/**
 * A security rule that is off says so, with what turned it off: a config file found in any parent
 * directory applies, and a run that exits 0 must not hide that a check was skipped.
 */
function securityOffNotes(setup: RunSetup, cliRules: Record<string, RuleSetting>): string[] {
  const notes: string[] = [];
  const states = resolveRuleStates(setup.allRules, setup.config, cliRules);
  const source = setup.configPath ? `the config file ${oneLine(setup.configPath)}` : 'the configuration';
  for (const rule of setup.allRules) {
    if (rule.meta.category !== 'security') continue;
    const id = rule.meta.id;
    if (states.get(id)?.severity === 'off') notes.push(`vfio-lint: security rule ${id} is off (turned off by ${cliRules[id] === 'off' ? '--rule on the command line' : source})`);
    (setup.config.overrides ?? []).forEach((o, i) => {
      const setting = o.rules[id];
      const sev = Array.isArray(setting) ? setting[0] : setting;
      if (sev === 'off' || sev === 0) notes.push(`vfio-lint: security rule ${id} is off for files matching ${oneLine(o.files.join(', '))} (overrides[${i}] in ${source})`);
    });
  }
  return notes;
}

/** Lint what the command line asks for: paths (and standard input), else the config's machines. */
function lintRequested(args: CliArgs, io: CliIo, setup: RunSetup, options: LintOptions): LintReport {
  const reports: Array<{ label: string; report: LintReport }> = [];
  if (args.stdin) {
    const collected = gather(args.paths, args, io.cwd);
    const bytes = readStdin(io);
    const filePath = resolve(io.cwd, args.stdinFilename ?? '<stdin>');
    const decoded = decode(bytes);
    const texts = new Map<string, string>();
    if (!decoded.ok) {
      collected.unusable.push({ path: filePath, message: `${decoded.message} (at byte ${decoded.byteOffset})` });
    } else {
      const given = stdinInput(decoded.text, filePath, args.kind, collected.files);
      if ('problem' in given) {
        collected.unusable.push({ path: filePath, message: given.problem });
      } else {
        if (!given.replaces) collected.files.push(given.input);
        texts.set(given.input.realPath, decoded.text);
      }
    }
    reports.push({ label: '', report: lintCollected(collected.files, collected.unusable, setup, { ...options, texts }) });
  } else if (args.paths.length > 0 || args.root) {
    const collected = gather(args.paths, args, io.cwd);
    reports.push({ label: '', report: lintCollected(collected.files, collected.unusable, setup, options) });
  } else if (setup.config.machines && setup.config.machines.length > 0) {
    setup.config.machines.forEach((m, i) => {
      const collected = machineInputs(m, setup.baseDir);
      if (args.fix) confineToProject(collected, setup.baseDir, `machines[${i}] (${machineLabel(m, i)})`);
      reports.push({ label: machineLabel(m, i), report: lintCollected(collected.files, collected.unusable, setup, options) });
    });
  } else {
    throw new UsageError('nothing to lint: give files or directories, or describe machines in a config file (see vfio-lint --help)');
  }
  return mergeReports(reports);
}

/**
 * `--fix` with no paths fixes what the config's machines name: a config found in a parent directory
 * (or a cloned project's) could point anywhere, so it may only have files inside its own directory
 * rewritten. Files outside must be named on the command line, where the user sees them.
 */
function confineToProject(collected: CollectedInputs, baseDir: string, which: string): void {
  let project: string;
  try {
    project = realpathSync(baseDir);
  } catch {
    project = baseDir;
  }
  // The real path is what a write replaces.
  for (const f of collected.files) {
    const rel = relative(project, f.realPath);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new UsageError(`--fix with no paths fixes only files inside the config file's directory (${oneLine(project)}); the config's ${which} names ${oneLine(f.realPath)}, outside it: name the files to fix on the command line`);
    }
  }
}

/** Write every fixed file back atomically; then say what was not applied and what to run. False when a write failed. */
function writeFixes(report: LintReport, io: CliIo): boolean {
  let ok = true;
  const written = new Set<string>();
  for (const r of report.results) {
    if (r.output === undefined || !r.realPath || !r.stored) continue;
    const w = writeAtomic({ realPath: r.realPath, text: r.output, stored: r.stored });
    if (w.ok) written.add(r.filePath);
    else {
      io.stderr(`vfio-lint: could not write ${oneLine(r.filePath)}: ${oneLine(w.message)}\n`);
      ok = false;
    }
  }
  for (const u of report.undone) io.stderr(`vfio-lint: a fix by ${u.ruleId} in ${oneLine(u.path)} was not applied: it would leave the file unparsable (${oneLine(u.reason)})\n`);
  // Only what was written changed: no note for a file that could not be.
  const changed = { ...report, results: report.results.filter((r) => written.has(r.filePath)) };
  for (const note of followUps(changed, io.cwd)) io.stderr(`${note}\n`);
  return ok;
}

/** "1 error and 2 warnings", or '' when nothing is left. */
function remaining(report: LintReport): string {
  const errors = report.results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = report.results.reduce((n, r) => n + r.warningCount, 0);
  if (errors + warnings === 0) return '';
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter((x) => x !== '').join(' and ');
}

function gather(paths: readonly string[], args: CliArgs, cwd: string): CollectedInputs {
  // A file the user named that cannot be opened fails the run, as a missing one does.
  for (const given of paths) {
    const abs = resolve(cwd, given);
    if (!existsSync(abs)) continue; // collectInputs says so, with the right words
    const why = unreadableReason(abs);
    if (why) throw new InputError(`${given}: ${why}`);
  }
  const collected = collectInputs(paths, { kind: args.kind, cwd });
  if (args.root !== undefined) {
    const root = resolve(cwd, args.root);
    let st;
    try {
      st = statSync(root);
    } catch (err) {
      throw new InputError(`${args.root}: ${describeFsError(err)}`);
    }
    if (!st.isDirectory()) throw new UsageError(`--root takes a directory that stands for / (got the file ${args.root})`);
    const tree = discoverHostTree(root, 'root');
    const seen = new Set(collected.files.map((f) => f.realPath));
    for (const f of tree.files) if (!seen.has(f.realPath)) collected.files.push(f);
    collected.unusable.push(...tree.problems);
  }
  return collected;
}

function quietReport(report: LintReport): LintReport {
  return {
    ...report,
    results: report.results.map((r) => countResult({ ...r, messages: r.messages.filter((m) => m.severity === 'error') })),
    skippedRules: [],
  };
}

function readStdin(io: CliIo): Uint8Array {
  const bytes = io.readStdin();
  if (bytes.length > MAX_INPUT_BYTES) throw new InputError(`standard input is too large (the limit is ${MAX_INPUT_BYTES} bytes)`);
  return bytes;
}

function packageRoot(): string {
  // Source (src/cli), bundle (dist/) and tests all sit one or two levels below the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'docs'))) return dir;
    dir = dirname(dir);
  }
  return dir;
}

function explain(id: string, io: CliIo): number {
  const known = builtinRules.find((r) => r.meta.id === id);
  if (!known) throw new UsageError(`unknown rule "${id}"${didYouMean(id, builtinRules.map((r) => r.meta.id))} (see vfio-lint --list-rules)`);
  const doc = join(packageRoot(), 'docs', 'rules', `${id}.md`);
  io.stdout(existsSync(doc) ? readFileSync(doc, 'utf8') : `${id}: ${known.meta.description}\n`);
  return 0;
}

function listRules(): string {
  const rows = builtinRules.map((r) => [r.meta.id, r.meta.severity === 'warning' ? 'warn' : r.meta.severity, r.meta.fixable ?? '-', r.meta.category, r.meta.description]);
  const head = ['RULE', 'SEVERITY', 'FIX', 'CATEGORY', 'DESCRIPTION'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) => cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

/** The config in effect: the file's settings, with every rule's resolved severity (and options, when it has some). */
function printableConfig(config: Config, states: ReadonlyMap<string, RuleState>) {
  const rules: Record<string, unknown> = {};
  for (const [id, s] of states) {
    const severity = s.severity === 'warning' ? 'warn' : s.severity;
    rules[id] = Object.keys(s.options).length > 0 ? [severity, s.options] : severity;
  }
  if (config.reportUnusedSuppressions === false) rules['unused-suppression'] = 'off';
  return { ...config, extends: config.extends ?? 'recommended', rules };
}
