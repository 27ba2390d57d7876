import type { Loc } from '../core/range.js';
import type { ParsedFile } from '../model/file.js';
import { tokenizeCmdline } from '../parsers/cmdline/index.js';
import type { CmdlineSource, KernelParamFact } from './facts.js';
import { paramFact } from './params.js';

/**
 * The boot configuration the boot loader reads, as generated from the files a person edits:
 * GRUB's grub.cfg (written by grub-mkconfig from /etc/default/grub). Loader entries are
 * command-line sources of their own (`host.cmdlines`, kind `bls-entry`).
 */
export interface GrubConfigFacts {
  file: ParsedFile;
  /** Every menu entry that boots a Linux kernel, in file order. */
  entries: GeneratedEntry[];
  /**
   * The entry compared with /etc/default/grub: the first top-level one, which is what
   * grub-mkconfig's 10_linux writes first for the newest kernel and what `GRUB_DEFAULT=0`
   * boots. Its parameters are `${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}`, as are those
   * of every other normal entry 10_linux writes; recovery entries differ.
   */
  defaultEntry: GeneratedEntry | undefined;
}

export interface GeneratedEntry {
  title: string;
  titleLoc: Loc;
  /** The `linux` command. */
  lineLoc: Loc;
  params: KernelParamFact[];
}

/** The grub.cfg the loader reads: /boot/grub, then /boot/grub2, then a full copy on the ESP (current distros put a stub there). */
export function grubConfigFacts(files: readonly ParsedFile[]): GrubConfigFacts | undefined {
  const rank = (p: string) => (p === '/boot/grub/grub.cfg' ? 0 : p === '/boot/grub2/grub.cfg' ? 1 : 2);
  const candidates = files.filter((f) => f.ast.kind === 'grub-cfg').sort((a, b) => rank(a.systemPath) - rank(b.systemPath));
  for (const file of candidates) {
    if (file.ast.kind !== 'grub-cfg') continue;
    const path = file.source.path;
    const entries: GeneratedEntry[] = [];
    let defaultEntry: GeneratedEntry | undefined;
    for (const e of file.ast.file.entries) {
      if (!e.linux) continue;
      const entry = {
        title: e.title,
        titleLoc: { path, start: e.titleStart, end: e.titleEnd },
        lineLoc: { path, start: e.linux.start, end: e.linux.end },
        params: e.linux.params.map((p) => paramFact(file.source, p)),
      };
      entries.push(entry);
      if (!defaultEntry && e.submenus.length === 0) defaultEntry = entry;
    }
    // A stub that only loads the real grub.cfg (`configfile`) has no entries: look further.
    if (entries.length > 0 || candidates.length === 1) return { file, entries, defaultEntry };
  }
  return candidates.length > 0 && candidates[0]!.ast.kind === 'grub-cfg' ? { file: candidates[0]!, entries: [], defaultEntry: undefined } : undefined;
}

/**
 * Parameters a boot loader or its generator puts on the command line itself, never taken from the
 * file a person edits, so their presence or absence is no drift: GRUB's 10_linux writes `root=`
 * and `ro` (`rw` in Arch's and Manjaro's grub, whose PKGBUILD rewrites it, FS#36275; and
 * `rootflags=subvol=` on btrfs, `$vt_handoff` on Ubuntu); GRUB adds `BOOT_IMAGE=`
 * when it boots; systemd-boot passes `initrd=` for each initrd line to the EFI stub;
 * kernel-install's 90-loaderentry adds `systemd.machine_id=`. `ro` is also the kernel's own
 * default (the root is mounted read-only unless `rw` is given).
 */
const LOADER_ADDED = new Set(['root', 'ro', 'rw', 'rootflags', 'BOOT_IMAGE', 'initrd', 'vt.handoff', 'systemd.machine_id']);

/** Is this parameter one the boot loader adds (or a GRUB variable expanded at boot, such as `$vt_handoff`)? */
export function loaderAdded(p: { key: string; name: string }): boolean {
  return LOADER_ADDED.has(p.key) || p.name.startsWith('$');
}

/** A parameter for comparing two command lines: its key and its whole token (name as the kernel reads it, value as written). */
export interface ComparedParam {
  key: string;
  /** `key=value`: what is compared. */
  token: string;
  /** As written, for messages (`vfio-pci.ids=...`). */
  text: string;
  /** Where it is written; undefined for /proc/cmdline read from a live host or a snapshot's facts. */
  fact: KernelParamFact | undefined;
}

/** How two command lines differ, parameter by parameter (order aside), leaving out what the loader adds. */
export interface CmdlineDiff {
  /** Names `a` sets that `b` has not at all. */
  onlyA: ComparedParam[];
  /** Names `b` sets that `a` has not at all. */
  onlyB: ComparedParam[];
  /** Names both have, with other values (every occurrence of the name on each side). */
  changed: Array<{ key: string; a: ComparedParam[]; b: ComparedParam[] }>;
}

export function compared(params: readonly KernelParamFact[]): ComparedParam[] {
  return params.filter((p) => !p.afterDashDash && !loaderAdded(p)).map((p) => ({ key: p.key, token: p.value === undefined ? p.key : `${p.key}=${p.value}`, text: p.value === undefined ? p.name : `${p.name}=${p.value}`, fact: p }));
}

/** A command line given as text (/proc/cmdline from a live host or a snapshot). */
export function comparedText(text: string): ComparedParam[] {
  return tokenizeCmdline(text)
    .filter((p) => !p.afterDashDash && !loaderAdded(p))
    .map((p) => ({ key: p.key, token: p.value === undefined ? p.key : `${p.key}=${p.value}`, text: p.value === undefined ? p.name : `${p.name}=${p.value}`, fact: undefined }));
}

export function diffCmdlines(a: readonly ComparedParam[], b: readonly ComparedParam[]): CmdlineDiff {
  const group = (list: readonly ComparedParam[]) => {
    const m = new Map<string, ComparedParam[]>();
    for (const p of list) m.set(p.key, [...(m.get(p.key) ?? []), p]);
    return m;
  };
  const ga = group(a);
  const gb = group(b);
  const same = (x: ComparedParam[], y: ComparedParam[]) => {
    const sx = x.map((p) => p.token).sort();
    const sy = y.map((p) => p.token).sort();
    return sx.length === sy.length && sx.every((t, i) => t === sy[i]);
  };
  const diff: CmdlineDiff = { onlyA: [], onlyB: [], changed: [] };
  for (const [key, list] of ga) {
    const other = gb.get(key);
    if (!other) diff.onlyA.push(...list);
    else if (!same(list, other)) diff.changed.push({ key, a: list, b: other });
  }
  for (const [key, list] of gb) if (!ga.has(key)) diff.onlyB.push(...list);
  return diff;
}

export function diffIsEmpty(d: CmdlineDiff): boolean {
  return d.onlyA.length === 0 && d.onlyB.length === 0 && d.changed.length === 0;
}

/** A loader entry's title and version lines (for messages and for picking the newest). */
export function loaderEntryInfo(source: CmdlineSource): { title: string | undefined; version: string | undefined } {
  const ast = source.file.ast;
  if (ast.kind !== 'bls-entry') return { title: undefined, version: undefined };
  const line = (key: string) => ast.file.lines.find((l) => l.key === key)?.value;
  return { title: line('title'), version: line('version') };
}

/**
 * The entry systemd-boot boots by default when loader.conf names none: entries sort by version,
 * newest first (then by file name). Sort keys and machine ids, which come first in its order, are
 * the same for every entry one kernel-install writes, so they are left out.
 */
export function newestLoaderEntry(sources: readonly CmdlineSource[]): CmdlineSource | undefined {
  const entries = sources.filter((s) => s.kind === 'bls-entry');
  const key = (s: CmdlineSource) => loaderEntryInfo(s).version ?? s.file.systemPath;
  return entries.reduce<CmdlineSource | undefined>((best, s) => (best === undefined || compareVersions(key(s), key(best)) > 0 ? s : best), undefined);
}

/** Version order as systemd compares versions: runs of digits by value, other runs by text. */
export function compareVersions(a: string, b: string): number {
  const split = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const pa = split(a);
  const pb = split(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
