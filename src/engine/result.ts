import type { Diagnostic } from './diagnostic.js';
import type { RuleMeta } from './rule.js';
import type { SkippedRule, RuleFailure } from './run.js';
import type { AppliedFix, UndoneFix } from './fix-loop.js';
import type { FileKind } from '../model/machine.js';

/** Findings for one file, in the spirit of ESLint's LintResult. */
export interface LintResult {
  filePath: string;
  /** What the file was read as; undefined when it could not be classified or read. */
  kind: FileKind | undefined;
  messages: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** Findings at `info` severity (ESLint has no such level; they count as warnings in `severity`). */
  infoCount: number;
  fatalErrorCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  /** Info findings with a fix (ESLint's JSON folds them into fixableWarningCount, as it does infoCount). */
  fixableInfoCount: number;
  /** The text that was linted. */
  source: string | undefined;
  /** The fixed text, when fixing changed it. */
  output: string | undefined;
  /** Where the file really is (symlinks resolved inside its tree): what `--fix` writes. */
  realPath?: string;
  /** Its place on the machine, e.g. /etc/modprobe.d/vfio.conf. */
  systemPath?: string;
  /** How it was stored, so a fixed file is written back the same way. */
  stored?: { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; bom: boolean; mode: number | undefined };
}

export interface LintReport {
  results: LintResult[];
  /** Rules that did not run because an input they need was not given, and why. */
  skippedRules: SkippedRule[];
  /** Rules that threw: the run is not trustworthy and the CLI exits 2. */
  failures: RuleFailure[];
  /** Metadata of every rule that ran or was skipped, by id. */
  rulesMeta: Record<string, RuleMeta>;
  applied: AppliedFix[];
  undone: UndoneFix[];
}

/** What a result is before its findings are counted. */
export type UncountedResult = Pick<LintResult, 'filePath' | 'kind' | 'messages' | 'source' | 'output' | 'realPath' | 'systemPath' | 'stored'>;

/** A result with its counts. One object literal, so every result has the same shape (a spread made each a slow copy). */
export function countResult(result: UncountedResult): LintResult {
  let errorCount = 0;
  let warningCount = 0;
  let infoCount = 0;
  let fatalErrorCount = 0;
  let fixableErrorCount = 0;
  let fixableWarningCount = 0;
  let fixableInfoCount = 0;
  for (const m of result.messages) {
    if (m.severity === 'error') {
      errorCount++;
      if (m.parseFailure) fatalErrorCount++;
      if (m.fix) fixableErrorCount++;
    } else if (m.severity === 'warning') {
      warningCount++;
      if (m.fix) fixableWarningCount++;
    } else {
      infoCount++;
      if (m.fix) fixableInfoCount++;
    }
  }
  return {
    filePath: result.filePath,
    kind: result.kind,
    messages: result.messages,
    errorCount,
    warningCount,
    infoCount,
    fatalErrorCount,
    fixableErrorCount,
    fixableWarningCount,
    fixableInfoCount,
    source: result.source,
    output: result.output,
    realPath: result.realPath,
    systemPath: result.systemPath,
    stored: result.stored,
  };
}
