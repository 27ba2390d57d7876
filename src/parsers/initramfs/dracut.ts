import type { ParseProblem } from '../../core/problem.js';
import { evaluateShellVars } from '../shell-vars/evaluate.js';
import type { EvaluatedAssignment, ResolvedValue, ShellEvaluation } from '../shell-vars/evaluate.js';
import { parseShellVars } from '../shell-vars/parse.js';
import type { ParsedShellFile, ShellComment } from '../shell-vars/types.js';
import { buildingAssignments, entryOf, moduleName, splitWords, type FileProblem, type ListEntry, type ModuleEntry } from './shell-lists.js';

/**
 * dracut.conf and dracut.conf.d/*.conf (catalog 1.4.2, 2.11). dracut sources /etc/dracut.conf,
 * then the drop-ins of /usr/lib/dracut/dracut.conf.d and /etc/dracut.conf.d (same name: /etc
 * wins) in `sort -V` order, all in one bash. Lists are plain strings: `add_drivers+=" m "`
 * appends raw text, which is why each value needs a space on both sides; a `+=` without them
 * can glue two names into one (`dracut-list-spacing`).
 */

export type DracutDriverList = 'add_drivers' | 'force_drivers' | 'omit_drivers' | 'drivers';
export type DracutModuleList = 'add_dracutmodules' | 'omit_dracutmodules' | 'dracutmodules';
export type DracutFileList = 'install_items' | 'install_optional_items';

export interface DracutList<E extends ListEntry = ListEntry> {
  name: DracutDriverList | DracutModuleList | DracutFileList;
  /** The words, split on whitespace the way dracut splits them. */
  entries: E[];
  /** The raw value; undefined when unset. */
  value: ResolvedValue | undefined;
  /** The assignments that built the value: the last plain `=` and each `+=` after it. */
  assignments: EvaluatedAssignment[];
  uncertain: boolean;
}

export interface DracutConfig {
  evaluation: ShellEvaluation;
  /** Kernel modules added to the image. */
  addDrivers: DracutList<ModuleEntry>;
  /** Added and force-loaded early (`modprobe` before udev). */
  forceDrivers: DracutList<ModuleEntry>;
  omitDrivers: DracutList<ModuleEntry>;
  /** Replaces the default set of kernel modules. */
  drivers: DracutList<ModuleEntry>;
  addDracutModules: DracutList;
  omitDracutModules: DracutList;
  dracutModules: DracutList;
  /** Files copied into the image as they are (`install_items`, `install_optional_items`). */
  installItems: DracutList;
  installOptionalItems: DracutList;
  /** `hostonly=`: `enabled` only for exactly "yes", as dracut tests it; undefined when unset. */
  hostonly: { value: string; enabled: boolean; setBy: EvaluatedAssignment | undefined } | undefined;
  /** `dracut-list-spacing` findings; `file` indexes the files given. */
  problems: FileProblem[];
}

export interface DracutFile {
  kind: 'dracut';
  shell: ParsedShellFile;
  /** This file read on its own (file index 0). */
  config: DracutConfig;
  comments: ShellComment[];
  /** Shell problems and this file's `dracut-list-spacing` findings. */
  problems: ParseProblem[];
}

/** Parse one dracut config file. Never throws. */
export function parseDracut(text: string): DracutFile {
  const shell = parseShellVars(text);
  const config = dracutConfig([shell]);
  const problems: ParseProblem[] = [...shell.problems, ...config.problems.map(({ file: _file, ...p }) => p)];
  problems.sort((a, b) => a.start - b.start || a.end - b.end);
  return { kind: 'dracut', shell, config, comments: shell.comments, problems };
}

/** The effective configuration of several files read in order (see the module comment). */
export function dracutConfig(files: readonly ParsedShellFile[]): DracutConfig {
  const evaluation = evaluateShellVars(files);
  const drivers = (name: DracutDriverList): DracutList<ModuleEntry> => {
    const l = readList(evaluation, files, name);
    return { ...l, entries: l.entries.map((e) => ({ ...e, module: moduleName(e.text), optional: false })) };
  };
  const host = evaluation.variables.get('hostonly');
  return {
    evaluation,
    addDrivers: drivers('add_drivers'),
    forceDrivers: drivers('force_drivers'),
    omitDrivers: drivers('omit_drivers'),
    drivers: drivers('drivers'),
    addDracutModules: readList(evaluation, files, 'add_dracutmodules'),
    omitDracutModules: readList(evaluation, files, 'omit_dracutmodules'),
    dracutModules: readList(evaluation, files, 'dracutmodules'),
    installItems: readList(evaluation, files, 'install_items'),
    installOptionalItems: readList(evaluation, files, 'install_optional_items'),
    hostonly: host && { value: host.value.text, enabled: host.value.text === 'yes', setBy: host.setBy },
    problems: spacingProblems(evaluation),
  };
}

function readList(ev: ShellEvaluation, files: readonly ParsedShellFile[], name: DracutDriverList | DracutModuleList | DracutFileList): DracutList {
  const v = ev.variables.get(name);
  if (!v) return { name, entries: [], value: undefined, assignments: [], uncertain: false };
  return {
    name,
    entries: splitWords(v.value).map((w) => entryOf(w, files)),
    value: v.value,
    assignments: buildingAssignments(ev, name),
    uncertain: v.uncertain || v.value.dynamic,
  };
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10;

/**
 * Every scalar `+=` is checked (dracut's own check_conf_file warns for any key): a value
 * that does not start and end with whitespace is a warning; one that actually glues onto
 * the previous value's last word is an error.
 */
function spacingProblems(ev: ShellEvaluation): FileProblem[] {
  const out: FileProblem[] = [];
  for (const ea of ev.assignments) {
    const a = ea.assignment;
    if (!ea.applied || a.operator !== '+=' || a.array) continue;
    const text = ea.value.text;
    if (text.length === 0) continue;
    const prev = ea.previous && !ea.previous.isArray ? ea.previous.elements[0]?.text ?? '' : '';
    const range = { file: ea.file, start: a.valueStart, end: a.valueEnd };
    if (prev.length > 0 && !isSpace(prev.charCodeAt(prev.length - 1)) && !isSpace(text.charCodeAt(0))) {
      const left = prev.slice(lastWordStart(prev));
      const right = text.slice(0, firstWordEnd(text));
      out.push({
        ...range,
        severity: 'error',
        code: 'dracut-list-spacing',
        message: `${a.name}+= appends this value to '${left}' with no space between, so dracut reads one word '${left}${right}'; put a space at both ends: ${a.name}+=" ${text.trim()} "`,
      });
    } else if (!isSpace(text.charCodeAt(0)) || !isSpace(text.charCodeAt(text.length - 1))) {
      out.push({
        ...range,
        severity: 'warning',
        code: 'dracut-list-spacing',
        message: `${a.name}+= appends raw text, so a value without a space at both ends glues onto the words of any other ${a.name}+= line; write ${a.name}+=" ${text.trim()} "`,
      });
    }
  }
  return out;
}

function lastWordStart(s: string): number {
  let i = s.length;
  while (i > 0 && !isSpace(s.charCodeAt(i - 1))) i--;
  return i;
}

function firstWordEnd(s: string): number {
  let i = 0;
  while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
  return i;
}
