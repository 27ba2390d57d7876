import { capabilitiesKind, domainKind } from './xml.js';
import { blsEntryKind, grubCfgKind, grubKind, kernelCmdlineKind, procCmdlineKind } from './boot.js';
import { initramfsModulesKind, modprobeKind, modulesLoadKind } from './modules.js';
import { sysctlKind } from './sysctl.js';
import { dracutKind, mkinitcpioKind } from './initramfs.js';
import { snapshotKind } from './snapshot.js';
import { createRegistry } from './registry.js';
import type { DirectoryKindEntry, ParseOutput } from './types.js';

/**
 * Every built-in kind of input file. Adding a kind is one entry here plus its
 * parser: the kind's name joins `FileKind`, `--kind`, the config's `files[].kind`,
 * path and content classification, and parse dispatch from this list.
 */
export const BUILTIN_FILE_KINDS = [
  domainKind,
  capabilitiesKind,
  grubKind,
  kernelCmdlineKind,
  blsEntryKind,
  procCmdlineKind,
  grubCfgKind,
  modprobeKind,
  sysctlKind,
  mkinitcpioKind,
  dracutKind,
  initramfsModulesKind,
  modulesLoadKind,
] as const;

/**
 * Directory-shaped kinds: a folder read as a whole (a host snapshot of /proc and
 * /sys). A reader is registered by adding its entry here; discovery then hands it
 * every folder its `detect` accepts, instead of walking into it.
 */
export const BUILTIN_DIRECTORY_KINDS: readonly DirectoryKindEntry[] = [snapshotKind as DirectoryKindEntry];

/** The registry the program uses. */
export const KINDS = createRegistry(BUILTIN_FILE_KINDS, BUILTIN_DIRECTORY_KINDS);

/** What one file is, decided by where it sits and, failing that, by its content. */
export type FileKind = (typeof BUILTIN_FILE_KINDS)[number]['name'];

export const FILE_KINDS: readonly FileKind[] = KINDS.names;

/** The libvirt XML kinds, known by their root element; every other kind is a host configuration file. */
export function isXmlKind(kind: FileKind): kind is 'domain' | 'capabilities' {
  return KINDS.get(kind)?.xmlRoot !== undefined;
}

/** Each file kind's parse result, tagged so consumers narrow on `kind`; `none` for a file that could not be read. */
export type ParsedAst = { kind: 'none' } | ReturnType<(typeof BUILTIN_FILE_KINDS)[number]['parse']>['ast'];

/** The longest line-based host file parsed (modprobe.d, sysctl.d, module lists, kernel command lines, loader entries). */
export const MAX_LINE_FILE_CHARS = 1024 * 1024;
const LINE_KINDS: ReadonlySet<FileKind> = new Set(['kernel-cmdline', 'proc-cmdline', 'bls-entry', 'modprobe', 'sysctl', 'initramfs-modules', 'modules-load']);

/** Parse a text as a file of `kind`. Parsers never throw; a domain file whose root is not <domain> is fatal. */
export function parseByKind(kind: FileKind, text: string): ParseOutput<Exclude<ParsedAst, { kind: 'none' }>> {
  // Line-based host files: real ones are a few KiB. Their syntax trees and findings cost up to about
  // 200 bytes per character (a file of bad lines), so a longer one is refused rather than held.
  if (LINE_KINDS.has(kind) && text.length > MAX_LINE_FILE_CHARS) {
    const empty = parseByKind(kind, '');
    const message = `a ${kind} file of ${text.length} characters is too long to lint (the limit is ${MAX_LINE_FILE_CHARS}; real ones are a few KiB)`;
    return { ...empty, problems: [{ start: 0, end: 0, severity: 'fatal', code: 'too-long', message }] };
  }
  return KINDS.parse(kind, text) as ParseOutput<Exclude<ParsedAst, { kind: 'none' }>>;
}

export { createRegistry, percent, type Registry, type Classification } from './registry.js';
export { defineFileKind, defineDirectoryKind } from './define.js';
export { ACCEPT_CONFIDENCE, CONFIRM_CONFIDENCE, NAMED_CONFIDENCE } from './sniff.js';
export { xmlRootName } from './xml.js';
export type { DirectoryKindEntry, FileKindEntry, Feeds, FolderProbe, FolderRead, FolderFile, ParseOutput, Sniff } from './types.js';
