import { existsSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, parseArgs, UsageError, type CliArgs } from './args.js';
import { lintCollected, setupRun, type LintOptions } from '../lint.js';
import { collectInputs, InputError, type InputFile } from '../pipeline/inputs.js';
import { discoverHostTree } from '../host/discover.js';
import { ConfigError, type Config } from '../config/config.js';
import { expandPaths } from '../config/expand.js';
import type { LintReport } from '../engine/result.js';
import { builtinRules } from '../rules/index.js';
import { writeAtomic } from '../io/write.js';
import { MAX_INPUT_BYTES } from '../io/read.js';
import { followUps } from './follow-ups.js';
import pkg from '../../package.json' with { type: 'json' };

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  readStdin: () => string;
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
    io.stderr(`vfio-lint: ${known ? msg : `internal error: ${msg}`}\n`);
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

  const options: LintOptions = {
    cwd: io.cwd,
    config: args.noConfig ? false : args.config,
    rules: Object.fromEntries(args.rules.map((r) => [r.id, r.severity as 'error'])),
    kind: args.kind,
    fix: args.fix || args.fixDryRun ? (args.fixSuggestions ? 'suggestions' : true) : false,
  };
  const setup = setupRun(options);
  if (args.command === 'print-config') {
    io.stdout(`${JSON.stringify(printableConfig(setup.config, setup.rules.map((r) => [r.rule.meta.id, r.severity] as const)), null, 2)}\n`);
    return 0;
  }
  // The format is checked before any work, so a typo costs nothing.
  const { loadReporter } = await import('../reporters/index.js');
  const reporter = loadReporter(args.format);

  const reports: LintReport[] = [];
  if (args.stdin) {
    const text = readStdin(io);
    const filePath = resolve(io.cwd, args.stdinFilename ?? '<stdin>');
    const collected = gather([...args.paths, ...(args.root ? [args.root] : [])], args, io.cwd);
    const inputs = collected.files.filter((f) => f.realPath !== filePath);
    const report = lintCollected(inputs, collected.unusable, setup, { ...options, texts: new Map([[filePath, text]]) });
    reports.push(report);
  } else if (args.paths.length > 0 || args.root) {
    const collected = gather(args.paths, args, io.cwd);
    reports.push(lintCollected(collected.files, collected.unusable, setup, options));
  } else if (setup.config.machines && setup.config.machines.length > 0) {
    for (const m of setup.config.machines) {
      const collected = machineInputs(m, setup.baseDir);
      reports.push(lintCollected(collected.files, collected.unusable, setup, options));
    }
  } else {
    throw new UsageError('nothing to lint: give files or directories, or describe machines in a config file (see vfio-lint --help)');
  }
  const report = mergeReports(reports);

  if (report.failures.length > 0) {
    for (const f of report.failures) io.stderr(`vfio-lint: rule ${f.ruleId} failed: ${f.message}\n${args.debug && f.stack ? `${f.stack}\n` : ''}`);
    return 2;
  }

  if (args.fixDryRun) {
    const { unifiedDiff } = await import('../reporters/diff.js');
    let diff = '';
    for (const r of report.results) if (r.output !== undefined && r.source !== undefined) diff += unifiedDiff(relative(io.cwd, r.filePath) || r.filePath, r.source, r.output);
    io.stdout(diff);
    for (const u of report.undone) io.stderr(`vfio-lint: a fix by ${u.ruleId} in ${u.path} was dropped: it would leave the file unparsable (${u.reason})\n`);
    return 0;
  }

  let writeFailed = false;
  if (args.fix) {
    for (const r of report.results) {
      if (r.output === undefined || !r.realPath || !r.stored) continue;
      const written = writeAtomic({ realPath: r.realPath, text: r.output, stored: r.stored });
      if (!written.ok) {
        io.stderr(`vfio-lint: could not write ${r.filePath}: ${written.message}\n`);
        writeFailed = true;
      }
    }
    for (const u of report.undone) io.stderr(`vfio-lint: a fix by ${u.ruleId} in ${u.path} was not applied: it would leave the file unparsable (${u.reason})\n`);
    for (const note of followUps(report)) io.stderr(`${note}\n`);
  }

  const color = args.color ?? (io.stdoutIsTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb') ?? false;
  const shown = args.quiet ? quietReport(report) : report;
  const out = reporter(shown, { cwd: io.cwd, color: args.outputFile ? false : color, maxWarnings: args.maxWarnings, quiet: args.quiet, version: pkg.version });
  if (args.outputFile) {
    writeFileSync(resolve(io.cwd, args.outputFile), out);
  } else {
    io.stdout(out);
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

function gather(paths: readonly string[], args: CliArgs, cwd: string) {
  const collected = collectInputs(paths, { kind: args.kind, cwd });
  if (args.root) {
    const root = resolve(cwd, args.root);
    if (!existsSync(root)) throw new InputError(`${args.root}: no such file or directory`);
    const tree = discoverHostTree(root, 'root');
    const seen = new Set(collected.files.map((f) => f.realPath));
    for (const f of tree.files) if (!seen.has(f.realPath)) collected.files.push(f);
    collected.unusable.push(...tree.problems);
  }
  return collected;
}

function machineInputs(m: NonNullable<Config['machines']>[number], baseDir: string): { files: InputFile[]; unusable: Array<{ path: string; message: string }> } {
  const domains = expandPaths(m.domains ?? [], baseDir);
  const files = expandPaths(m.files ?? [], baseDir);
  const paths = [...domains.paths, ...files.paths, ...(m.capabilities ? [resolve(baseDir, m.capabilities)] : []), ...(m.host ? [resolve(baseDir, m.host)] : [])];
  const collected = collectInputs(paths, { cwd: baseDir });
  for (const missing of [...domains.missing, ...files.missing]) collected.unusable.push({ path: resolve(baseDir, missing), message: `machine ${m.name ?? ''}: no file matches this pattern`.replace('  ', ' ') });
  return collected;
}

function mergeReports(reports: LintReport[]): LintReport {
  if (reports.length === 1) return reports[0]!;
  return {
    results: reports.flatMap((r) => r.results),
    skippedRules: reports.flatMap((r) => r.skippedRules).filter((s, i, all) => all.findIndex((o) => o.ruleId === s.ruleId) === i),
    failures: reports.flatMap((r) => r.failures),
    rulesMeta: Object.assign({}, ...reports.map((r) => r.rulesMeta)),
    applied: reports.flatMap((r) => r.applied),
    undone: reports.flatMap((r) => r.undone),
  };
}

function quietReport(report: LintReport): LintReport {
  return {
    ...report,
    results: report.results.map((r) => ({ ...r, messages: r.messages.filter((m) => m.severity === 'error'), warningCount: 0, infoCount: 0, fixableWarningCount: 0 })),
    skippedRules: [],
  };
}

function readStdin(io: CliIo): string {
  const text = io.readStdin();
  if (text.length > MAX_INPUT_BYTES) throw new InputError(`standard input is too large (the limit is ${MAX_INPUT_BYTES} bytes)`);
  return text;
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
  if (!known) throw new UsageError(`unknown rule "${id}" (see vfio-lint --list-rules)`);
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

function printableConfig(config: Config, enabled: ReadonlyArray<readonly [string, string]>) {
  return { ...config, rules: Object.fromEntries(enabled.map(([id, sev]) => [id, sev === 'warning' ? 'warn' : sev])) };
}

/** Read all of standard input, synchronously, up to the input limit. */
export function readAllStdin(): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.allocUnsafe(1 << 16);
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        // A non-blocking stdin with nothing yet: wait a little instead of spinning.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if ((err as NodeJS.ErrnoException).code === 'EOF') break;
      throw err;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
    if (total > MAX_INPUT_BYTES) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

