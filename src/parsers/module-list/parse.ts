import type { ParseProblem } from '../../core/problem.js';
import type { Range } from '../../core/range.js';
import { tokenizeCmdline } from '../cmdline/tokenize.js';
import type { Comment, KernelParam } from '../cmdline/types.js';
import { normalizeModuleName } from '../modprobe/names.js';
import type { ModuleRef } from '../modprobe/types.js';

/**
 * `initramfs-tools`: /etc/initramfs-tools/modules (update-initramfs skips only lines whose
 * first character is '#', then reads `module args` with the shell's `read`).
 * `modules-load`: modules-load.d/*.conf and Debian's /etc/modules as systemd-modules-load
 * reads them (lines are stripped; '#' or ';' as the first non-blank character is a comment;
 * the whole remaining line is one module name).
 */
export type ModuleListFlavor = 'initramfs-tools' | 'modules-load';

export interface ModuleListEntry extends Range {
  /** The first word of the line, with kmod's normalized name. */
  module: ModuleRef;
  /** Words after the module, tokenized as module parameters (only initramfs-tools passes them on). */
  args: KernelParam[];
  /** Span of the text after the module name (empty at `module.end` when there is none). */
  argsStart: number;
  argsEnd: number;
}

export interface ModuleListFile {
  kind: 'module-list';
  flavor: ModuleListFlavor;
  entries: ModuleListEntry[];
  comments: Comment[];
  problems: ParseProblem[];
}

/** The shell's IFS whitespace within a line. */
const isIfs = (c: number): boolean => c === 32 || c === 9;
/** systemd's strstrip() set. */
const isWs = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

const MODPROBE_WORDS = new Set(['options', 'softdep', 'blacklist', 'alias', 'install', 'remove', 'weakdep']);

export function parseModuleList(text: string, flavor: ModuleListFlavor): ModuleListFile {
  const entries: ModuleListEntry[] = [];
  const comments: Comment[] = [];
  const problems: ParseProblem[] = [];
  const itools = flavor === 'initramfs-tools';
  const strippable = itools ? isIfs : isWs;
  let crlfReported = false;
  const n = text.length;
  let pos = 0;
  while (pos < n) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) lineEnd = n;
    const ls = pos;
    pos = lineEnd + 1;
    let a = ls;
    let b = lineEnd;
    if (itools && a < b && text.charCodeAt(a) === 35) {
      comments.push({ start: a, end: trimEnd(text, a, b, isWs), body: text.slice(a + 1, trimEnd(text, a, b, isWs)) });
      continue;
    }
    while (a < b && strippable(text.charCodeAt(a))) a++;
    while (b > a && strippable(text.charCodeAt(b - 1))) b--;
    if (a === b) continue;
    const first = text.charCodeAt(a);
    if (!itools && (first === 35 || first === 59)) {
      comments.push({ start: a, end: b, body: text.slice(a + 1, b) });
      continue;
    }
    let me = a;
    while (me < b && !isIfs(text.charCodeAt(me))) me++;
    let as = me;
    while (as < b && isIfs(text.charCodeAt(as))) as++;
    const written = text.slice(a, me);
    const module: ModuleRef = { text: written, start: a, end: me, verbatim: true, name: normalizeModuleName(written).name };
    const args = as < b ? tokenizeCmdline(text.slice(as, b), undefined, undefined, as) : [];
    entries.push({ start: a, end: b, module, args, argsStart: as < b ? as : me, argsEnd: as < b ? b : me });

    if (first === 35) {
      // Only initramfs-tools gets here: the build step keeps indented lines.
      comments.push({ start: a, end: b, body: text.slice(a + 1, b) });
      problems.push({ start: a, end: b, severity: 'warning', code: 'module-list-indented-comment',
        message: "a comment must start in the first column: update-initramfs reads this line as a module named '#'" });
    } else if (MODPROBE_WORDS.has(written)) {
      problems.push({ start: a, end: b, severity: 'error', code: 'module-list-modprobe-syntax',
        message: `'${written}' is modprobe.d syntax: in a module list this line loads a module named '${written}' (move it to a file in /etc/modprobe.d)` });
    } else if (!itools && as < b) {
      problems.push({ start: as, end: b, severity: 'error', code: 'module-list-extra-words',
        message: 'systemd-modules-load reads the whole line as one module name: put one module per line, and module options in modprobe.d' });
    }
    if (itools && !crlfReported && text.charCodeAt(b - 1) === 13) {
      crlfReported = true;
      problems.push({ start: b - 1, end: b, severity: 'warning', code: 'module-list-crlf',
        message: "Windows (CRLF) line ending: the '\\r' becomes part of the last word on the line" });
    }
  }
  return { kind: 'module-list', flavor, entries, comments, problems };
}

function trimEnd(text: string, a: number, b: number, isSep: (c: number) => boolean): number {
  while (b > a && isSep(text.charCodeAt(b - 1))) b--;
  return b;
}

/** The flavor for a path: `.../initramfs-tools/modules` is initramfs-tools; `/etc/modules` and modules-load.d files are modules-load. */
export function moduleListFlavorFor(path: string): ModuleListFlavor {
  return /(^|[\\/])initramfs-tools[\\/]modules$/.test(path) ? 'initramfs-tools' : 'modules-load';
}
