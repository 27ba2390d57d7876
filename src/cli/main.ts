import { closeSync, existsSync, openSync, readFileSync, realpathSync, statSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pieces, type ReporterOutput } from '../reporters/types.js';
import { fileURLToPath } from 'node:url';
import { HELP, parseArgs, UsageError, type CliArgs } from './args.js';
import type { CliIo } from './io.js';
import { lintCollected, setupRun, type LintOptions } from '../lint.js';
import { collectMachines, InputError, type CollectedMachine, type CollectedRun, type InputFile } from '../pipeline/inputs.js';
import { configCollectOptions } from '../config/discovery.js';
import { discoverHostTree } from '../host/discover.js';
import { ConfigError, parseSeverity, resolveRuleStates, type Config, type RuleSetting } from '../config/config.js';
import { matchesAny } from '../config/glob.js';
import type { Rule } from '../engine/rule.js';
import { resolveFormat } from './format.js';
import { decode } from '../core/source.js';
import { countResult, type LintReport } from '../engine/result.js';
import { undoneWhy } from '../engine/fix-loop.js';
import { builtinRules } from '../rules/index.js';
import { builtinDocsUrl } from '../engine/rule.js';
import { writeAtomic } from '../io/write.js';
import { describeFsError, MAX_INPUT_BYTES } from '../io/read.js';
import { followUps } from './follow-ups.js';
import { oneLine, visibleControls } from '../reporters/text.js';
import { useColor } from './color.js';
import { unreadableReason } from './readable.js';
import { stdinInput } from './stdin.js';
import { didYouMean } from '../config/suggest.js';
import { UnknownFormatError } from '../reporters/formats.js';
import { machineInputs, machineLabel, mergeReports } from '../config/machines.js';
import { liveMachines } from './live.js';
import { tuneHeap } from './heap-flags.js';
import type { readLiveMachine } from '../live/read-machine.js';
import pkg from '../../package.json' with { type: 'json' };

type RunSetup = ReturnType<typeof setupRun>;

export type { CliIo };

/** Run the CLI; returns the exit code. Never throws for bad input: that becomes a one-line message and exit 2. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs | undefined;
  try {
    args = parseArgs(argv);
    return await run(args, io);
  } catch (err) {
    const known = err instanceof UsageError || err instanceof InputError || err instanceof ConfigError || err instanceof UnknownFormatError || (err instanceof Error && err.name === 'SnapshotError');
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
    case 'snapshot': {
      const { snapshotCommand } = await import('./snapshot.js');
      return snapshotCommand(args, io, pkg.version);
    }
    case 'topology': {
      const { topologyCommand } = await import('./topology.js');
      return topologyCommand(args, io);
    }
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
  const setup = setupRun(options, '--rule');
  for (const w of setup.warnings) io.stderr(`vfio-lint: warning: ${w}\n`);
  switch (args.command) {
    case 'explain':
      return explain(args.explainRule!, setup.allRules, io);
    case 'list-rules':
      io.stdout(args.format === 'stylish' ? listRules(setup.allRules) : listRulesJson(setup.allRules, args.format));
      return 0;
    case 'print-config':
      io.stderr(`vfio-lint: ${setup.configPath ? `configuration from ${setup.configPath}` : 'no configuration file: the built-in defaults'}\n`);
      io.stdout(`${JSON.stringify(printConfig(setup, cliRules, args.paths, io.cwd), null, 2)}\n`);
      return 0;
    case 'list-inputs':
      io.stdout(listInputs(collectRequested(args, io, setup), io.cwd));
      return 0;
    default:
      break;
  }
  // The format is checked before any work, so a typo costs nothing.
  const reporter = await resolveFormat(args.format, io.cwd, setup.formatters);

  for (const note of securityOffNotes(setup, cliRules)) io.stderr(`${note}\n`);
  // The running host's reader (and everything it reads with) is loaded only for --live.
  const readLive = args.live ? (await import('../live/read-machine.js')).readLiveMachine : undefined;
  let report = lintRequested(args, io, setup, options, readLive);

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
    const { dryRunDiff } = await import('./dry-run.js');
    const diff = dryRunDiff(report, io.cwd, (w) => io.stderr(`vfio-lint: warning: ${oneLine(w)}\n`));
    // A patch must stay byte-exact when piped; on a terminal, control characters from the files are shown, not obeyed.
    emit(io.stdoutIsTTY && !args.outputFile ? visibleControls(diff) : diff);
    for (const u of report.undone) io.stderr(`vfio-lint: a fix by ${u.ruleId} in ${oneLine(u.path)} was not applied: ${oneLine(undoneWhy(u))}\n`);
    const left = remaining(report);
    if (left !== '') io.stderr(`vfio-lint: ${left} would remain after these fixes (run without --fix-dry-run to see them)\n`);
  } else {
    if (args.fix) {
      writeFailed = !writeFixes(report, io);
      // What is on disk now: the files written hold their fixes, the others what they held.
      if (writeFailed) report = lintRequested(args, io, setup, { ...options, fix: false }, readLive);
    }
    const color = useColor(args.color, io.env, io.stdoutIsTTY);
    const shown = args.quiet ? quietReport(report) : report;
    emit(await reporter(shown, { cwd: io.cwd, color: args.outputFile ? false : color, maxWarnings: args.maxWarnings, quiet: args.quiet, version: pkg.version, includeSource: true, width: args.outputFile ? undefined : io.columns }));
  }

  const errors = report.results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = report.results.reduce((n, r) => n + r.warningCount, 0);
  if (writeFailed) return 2;
  if (errors > 0) return 1;
  if (args.maxWarnings !== undefined && args.maxWarnings >= 0 && warnings > args.maxWarnings) {
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

/** What the command line asks for: paths (and standard input), else the config's machines. */
function collectRequested(args: CliArgs, io: CliIo, setup: RunSetup): CollectedRun {
  if (args.paths.length > 0 || args.root || args.stdin || args.live) return gather(args.paths, args, io.cwd, setup);
  if (setup.config.machines && setup.config.machines.length > 0) {
    const discovery = configCollectOptions(setup.config, setup.baseDir);
    return {
      machines: setup.config.machines.map((m, i) => {
        const collected = machineInputs(m, setup.baseDir, discovery);
        if (args.fix) confineToProject(collected, setup.baseDir, `machines[${i}] (${machineLabel(m, i)})`);
        return { name: machineLabel(m, i), ...collected };
      }),
      groupings: [],
    };
  }
  throw new UsageError(`nothing to ${args.command === 'list-inputs' ? 'list' : 'lint'}: give files or directories, or describe machines in a config file (see vfio-lint --help)`);
}

/** Lint what the command line asks for, machine by machine. */
function lintRequested(args: CliArgs, io: CliIo, setup: RunSetup, options: LintOptions, readLive: typeof readLiveMachine | undefined): LintReport {
  const named = args.paths.length > 0 ? args.paths.length : (setup.config.machines ?? []).reduce((n, m) => n + (m.domains?.length ?? 0) + (m.files?.length ?? 0), 0);
  tuneHeap(named);
  const run = collectRequested(args, io, setup);
  for (const g of run.groupings) io.stderr(`vfio-lint: ${g}\n`);
  for (const m of run.machines) for (const s of m.skipped) if (s.note) io.stderr(`vfio-lint: skipped ${relative(io.cwd, s.path) || s.path}: ${s.reason}\n`);
  const texts = new Map<string, string>();
  if (args.stdin) {
    const first = run.machines[0]!;
    const bytes = readStdin(io);
    const filePath = resolve(io.cwd, args.stdinFilename ?? '<stdin>');
    const decoded = decode(bytes);
    if (!decoded.ok) {
      first.unusable.push({ path: filePath, message: `${decoded.message} (at byte ${decoded.byteOffset})` });
    } else {
      const given = stdinInput(decoded.text, filePath, args.kind, run.machines.flatMap((m) => m.files));
      if ('problem' in given) {
        first.unusable.push({ path: filePath, message: given.problem });
      } else {
        if (!given.replaces) first.files.push(given.input);
        texts.set(given.input.realPath, decoded.text);
      }
    }
  }
  const machines = liveMachines(run, args, io, readLive);
  tuneHeap(machines.reduce((n, m) => n + m.files.length, 0));
  const reports = machines.map((m, i) => ({ label: m.name ?? `#${i + 1}`, report: lintCollected(m.files, m.unusable, setup, { ...options, ...(args.stdin ? { texts } : {}), ...(m.live ? { live: m.live } : {}) }) }));
  return mergeReports(reports);
}

/** `--list-inputs`: each machine's files with their kind and why, then what was passed over and why. */
function listInputs(run: CollectedRun, cwd: string): string {
  const show = (p: string) => relative(cwd, p) || '.';
  const lines: string[] = [];
  for (const g of run.groupings) lines.push(`# ${g}`);
  const many = run.machines.length > 1;
  for (const m of run.machines) {
    if (many || m.name) lines.push(`machine ${m.name ?? '(the paths given)'}:`);
    for (const f of m.files) lines.push(`  ${show(f.displayPath)}\t${f.kind}\t${f.systemPath}\t${f.why ?? ''}${f.masked ? ' (masked)' : ''}`);
    for (const d of m.folders) lines.push(`  ${show(d.path)}/\t${d.kind}\t-\t${d.why}`);
    for (const u of m.unusable) lines.push(`  ${show(u.path)}\tunusable\t-\t${u.message}`);
  }
  const skipped = run.machines.flatMap((m) => m.skipped);
  if (skipped.length > 0) {
    lines.push('skipped:');
    for (const s of skipped) lines.push(`  ${show(s.path)}\t${s.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `--fix` with no paths fixes what the config's machines name: a config found in a parent directory
 * (or a cloned project's) could point anywhere, so it may only have files inside its own directory
 * rewritten. Files outside must be named on the command line, where the user sees them.
 */
function confineToProject(collected: { files: readonly InputFile[] }, baseDir: string, which: string): void {
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
  for (const u of report.undone) io.stderr(`vfio-lint: a fix by ${u.ruleId} in ${oneLine(u.path)} was not applied: ${oneLine(undoneWhy(u))}\n`);
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

function gather(paths: readonly string[], args: CliArgs, cwd: string, setup: RunSetup): CollectedRun {
  // A file the user named that cannot be opened fails the run, as a missing one does.
  for (const given of paths) {
    const abs = resolve(cwd, given);
    if (!existsSync(abs)) continue; // collectMachines says so, with the right words
    const why = unreadableReason(abs);
    if (why) throw new InputError(`${given}: ${why}`);
  }
  const discovery = configCollectOptions(setup.config, setup.baseDir);
  const kindPatterns = [...discovery.kindPatterns, ...args.kindPatterns.map((k) => ({ ...k, base: cwd }))];
  const run = collectMachines(paths, { ...discovery, kind: args.kind, kindPatterns, cwd });
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
    const first: CollectedMachine = run.machines[0]!;
    const seen = new Set(run.machines.flatMap((m) => m.files.map((f) => f.realPath)));
    for (const f of tree.files) if (!seen.has(f.realPath)) first.files.push(f);
    first.unusable.push(...tree.problems);
  }
  return run;
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
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return dir;
}

/** A built-in rule's page: docs/rules/<id>.md, in a checkout and in the package alike. */
function docsPage(id: string): string | undefined {
  const root = packageRoot();
  const p = join(root, 'docs', 'rules', `${id}.md`);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

function explain(id: string, rules: readonly Rule[], io: CliIo): number {
  const known = rules.find((r) => r.meta.id === id);
  if (!known) throw new UsageError(`unknown rule "${id}"${didYouMean(id, rules.map((r) => r.meta.id))} (see vfio-lint --list-rules)`);
  if (!builtinRules.some((r) => r.meta.id === id)) {
    // A plugin's rule has no page here: its description and the page it names, if any.
    io.stdout(`${id}: ${known.meta.description}\n${known.meta.docs ? `\n${known.meta.docs}\n` : ''}`);
    return 0;
  }
  const page = docsPage(id);
  // Every built-in rule has a page (test/rules checks it); a missing one is a broken install, not a reason to print less.
  if (page === undefined) throw new InputError(`the documentation page of ${id} is missing from this installation (${join(packageRoot(), 'docs', 'rules', `${id}.md`)}); see ${builtinDocsUrl(id)}`);
  io.stdout(page);
  return 0;
}

function ruleRow(r: Rule) {
  return { id: r.meta.id, severity: r.meta.severity === 'warning' ? 'warn' : r.meta.severity, fixable: r.meta.fixable ?? null, category: r.meta.category, description: r.meta.description };
}

function listRules(rules: readonly Rule[]): string {
  const rows = rules.map((r) => {
    const row = ruleRow(r);
    return [row.id, row.severity, row.fixable ?? '-', row.category, row.description];
  });
  const head = ['RULE', 'SEVERITY', 'FIX', 'CATEGORY', 'DESCRIPTION'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) => cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

/** `--list-rules --format json`: one object per rule; the table is the only other form. */
function listRulesJson(rules: readonly Rule[], format: string): string {
  if (format !== 'json') throw new UsageError(`--list-rules prints a table, or JSON with --format json (got --format ${format})`);
  return `${JSON.stringify(rules.map((r) => ({ ...ruleRow(r), scope: r.meta.scope, requires: r.meta.requires, recommended: r.meta.recommended !== false, ...(r.meta.docs ? { docs: r.meta.docs } : {}) })), null, 2)}\n`;
}

/**
 * The configuration in effect, as JSON: the file's settings with every rule's resolved severity (and
 * options, when it has some). With a FILE, as ESLint's `--print-config FILE`: the overrides whose
 * `files` match it are applied to the rules (after `--rule`, as they are when linting), and left out.
 */
function printConfig(setup: RunSetup, cliRules: Record<string, RuleSetting>, paths: readonly string[], cwd: string) {
  if (paths.length > 1) throw new UsageError('--print-config takes at most one file');
  const states = resolveRuleStates(setup.allRules, setup.config, cliRules, '--rule');
  const { overrides, ...rest } = setup.config;
  let shown: Config = setup.config;
  if (paths.length === 1) {
    const rel = relative(setup.baseDir, resolve(cwd, paths[0]!));
    for (const o of overrides ?? []) {
      if (!matchesAny(rel, o.files)) continue;
      for (const [id, setting] of Object.entries(o.rules)) {
        const s = states.get(id)!;
        states.set(id, { ...s, severity: parseSeverity(Array.isArray(setting) ? setting[0] : setting, 'overrides') });
      }
    }
    shown = rest;
  }
  const rules: Record<string, unknown> = {};
  for (const [id, s] of states) {
    const severity = s.severity === 'warning' ? 'warn' : s.severity;
    rules[id] = Object.keys(s.options).length > 0 ? [severity, s.options] : severity;
  }
  if (setup.config.reportUnusedSuppressions === false) rules['unused-suppression'] = 'off';
  return { ...shown, extends: setup.config.extends ?? 'recommended', rules };
}
