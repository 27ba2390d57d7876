import type { ParseProblem } from '../core/problem.js';
import type { FileKind } from '../model/machine.js';
import type { CommentContext } from '../engine/suppressions.js';
import { parseXml, type XmlDocument, type XmlElement } from './xml/index.js';
import { nonPosixProblems, parseShellVars, type ShellFile } from './shell-vars/index.js';
import { parseKernelCmdlineFile, parseProcCmdline, parseBlsEntry, type KernelCmdlineFile, type ProcCmdline, type BlsEntry } from './cmdline/index.js';
import { parseModprobe, type ModprobeFile } from './modprobe/index.js';
import { parseSysctl, type SysctlFile } from './sysctl/index.js';
import { parseModuleList, type ModuleListFile } from './module-list/index.js';
import { parseMkinitcpio, type MkinitcpioFile } from './initramfs/mkinitcpio.js';
import { parseDracut, type DracutFile } from './initramfs/dracut.js';

/** The longest line-based host file parsed (modprobe.d, sysctl.d, module lists, kernel command lines, loader entries). */
export const MAX_LINE_FILE_CHARS = 1024 * 1024;
const LINE_KINDS: ReadonlySet<FileKind> = new Set(['kernel-cmdline', 'proc-cmdline', 'bls-entry', 'modprobe', 'sysctl', 'initramfs-modules', 'modules-load']);

/** Each file kind's parse result, tagged so consumers narrow on `kind`. */
export type ParsedAst =
  | { kind: 'none' }
  | { kind: 'xml'; xml: XmlDocument }
  | { kind: 'grub'; file: ShellFile }
  | { kind: 'kernel-cmdline'; file: KernelCmdlineFile }
  | { kind: 'proc-cmdline'; file: ProcCmdline }
  | { kind: 'bls-entry'; file: BlsEntry }
  | { kind: 'modprobe'; file: ModprobeFile }
  | { kind: 'sysctl'; file: SysctlFile }
  | { kind: 'mkinitcpio'; file: MkinitcpioFile }
  | { kind: 'dracut'; file: DracutFile }
  | { kind: 'module-list'; file: ModuleListFile };

export interface ParseOutput {
  ast: ParsedAst;
  problems: ParseProblem[];
  comments: CommentContext[];
}

/** Parse a text as a file of `kind`. Parsers never throw; a domain file whose root is not <domain> is fatal. */
export function parseByKind(kind: FileKind, text: string): ParseOutput {
  // Line-based host files: real ones are a few KiB. Their syntax trees and findings cost up to about
  // 200 bytes per character (a file of bad lines), so a longer one is refused rather than held.
  if (LINE_KINDS.has(kind) && text.length > MAX_LINE_FILE_CHARS) {
    const empty = parseByKind(kind, '');
    const message = `a ${kind} file of ${text.length} characters is too long to lint (the limit is ${MAX_LINE_FILE_CHARS}; real ones are a few KiB)`;
    return { ...empty, problems: [{ start: 0, end: 0, severity: 'fatal', code: 'too-long', message }] };
  }
  switch (kind) {
    case 'domain':
    case 'capabilities': {
      const xml = parseXml(text);
      const problems = [...xml.problems];
      if (xml.root && !problems.some((p) => p.severity === 'fatal') && xml.root.name !== kind) {
        problems.push({ start: xml.root.start, end: xml.root.startTagEnd, severity: 'fatal', code: 'xml-wrong-root', message: `the root element is <${xml.root.name}>, expected <${kind}> for a ${kind === 'domain' ? 'libvirt domain' : 'capabilities'} file` });
      }
      return { ast: { kind: 'xml', xml }, problems, comments: text.includes('<!--') ? xmlComments(xml) : [] };
    }
    case 'grub': {
      const file = parseShellVars(text);
      // bash-only syntax breaks grub-mkconfig only where /bin/sh is dash (Debian, Ubuntu): a warning, not an error.
      const posix = nonPosixProblems(file).map((p) => ({ ...p, severity: 'warning' as const }));
      return { ast: { kind: 'grub', file }, problems: [...file.problems, ...posix].sort((a, b) => a.start - b.start), comments: file.comments };
    }
    case 'kernel-cmdline': {
      const file = parseKernelCmdlineFile(text);
      return { ast: { kind: 'kernel-cmdline', file }, problems: file.problems, comments: file.comments };
    }
    case 'proc-cmdline': {
      const file = parseProcCmdline(text);
      return { ast: { kind: 'proc-cmdline', file }, problems: file.problems, comments: file.comments };
    }
    case 'bls-entry': {
      const file = parseBlsEntry(text);
      return { ast: { kind: 'bls-entry', file }, problems: file.problems, comments: file.comments };
    }
    case 'modprobe': {
      const file = parseModprobe(text);
      return { ast: { kind: 'modprobe', file }, problems: file.problems, comments: file.comments };
    }
    case 'sysctl': {
      const file = parseSysctl(text);
      return { ast: { kind: 'sysctl', file }, problems: file.problems, comments: file.comments };
    }
    case 'mkinitcpio': {
      const file = parseMkinitcpio(text);
      return { ast: { kind: 'mkinitcpio', file }, problems: file.problems, comments: file.comments };
    }
    case 'dracut': {
      const file = parseDracut(text);
      return { ast: { kind: 'dracut', file }, problems: file.problems, comments: file.comments };
    }
    case 'initramfs-modules':
    case 'modules-load': {
      const file = parseModuleList(text, kind === 'initramfs-modules' ? 'initramfs-tools' : 'modules-load');
      return { ast: { kind: 'module-list', file }, problems: file.problems, comments: file.comments };
    }
  }
}

/** XML comments with what suppression directives need: the next sibling element and the enclosing element. */
function xmlComments(doc: XmlDocument): CommentContext[] {
  const out: CommentContext[] = [];
  // One backward pass per sibling list, carrying the nearest following element: linear in the siblings.
  const visit = (siblings: XmlDocument['children'], parent: XmlElement | undefined) => {
    let next: XmlElement | undefined;
    for (let i = siblings.length - 1; i >= 0; i--) {
      const node = siblings[i]!;
      if (node.type === 'element') next = node;
      else if (node.type === 'comment') {
        out.push({ start: node.start, end: node.end, body: node.value, nextElement: next && { start: next.start, end: next.end }, parentElement: parent && { start: parent.start, end: parent.end } });
      }
    }
  };
  // Iterative walk: documents may nest deeply.
  visit(doc.children, undefined);
  const stack: XmlElement[] = doc.root ? [doc.root] : [];
  while (stack.length > 0) {
    const el = stack.pop()!;
    visit(el.children, el);
    for (const c of el.children) if (c.type === 'element') stack.push(c);
  }
  return out.sort((a, b) => a.start - b.start);
}
