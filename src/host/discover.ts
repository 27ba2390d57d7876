import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { classifyByPath, classifyXml, xmlRootName } from '../model/classify.js';
import type { FileKind } from '../kinds/index.js';
import { describeFsError, notRegularReason, readInput, readPrefix } from '../io/read.js';
import { decodeHead } from '../io/sniff.js';
import type { Confinement, FileId } from '../io/confinement.js';

/** A file's bytes as read, and its mode (kept when `--fix` rewrites it). */
export interface Preread {
  bytes: Uint8Array;
  mode: number;
}

export interface DiscoveredFile {
  /** The file to read and (when fixing) to write: always inside the tree. */
  realPath: string;
  /** The path to show: where it sits in the tree as given, before symlinks. */
  displayPath: string;
  /** Its place on the machine the tree describes, e.g. `/etc/modprobe.d/vfio.conf`. */
  systemPath: string;
  kind: FileKind;
  /** A symlink to /dev/null: the file is masked (it hides same-named vendor files and says nothing). */
  masked: boolean;
  /** The file's bytes when classifying it already read them all (XML files): the lint uses them instead of reading again. */
  preread?: Preread;
  /** Not a file that can be written (a running domain's XML from virsh): why, said for a fix that would edit it. */
  readOnly?: string;
  /** Where reading and writing must find it: reached from this directory through no link, and (when known) this very file. */
  confine?: Confinement;
  /**
   * The host tree it was found in, when it was found at its place in one (see HostTreeRoot): where the
   * machine's other files (a ROM a domain names) can be looked up. Undefined for a file given alone,
   * and for a snapshot's files (a snapshot holds copies of chosen files, nothing else).
   */
  tree?: HostTreeRoot;
}

/**
 * A folder that stands for the machine's `/` (`root`), or, with `top`, only for its /etc (an etc
 * directory given alone: `root/top` is /etc and nothing else of the machine is known).
 */
export interface HostTreeRoot {
  root: string;
  top?: string;
}

export interface DiscoveryProblem {
  path: string;
  message: string;
}

export interface HostTree {
  /** The directory that stands for `/` on the described machine. */
  root: string;
  /** 'root' when the tree has etc/ and friends; 'etc' when only an etc directory was given. */
  shape: 'root' | 'etc';
  files: DiscoveredFile[];
  problems: DiscoveryProblem[];
}

/** Directories searched for drop-ins, in precedence order (an earlier one hides a same-named file in a later one). */
import { MODPROBE_DIRS, SYSCTL_DIRS, MODULES_LOAD_DIRS, compareNames } from './dirs.js';
export { MODPROBE_DIRS, SYSCTL_DIRS, MODULES_LOAD_DIRS, compareNames };

const SINGLE_FILES = [
  'etc/default/grub',
  'etc/sysconfig/grub',
  'etc/kernel/cmdline',
  'usr/lib/kernel/cmdline',
  'proc/cmdline',
  // The generated GRUB configuration (EFI copies under /boot/efi/EFI are stubs that load this one on current Debian, Ubuntu and Fedora).
  'boot/grub/grub.cfg',
  'boot/grub2/grub.cfg',
  'etc/modprobe.conf',
  'etc/sysctl.conf',
  'etc/mkinitcpio.conf',
  'etc/dracut.conf',
  'etc/initramfs-tools/modules',
  'etc/modules',
];
const DROPIN_DIRS: Array<{ dir: string; suffix: string }> = [
  { dir: 'etc/default/grub.d', suffix: '.cfg' },
  ...MODPROBE_DIRS.map((dir) => ({ dir, suffix: '.conf' })),
  ...SYSCTL_DIRS.map((dir) => ({ dir, suffix: '.conf' })),
  ...MODULES_LOAD_DIRS.map((dir) => ({ dir, suffix: '.conf' })),
  { dir: 'etc/mkinitcpio.conf.d', suffix: '.conf' },
  { dir: 'etc/dracut.conf.d', suffix: '.conf' },
  { dir: 'usr/lib/dracut/dracut.conf.d', suffix: '.conf' },
  { dir: 'boot/loader/entries', suffix: '.conf' },
  { dir: 'efi/loader/entries', suffix: '.conf' },
  { dir: 'boot/efi/loader/entries', suffix: '.conf' },
];
const ETC_MARKERS = ['default', 'modprobe.d', 'sysctl.d', 'sysctl.conf', 'mkinitcpio.conf', 'dracut.conf', 'kernel', 'initramfs-tools', 'libvirt', 'modules-load.d'];

/** Is this directory a host tree (a root containing etc/, or an etc directory)? */
export function hostTreeShape(dir: string): 'root' | 'etc' | undefined {
  if (isDir(join(dir, 'etc'))) return 'root';
  if (basename(dir) === 'etc') return 'etc';
  return ETC_MARKERS.some((m) => exists(join(dir, m))) ? 'etc' : undefined;
}

/**
 * Find the files of a host tree at their standard places. Symlinks are resolved
 * inside the tree: an absolute link target means the tree's root, never the real
 * `/`, and `..` stops at the root. Dangling links and loops are reported, not fatal.
 */
export function discoverHostTree(dir: string, shape: 'root' | 'etc' = hostTreeShape(dir) ?? 'root'): HostTree {
  // An etc directory given alone stands for /etc; only etc/ paths are looked up in it.
  const root = shape === 'root' ? dir : join(dir, '..');
  const etcName = shape === 'root' ? 'etc' : basename(dir);
  // An etc directory given alone is all the user gave: its parent is not part of the tree, so no link may lead there.
  const top = shape === 'root' ? undefined : etcName;
  const confineTo = (id: FileId | undefined): Confinement => ({ within: dir, id });
  const inTree: HostTreeRoot = top === undefined ? { root } : { root, top };
  const toTree = (rel: string) => (rel.startsWith('etc/') ? `${etcName}/${rel.slice(4)}` : rel);
  const wanted = (rel: string) => shape === 'root' || rel.startsWith('etc/');
  const tree: HostTree = { root, shape, files: [], problems: [] };

  const addFile = (rel: string, kind: FileKind | undefined) => {
    const display = join(root, toTree(rel));
    const resolved = resolveInRoot(root, toTree(rel), top);
    if (resolved.kind === 'missing') return;
    if (resolved.kind === 'error') {
      tree.problems.push({ path: display, message: resolved.message });
      return;
    }
    if (resolved.kind === 'masked') {
      const k = kind ?? classifyByPath(`/${rel}`);
      if (k) tree.files.push({ realPath: display, displayPath: display, systemPath: `/${rel}`, kind: k, masked: true, tree: inTree });
      return;
    }
    const notRegular = notRegularAt(resolved.path);
    if (notRegular) {
      tree.problems.push({ path: display, message: notRegular });
      return;
    }
    const k = kind ?? classifyByPath(`/${rel}`);
    if (k) tree.files.push({ realPath: resolved.path, displayPath: display, systemPath: `/${rel}`, kind: k, masked: false, confine: confineTo(resolved.id), tree: inTree });
  };

  for (const rel of SINGLE_FILES) if (wanted(rel)) addFile(rel, undefined);
  for (const { dir: d, suffix } of DROPIN_DIRS) {
    if (!wanted(d)) continue;
    for (const name of listDir(root, toTree(d), tree, top)) {
      if (name.startsWith('.') || !name.endsWith(suffix)) continue;
      addFile(`${d}/${name}`, undefined);
    }
  }
  // Domains libvirt keeps for this host, and any domain or capabilities XML at the top of the tree.
  // An etc/ path: wanted whatever the shape.
  for (const name of listDir(root, toTree('etc/libvirt/qemu'), tree, top)) if (name.endsWith('.xml')) addXml(`etc/libvirt/qemu/${name}`);
  if (shape === 'root') for (const name of listDir(root, '.', tree, top)) if (name.endsWith('.xml')) addXml(name);

  function addXml(rel: string) {
    const display = join(root, toTree(rel));
    const resolved = resolveInRoot(root, toTree(rel), top);
    if (resolved.kind !== 'file') {
      if (resolved.kind === 'error') tree.problems.push({ path: display, message: resolved.message });
      return;
    }
    const confine = confineTo(resolved.id);
    const { kind, preread } = sniffXmlFile(resolved.path, confine);
    if (kind) tree.files.push({ realPath: resolved.path, displayPath: display, systemPath: `/${rel}`, kind, masked: false, preread, confine, tree: inTree });
  }
  return tree;
}

/** libvirt documents that are not domains: a folder of domain XMLs may hold them, and they are not ours to lint. */
const OTHER_LIBVIRT_ROOTS = new Set(['network', 'networkport', 'pool', 'volume', 'secret', 'nwfilter', 'nwfilterbinding', 'interface', 'device', 'domainsnapshot', 'domaincheckpoint', 'domainbackup', 'storagepoolCapabilities', 'domainCapabilities']);

/** The classifiers look at the first 64 KiB of a file. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Classify an XML file by its root element. A file whose root cannot be read
 * (not well-formed, not UTF-8, unreadable) counts as a domain, so that the
 * parse reports what is wrong with it instead of it being skipped in silence; a
 * file with another libvirt root element is skipped. The whole file is read
 * (the lint needs it next, and one read is cheaper than a prefix and then the
 * rest); one over the input limit only by its first 64 KiB, and the read that
 * follows reports its size.
 */
export function sniffXmlFile(path: string, confine?: Confinement): { kind: FileKind | undefined; preread?: Preread } {
  const whole = readInput(path, undefined, confine);
  const read = whole.ok ? whole : whole.tooLarge ? readPrefix(path, SNIFF_BYTES, confine) : whole;
  if (!read.ok) return { kind: 'domain' };
  const preread = whole.ok ? whole : undefined;
  const text = decodeHead(read.bytes, whole.ok || read.bytes.length < SNIFF_BYTES);
  if (text === undefined) return { kind: 'domain', preread };
  const kind = classifyXml(text);
  if (kind) return { kind, preread };
  const root = xmlRootName(text);
  return root !== undefined && OTHER_LIBVIRT_ROOTS.has(root) ? { kind: undefined } : { kind: 'domain', preread };
}

function listDir(root: string, rel: string, tree: HostTree, top: string | undefined): string[] {
  const resolved = resolveInRoot(root, rel, top);
  if (resolved.kind === 'error') {
    tree.problems.push({ path: join(root, rel), message: resolved.message });
    return [];
  }
  if (resolved.kind !== 'file' || !isDir(resolved.path)) return [];
  try {
    return readdirSync(resolved.path).sort(compareNames);
  } catch (err) {
    tree.problems.push({ path: join(root, rel), message: describeFsError(err) });
    return [];
  }
}


export type Resolved =
  | { kind: 'file'; path: string; id?: FileId }
  | { kind: 'masked' }
  | { kind: 'missing' }
  | { kind: 'error'; message: string };

const MAX_LINKS = 40;

/**
 * Resolve `rel` inside `root` as if `root` were `/`: each symlink met on the way
 * is followed with absolute targets taken from `root` and `..` clamped at it. A
 * link to `/dev/null` masks the file (systemd's convention). With `top` (an
 * etc directory given alone), every step must stay inside `root/top`, and an
 * absolute `/etc/...` target means that directory.
 */
export function resolveInRoot(root: string, rel: string, top?: string): Resolved {
  const pending = rel.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  // How many of the leading pending parts came from a link's target: a missing one of those makes the link dangling.
  let fromLink = 0;
  // The identity of the last part looked at, when it is the file the path ends at.
  let id: FileId | undefined;
  const leaves = () => ({ kind: 'error' as const, message: `is a symbolic link that leads out of ${join(root, top!)}, the etc directory given; not followed (give the directory above it to lint the whole tree)` });
  while (pending.length > 0) {
    const part = pending.shift()!;
    const partFromLink = fromLink > 0;
    if (fromLink > 0) fromLink--;
    id = undefined;
    if (part === '..') {
      done.pop();
      continue;
    }
    if (top !== undefined && done.length === 0 && part !== top) return leaves();
    const here = join(root, ...done, part);
    let st;
    try {
      // Most paths a tree is probed for do not exist: undefined costs less than an exception.
      st = lstatSync(here, { throwIfNoEntry: false, bigint: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') return { kind: 'error', message: describeFsError(err) };
    }
    if (!st) {
      if (!partFromLink) return { kind: 'missing' };
      const target = `/${[...done, part, ...pending].join('/')}`;
      return { kind: 'error', message: `dangling symbolic link: ${target} does not exist in this tree (links resolve inside the tree, not on this machine)` };
    }
    if (!st.isSymbolicLink()) {
      done.push(part);
      id = { dev: st.dev, ino: st.ino };
      continue;
    }
    if (++links > MAX_LINKS) return { kind: 'error', message: 'too many levels of symbolic links (a symlink loop?)' };
    let target: string;
    try {
      target = readlinkSync(here);
    } catch (err) {
      return { kind: 'error', message: describeFsError(err) };
    }
    if (target === '/dev/null' && pending.length === 0) return { kind: 'masked' };
    if (target.startsWith('/')) done.length = 0;
    const targetParts = target.split('/').filter((p) => p !== '' && p !== '.');
    if (top !== undefined && target.startsWith('/')) {
      // Only /etc is in the tree: `/etc/...` means the etc directory given, whatever its name; any other absolute target leads out.
      if (targetParts[0] !== 'etc') return leaves();
      targetParts[0] = top;
    }
    pending.unshift(...targetParts);
    fromLink += targetParts.length;
  }
  if (top !== undefined && done[0] !== top) return leaves();
  return { kind: 'file', path: join(root, ...done), id };
}

function exists(p: string): boolean {
  try {
    return lstatSync(p, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}
export function isDir(p: string): boolean {
  try {
    return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}
/** Why what sits at `p` is not a file to read (a directory, a FIFO, a device), or undefined. */
function notRegularAt(p: string): string | undefined {
  let st;
  try {
    st = statSync(p);
  } catch (err) {
    return describeFsError(err);
  }
  if (st.isDirectory()) return 'is a directory where a file is expected; ignored';
  return notRegularReason(st);
}
