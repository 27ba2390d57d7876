import type { ParseProblem } from '../../core/problem.js';
import { evaluateShellVars } from '../shell-vars/evaluate.js';
import type { EvaluatedAssignment, ShellEvaluation } from '../shell-vars/evaluate.js';
import { parseShellVars } from '../shell-vars/parse.js';
import type { ParsedShellFile, ShellComment } from '../shell-vars/types.js';
import { buildingAssignments, entryOf, moduleName, splitWords, type ListEntry, type ModuleEntry } from './shell-lists.js';

/**
 * mkinitcpio.conf and mkinitcpio.conf.d/*.conf (catalog 1.4.1, 2.11). mkinitcpio sources
 * them with bash, main file first, then the drop-ins in `sort -V` order, so later
 * assignments win and `+=` appends. A list may be a bash array `MODULES=(a b)` or the old
 * string `MODULES="a b"`, which mkinitcpio splits on whitespace (`arrayize_config`).
 */

export type MkinitcpioListName = 'MODULES' | 'BINARIES' | 'FILES' | 'HOOKS';

/** Where a fix adds a word to a list: just before this ')' or closing quote. */
export interface ListInsertPoint {
  /** Index of the file in the list given. */
  file: number;
  offset: number;
  before: ')' | '"' | "'";
  /** The line also holds `$(`, a backquote, `;`, `&&` or `||`: report instead of editing. */
  noAutofix: boolean;
}

export interface MkinitcpioList<E extends ListEntry = ListEntry> {
  name: MkinitcpioListName;
  /** `array`: NAME=( ... ); `string`: the old NAME="a b" form; `unset`: never assigned. */
  form: 'array' | 'string' | 'unset';
  entries: E[];
  /** The assignments that built the value: the last plain `=` and each `+=` after it, in order. */
  assignments: EvaluatedAssignment[];
  /** Before the ')' / closing quote of the last of `assignments`; undefined when it has neither (unquoted string). */
  insertAt: ListInsertPoint | undefined;
  /** Part of the value is unknown: command substitution, a conditional assignment ... */
  uncertain: boolean;
}

export interface MkinitcpioConfig {
  evaluation: ShellEvaluation;
  modules: MkinitcpioList<ModuleEntry>;
  binaries: MkinitcpioList;
  files: MkinitcpioList;
  hooks: MkinitcpioList;
}

export interface MkinitcpioFile {
  kind: 'mkinitcpio';
  shell: ParsedShellFile;
  /** This file read on its own (file index 0). */
  config: MkinitcpioConfig;
  comments: ShellComment[];
  problems: ParseProblem[];
}

/** Parse one mkinitcpio config file. Never throws. */
export function parseMkinitcpio(text: string): MkinitcpioFile {
  const shell = parseShellVars(text);
  return { kind: 'mkinitcpio', shell, config: mkinitcpioConfig([shell]), comments: shell.comments, problems: shell.problems };
}

/**
 * The effective lists of several files read in order: mkinitcpio.conf first, then the
 * drop-ins sorted with `sortVersion(dropins, name)` (only when no `-c`/preset config is used).
 * Entry `file` indices refer to `files`.
 */
export function mkinitcpioConfig(files: readonly ParsedShellFile[]): MkinitcpioConfig {
  const evaluation = evaluateShellVars(files);
  const list = (name: MkinitcpioListName) => readList(evaluation, files, name);
  const modules = list('MODULES');
  return {
    evaluation,
    modules: { ...modules, entries: modules.entries.map(toModule) },
    binaries: list('BINARIES'),
    files: list('FILES'),
    hooks: list('HOOKS'),
  };
}

/**
 * mkinitcpio's add_module: a trailing `?` marks the module optional and is dropped, then
 * `${name%.ko*}` and `-` -> `_`.
 */
export function mkinitcpioModuleName(written: string): { module: string; optional: boolean } {
  const optional = written.endsWith('?');
  let name = optional ? written.slice(0, -1) : written;
  const ko = name.lastIndexOf('.ko');
  if (ko >= 0) name = name.slice(0, ko);
  return { module: moduleName(name), optional };
}

function toModule(e: ListEntry): ModuleEntry {
  return { ...e, ...mkinitcpioModuleName(e.text) };
}

function readList(ev: ShellEvaluation, files: readonly ParsedShellFile[], name: MkinitcpioListName): MkinitcpioList {
  const v = ev.variables.get(name);
  if (!v) return { name, form: 'unset', entries: [], assignments: [], insertAt: undefined, uncertain: false };
  const words = v.isArray ? v.elements : splitWords(v.value);
  const assignments = buildingAssignments(ev, name);
  const last = assignments[assignments.length - 1];
  return {
    name,
    form: v.isArray ? 'array' : 'string',
    entries: words.map((w) => entryOf(w, files)),
    assignments,
    insertAt: last && insertPoint(last),
    uncertain: v.uncertain || v.value.dynamic,
  };
}

export function insertPoint(ea: EvaluatedAssignment): ListInsertPoint | undefined {
  const a = ea.assignment;
  if (a.array) return a.closeParen === undefined ? undefined : { file: ea.file, offset: a.closeParen, before: ')', noAutofix: a.noAutofix };
  if (a.closeQuote === undefined || a.quoteChar === undefined) return undefined;
  return { file: ea.file, offset: a.closeQuote, before: a.quoteChar, noAutofix: a.noAutofix };
}
