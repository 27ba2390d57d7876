import type { CommentContext } from '../../core/comments.js';
import type { ParseProblem } from '../../core/problem.js';
import { tokenizeCmdline, type KernelParam } from '../cmdline/index.js';

/**
 * The generated GRUB configuration (/boot/grub/grub.cfg), read for one thing: the kernel
 * command line of each menu entry. Only block structure (`menuentry`/`submenu`/`function`
 * ... `{`, a closing `}`) and the `linux`/`linuxefi`/`linux16` lines inside a menu entry are
 * parsed; everything else in the file (conditions, `set`, `search`, `insmod`) is skipped.
 * This is what grub-mkconfig's 10_linux writes: one command a line, each block's `{` ending
 * its opening line and its `}` on a line of its own.
 */
export interface GrubCfgFile {
  /** Menu entries in file order, those inside submenus included. */
  entries: GrubMenuEntry[];
  problems: ParseProblem[];
  comments: CommentContext[];
}

export interface GrubMenuEntry {
  /** The title as GRUB shows it (its quotes removed). */
  title: string;
  titleStart: number;
  titleEnd: number;
  /** Offset of the `menuentry` keyword. */
  start: number;
  /** The titles of the submenus it is in, outermost first (empty at the top level). */
  submenus: string[];
  /** The first `linux` command of the entry; undefined for entries that boot no Linux kernel (firmware setup, memtest, chainloaders). */
  linux: GrubLinuxLine | undefined;
}

export interface GrubLinuxLine {
  /** `linux`, `linuxefi` or `linux16`. */
  command: string;
  /** The whole command, keyword to the end of its arguments. */
  start: number;
  end: number;
  /** The kernel image path. */
  kernel: string;
  /** The kernel's parameters, offsets into the file. GRUB variables (`$vt_handoff`) are kept as written. */
  params: KernelParam[];
}

const LINUX = /^(linux|linuxefi|linux16)$/;

export function parseGrubCfg(text: string): GrubCfgFile {
  const entries: GrubMenuEntry[] = [];
  const problems: ParseProblem[] = [];
  const comments: GrubCfgFile['comments'] = [];
  // The open blocks, innermost last: a submenu's title, a menu entry, or any other `{` block.
  const stack: Array<{ kind: 'submenu'; title: string } | { kind: 'entry'; entry: GrubMenuEntry } | { kind: 'other' }> = [];
  let at = 0;
  while (at <= text.length) {
    const nl = text.indexOf('\n', at);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(at, lineEnd);
    const lead = line.length - line.trimStart().length;
    const body = line.trimEnd();
    const start = at + lead;
    if (body.trim().startsWith('#')) comments.push({ start, end: at + body.length, body: body.slice(lead) });
    else if (body.trim() === '}') {
      if (stack.pop() === undefined) problems.push({ start, end: start + 1, severity: 'warning', code: 'grub-cfg-unbalanced', message: 'a `}` closes no block' });
    } else if (body.trim() !== '') {
      const word = /^\S+/.exec(body.slice(lead))![0];
      const opens = body.endsWith('{');
      if (word === 'menuentry' || word === 'submenu') {
        const title = quotedTitle(text, start + word.length, at + body.length);
        if (!opens) problems.push({ start, end: start + word.length, severity: 'warning', code: 'grub-cfg-layout', message: `this \`${word}\` does not end its line with \`{\`: vfio-lint reads grub.cfg as grub-mkconfig writes it and skips this entry` });
        else if (word === 'submenu') stack.push({ kind: 'submenu', title: title?.text ?? '' });
        else {
          const entry: GrubMenuEntry = {
            title: title?.text ?? '',
            titleStart: title?.start ?? start,
            titleEnd: title?.end ?? start + word.length,
            start,
            submenus: stack.flatMap((b) => (b.kind === 'submenu' ? [b.title] : [])),
            linux: undefined,
          };
          entries.push(entry);
          stack.push({ kind: 'entry', entry });
        }
      } else if (opens) stack.push({ kind: 'other' });
      else if (LINUX.test(word)) {
        const entry = innermostEntry(stack);
        if (entry && !entry.linux) entry.linux = linuxLine(text, word, start, at + body.length);
      }
    }
    if (nl < 0) break;
    at = nl + 1;
  }
  if (stack.length > 0) problems.push({ start: text.length, end: text.length, severity: 'warning', code: 'grub-cfg-unbalanced', message: `${stack.length} block(s) not closed at the end of the file` });
  return { entries, problems, comments };
}

function innermostEntry(stack: ReadonlyArray<{ kind: string; entry?: GrubMenuEntry }>): GrubMenuEntry | undefined {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.kind === 'entry') return stack[i]!.entry;
  return undefined;
}

/** The first word after `menuentry`/`submenu`: a quoted title (`'...'` or `"..."`) or a bare word. */
function quotedTitle(text: string, from: number, end: number): { text: string; start: number; end: number } | undefined {
  let i = from;
  while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
  if (i >= end) return undefined;
  const q = text[i];
  if (q === "'" || q === '"') {
    const close = text.indexOf(q, i + 1);
    if (close < 0 || close >= end) return undefined;
    return { text: text.slice(i + 1, close), start: i + 1, end: close };
  }
  let j = i;
  while (j < end && !/\s/.test(text[j]!)) j++;
  return { text: text.slice(i, j), start: i, end: j };
}

/** `linux PATH ARGS...`: the path, then the arguments as the kernel splits them. */
function linuxLine(text: string, command: string, start: number, end: number): GrubLinuxLine {
  let i = start + command.length;
  while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
  let j = i;
  while (j < end && text[j] !== ' ' && text[j] !== '\t') j++;
  const kernel = text.slice(i, j);
  const params = tokenizeCmdline(text.slice(j, end), undefined, undefined, j);
  return { command, start, end, kernel, params };
}
