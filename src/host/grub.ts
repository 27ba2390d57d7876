import { posix } from 'node:path';
import type { ParsedFile } from '../model/file.js';
import { tokenizeCmdline, type KernelParam } from '../parsers/cmdline/index.js';
import { evaluateShellVars, joinValues, type ResolvedValue, type ShellAssignment, type ShellEvaluation } from '../parsers/shell-vars/index.js';
import type { Loc } from '../core/range.js';
import type { CmdlineBase, KernelParamFact } from './facts.js';
import { paramFact } from './params.js';
import { compareNames } from './dirs.js';

/**
 * The kernel command line grub-mkconfig writes for normal entries:
 * `${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}`, after sourcing
 * /etc/default/grub and then (Debian, Ubuntu) /etc/default/grub.d/*.cfg in
 * order (catalog 1.1.1). Each parameter keeps the file and offsets it was
 * written at, through quotes, continuations and `$VAR` expansions.
 */
/** /etc/default/grub (or /etc/sysconfig/grub) then /etc/default/grub.d/*.cfg in name order, as grub-mkconfig sources them. */
function grubFiles(files: readonly ParsedFile[]): { ordered: GrubFile[]; main: GrubFile | undefined } {
  // Only the grub kind parses to a grub AST; an unreadable file has none and is left out.
  const grub = files.filter((f): f is GrubFile => f.ast.kind === 'grub');
  const dropins = grub.filter((f) => f.systemPath.startsWith('/etc/default/grub.d/')).sort((a, b) => compareNames(posix.basename(a.systemPath), posix.basename(b.systemPath)));
  const mains = grub.filter((f) => !f.systemPath.startsWith('/etc/default/grub.d/'));
  const main = mains.find((f) => f.systemPath === '/etc/default/grub') ?? mains[0];
  return { ordered: main ? [main, ...dropins] : dropins, main };
}

type GrubFile = ParsedFile & { ast: Extract<ParsedFile['ast'], { kind: 'grub' }> };

function evaluateGrub(ordered: readonly GrubFile[]): ShellEvaluation {
  // grub-mkconfig starts with both command-line variables empty.
  return evaluateShellVars(ordered.map((f) => f.ast.file), { GRUB_CMDLINE_LINUX: '', GRUB_CMDLINE_LINUX_DEFAULT: '' });
}

/**
 * The kernel command line grub-mkconfig writes for normal entries:
 * `${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}`, after sourcing
 * /etc/default/grub and then (Debian, Ubuntu) /etc/default/grub.d/*.cfg in
 * order (catalog 1.1.1). Each parameter keeps the file and offsets it was
 * written at, through quotes, continuations and `$VAR` expansions.
 */
export function grubCmdline(files: readonly ParsedFile[]): CmdlineBase | undefined {
  const { ordered, main } = grubFiles(files);
  if (ordered.length === 0) return undefined;
  const ev = evaluateGrub(ordered);
  const parts = ['GRUB_CMDLINE_LINUX', 'GRUB_CMDLINE_LINUX_DEFAULT'].map((n) => ev.variables.get(n)).filter((v) => v !== undefined);
  const value = joinValues(parts.map((v) => v.value));
  const params: KernelParamFact[] = [];
  for (const p of tokenizeCmdline(value.text)) {
    const mapped = mapParam(p, value, ordered);
    if (mapped) params.push(mapped);
  }
  return { kind: 'grub', label: main?.systemPath ?? ordered[0]!.systemPath, file: main ?? ordered[0]!, params };
}

/** The two variables grub-mkconfig builds Linux command lines from. */
export type GrubCmdlineVariable = 'GRUB_CMDLINE_LINUX' | 'GRUB_CMDLINE_LINUX_DEFAULT';

/** A grub.d drop-in assignment that replaces a command-line variable instead of extending it. */
export interface GrubOverride {
  variable: GrubCmdlineVariable;
  /** The drop-in. */
  file: ParsedFile;
  assignment: ShellAssignment;
  /** The variable's name in the assignment. */
  nameLoc: Loc;
  /** The parameters the variable had before this assignment that its new value lacks, where each was written. */
  dropped: KernelParamFact[];
  /** The assignment that set the value it replaces. */
  replaces: { file: ParsedFile; nameLoc: Loc } | undefined;
  /** No later assignment changes the variable: this value is the one grub-mkconfig uses. */
  wins: boolean;
}

/** GRUB's settings files as grub-mkconfig reads them, and what a drop-in hides. */
export interface GrubSettings {
  /** The main file, then the drop-ins in the order they are sourced. */
  files: ParsedFile[];
  /** A command-line variable depends on something vfio-lint does not run (a command, a condition). */
  uncertain: boolean;
  /** grub.d assignments that discard parameters an earlier file set (Debian and Ubuntu source grub.d; upstream GRUB does not). */
  overrides: GrubOverride[];
}

const CMDLINE_VARIABLES: readonly GrubCmdlineVariable[] = ['GRUB_CMDLINE_LINUX', 'GRUB_CMDLINE_LINUX_DEFAULT'];

export function grubSettings(files: readonly ParsedFile[]): GrubSettings | undefined {
  const { ordered, main } = grubFiles(files);
  if (ordered.length === 0) return undefined;
  const ev = evaluateGrub(ordered);
  const uncertain = CMDLINE_VARIABLES.some((n) => {
    const v = ev.variables.get(n);
    return v !== undefined && (v.uncertain || v.value.dynamic);
  });
  const overrides: GrubOverride[] = [];
  // Only Debian's and Ubuntu's grub-mkconfig sources grub.d, and only after /etc/default/grub.
  const sourcesDropins = main === undefined || main.systemPath === '/etc/default/grub';
  ev.assignments.forEach((ea, i) => {
    const variable = ea.assignment.name as GrubCmdlineVariable;
    const file = ordered[ea.file]!;
    if (!sourcesDropins || !CMDLINE_VARIABLES.includes(variable) || !ea.applied || ea.assignment.conditional) return;
    if (!file.systemPath.startsWith('/etc/default/grub.d/') || ea.assignment.operator === '+=' || mentions(ea.assignment, variable)) return;
    const previous = ea.previous?.elements[0];
    // An empty or blank old value has no parameters to drop (the check below finds none).
    if (!previous) return;
    const kept = new Set(tokenizeCmdline(ea.value.text).map(tokenOf));
    const dropped = tokenizeCmdline(previous.text)
      .filter((p) => !kept.has(tokenOf(p)))
      .flatMap((p) => mapParam(p, previous, ordered) ?? []);
    if (dropped.length === 0) return;
    const before = ev.assignments.slice(0, i).filter((x) => x.assignment.name === variable && x.applied).at(-1);
    const later = ev.assignments.slice(i + 1).some((x) => x.assignment.name === variable && x.applied);
    const loc = (f: ParsedFile, a: ShellAssignment): Loc => ({ path: f.source.path, start: a.nameStart, end: a.nameEnd });
    overrides.push({
      variable,
      file,
      assignment: ea.assignment,
      nameLoc: loc(file, ea.assignment),
      dropped,
      replaces: before && { file: ordered[before.file]!, nameLoc: loc(ordered[before.file]!, before.assignment) },
      wins: !later,
    });
  });
  return { files: ordered, uncertain, overrides };
}

const tokenOf = (p: KernelParam) => (p.value === undefined ? p.key : `${p.key}=${p.value}`);

/** Does the assignment's value expand the variable it assigns (`"$GRUB_CMDLINE_LINUX ..."`, `${GRUB_CMDLINE_LINUX:+...}`)? */
function mentions(a: ShellAssignment, name: string): boolean {
  const words = a.word ? [a.word] : a.words;
  // Stryker disable next-line ConditionalExpression: only a param part has a name or an arg (literal, dynamic and empty-quote parts have neither); the check narrows the type
  const visit = (w: { parts: ShellAssignment['words'][number]['parts'] }): boolean => w.parts.some((p) => p.type === 'param' && (p.name === name || (p.arg !== undefined && visit(p.arg))));
  return words.some(visit);
}

/** Move a token of the evaluated value back to the file it was written in; undefined when it has no single home. */
function mapParam(p: KernelParam, value: ResolvedValue, files: readonly ParsedFile[]): KernelParamFact | undefined {
  const fileIndex = value.files[p.start];
  // Stryker disable next-line ConditionalExpression,LogicalOperator: unreachable from GRUB's values: a token starts inside the text (never undefined), and the only characters with no file (-1) are the spaces joinValues puts between values (both variables start empty), where no token starts
  if (fileIndex === undefined || fileIndex < 0 || value.files[p.end - 1] !== fileIndex) return undefined;
  const f = files[fileIndex]!;
  // The token's place is the run of it that reads forward through one file from its first character
  // (quotes between pieces are skipped over). Parts expanded from variables set earlier in the file
  // (`vfio-pci.ids=$A,$B`) lie before it: the place then covers what is written in place, and a value
  // outside that run gets no place of its own, so no edit is made on text that is not the value.
  let run = p.start + 1;
  while (run < p.end && value.files[run] === fileIndex && value.offsets[run]! > value.offsets[run - 1]!) run++;
  // The run starts at the token's first character and holds at least that one.
  const start = value.offsets[p.start]!;
  const end = value.offsets[run - 1]! + 1;
  // The value's place where all of it is written in the run; otherwise an empty place at the end,
  // which never reads as the value, so it is never edited. An empty value's place is just after
  // what precedes it: `a=""` between its quotes, `a=` at the end.
  const inPlace = p.valueEnd <= run;
  const valueEnd = inPlace ? value.offsets[p.valueEnd - 1]! + 1 : end;
  const valueStart = p.valueStart === p.valueEnd ? valueEnd : inPlace ? value.offsets[p.valueStart]! : end;
  // paramFact reads no name offsets, so the name's (offsets in the evaluated value) are not mapped.
  return paramFact(f.source, { ...p, start, end, valueStart, valueEnd });
}
