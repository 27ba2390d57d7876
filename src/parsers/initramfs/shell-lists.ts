import type { ParseProblem } from '../../core/problem.js';
import type { Range } from '../../core/range.js';
import { sliceValue } from '../shell-vars/evaluate.js';
import type { EvaluatedAssignment, ResolvedValue, ShellEvaluation } from '../shell-vars/evaluate.js';
import type { ParsedShellFile } from '../shell-vars/types.js';

/** Shared by the mkinitcpio and dracut readers: word lists held in shell variables. */

/** A problem in one of several files: `file` indexes the list the config was built from. */
export interface FileProblem extends ParseProblem {
  file: number;
}

/** One word of a list, located in the file it was written in. */
export interface ListEntry extends Range {
  /** The word as the tool sees it. */
  text: string;
  /**
   * Index (in the list of files given) of the file the word was written in; -1 when it has no
   * single place (it came from the environment only). `start`/`end` are offsets in that file
   * (0 when `file` is -1).
   */
  file: number;
  /** That file's text over `[start, end)` is exactly `text` (false across escapes, quotes or splices). */
  verbatim: boolean;
}

/** A kernel module named in a list. */
export interface ModuleEntry extends ListEntry {
  /** The name compared with other module names: `-` read as `_` (and for mkinitcpio, `?` and `.ko*` dropped). */
  module: string;
  /** mkinitcpio's trailing `?`: no error when the module is missing. */
  optional: boolean;
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10;

/** Split on default-IFS whitespace, keeping origins (mkinitcpio's `($MODULES)`, dracut's unquoted use). */
export function splitWords(v: ResolvedValue): ResolvedValue[] {
  const out: ResolvedValue[] = [];
  let start = -1;
  for (let i = 0; i <= v.text.length; i++) {
    const sep = i === v.text.length || isSpace(v.text.charCodeAt(i));
    if (!sep && start < 0) start = i;
    else if (sep && start >= 0) {
      out.push(sliceValue(v, start, i));
      start = -1;
    }
  }
  return out;
}

/** Locate a word: the file most of its characters came from, and the span they cover there. */
export function entryOf(v: ResolvedValue, files: readonly ParsedShellFile[]): ListEntry {
  let file = -1;
  for (let i = 0; i < v.files.length && file < 0; i++) if (v.files[i]! >= 0) file = v.files[i]!;
  if (file < 0) return { text: v.text, file: -1, start: 0, end: 0, verbatim: false };
  let min = Infinity;
  let max = -1;
  let single = true;
  for (let i = 0; i < v.offsets.length; i++) {
    if (v.files[i] !== file) {
      single = false;
      continue;
    }
    min = Math.min(min, v.offsets[i]!);
    max = Math.max(max, v.offsets[i]!);
  }
  const start = min;
  const end = max + 1;
  const verbatim = single && files[file]?.text.slice(start, end) === v.text;
  return { text: v.text, file, start, end, verbatim };
}

/** Kernel module name as the kernel and kmod compare it. */
export function moduleName(name: string): string {
  return name.replaceAll('-', '_');
}

/** The assignments that made a variable's current value: the last applied `=` and every `+=` after it. */
export function buildingAssignments(ev: ShellEvaluation, name: string): EvaluatedAssignment[] {
  const all = ev.assignments.filter((a) => a.applied && a.assignment.name === name);
  let from = 0;
  for (let i = all.length - 1; i >= 0; i--) {
    if (all[i]!.assignment.operator === '=') {
      from = i;
      break;
    }
  }
  // `unset NAME` in between also resets it, but then the variable is gone and nothing is listed.
  return ev.variables.has(name) ? all.slice(from) : [];
}

/**
 * GNU `sort -V` order (gnulib filevercmp): mkinitcpio sorts its drop-ins this way, and so does
 * dracut (`sort -Vu` in dropindirs_sort). Runs of digits compare as numbers; otherwise letters
 * sort before other characters and `~` before everything, even the end; a trailing
 * `.ext` suffix only breaks ties.
 */
export function compareSortV(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '' || b === '') return a === '' ? -1 : 1;
  // ".", then "..", then other hidden names, then the rest.
  if (a.startsWith('.') !== b.startsWith('.')) return a.startsWith('.') ? -1 : 1;
  if (a.startsWith('.')) {
    const ra = a === '.' ? 0 : a === '..' ? 1 : 2;
    const rb = b === '.' ? 0 : b === '..' ? 1 : 2;
    if (ra !== rb) return ra - rb;
  }
  const pa = prefixLength(a);
  const pb = prefixLength(b);
  let r = verrevcmp(a.slice(0, pa), b.slice(0, pb));
  if (r === 0 && !(pa === a.length && pb === b.length)) r = verrevcmp(a, b);
  // sort's last resort: plain comparison, so distinct names never tie.
  return r || (a < b ? -1 : 1);
}

/** Sort items by a name in `sort -V` order (stable). */
export function sortVersion<T>(items: readonly T[], name: (t: T) => string): T[] {
  return [...items].sort((x, y) => compareSortV(name(x), name(y)));
}

/** Length of the name without its suffix `(\.[A-Za-z~][A-Za-z0-9~]*)*$` (the first character always stays). */
function prefixLength(s: string): number {
  const n = s.length;
  let prefix = 0;
  let i = 0;
  while (i < n) {
    i++;
    prefix = i;
    while (i + 1 < n && s.charCodeAt(i) === 46 && (isAlpha(s.charCodeAt(i + 1)) || s.charCodeAt(i + 1) === 126)) {
      i += 2;
      while (i < n && (isAlpha(s.charCodeAt(i)) || isDigitCode(s.charCodeAt(i)) || s.charCodeAt(i) === 126)) i++;
    }
  }
  return prefix;
}

const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/** Debian's version comparison of two strings without epoch. */
function verrevcmp(a: string, b: string): number {
  const order = (s: string, i: number): number => {
    if (i >= s.length) return 0;
    const c = s.charCodeAt(i);
    if (isDigitCode(c)) return 0;
    if (isAlpha(c)) return c;
    if (c === 126) return -1;
    return c + 256;
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigitCode(a.charCodeAt(i))) || (j < b.length && !isDigitCode(b.charCodeAt(j)))) {
      const d = order(a, i) - order(b, j);
      if (d !== 0) return d;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    let first = 0;
    while (isDigitCode(a.charCodeAt(i)) && isDigitCode(b.charCodeAt(j))) {
      if (first === 0) first = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigitCode(a.charCodeAt(i))) return 1;
    if (isDigitCode(b.charCodeAt(j))) return -1;
    if (first !== 0) return first;
  }
  return 0;
}
