import { lstatSync, readdirSync, realpathSync, type BigIntStats, type Dirent } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { CONFIRM_CONFIDENCE, KINDS, type FileKind, type Registry } from '../kinds/index.js';
import { libvirtPlace, normalParts, type PathStrength } from '../kinds/paths.js';
import { classifyText } from '../model/classify.js';
import { compareNames, hostTreeShape, resolveInRoot, SNIFF_BYTES, type DiscoveredFile, type DiscoveryProblem, type HostTreeRoot, type Preread } from '../host/discover.js';
import { describeFsError, notRegularReason, readInput, readPrefix } from '../io/read.js';
import { decodeHead } from '../io/sniff.js';
import { parseXml } from '../parsers/xml/index.js';
import { IgnoreList } from '../config/ignore.js';
import { idOf, type Confinement, type FileId } from '../io/confinement.js';
import { holdDirs } from '../io/confined.js';

/** A file to lint, before reading, with the reason it is the kind it is. */
export interface InputFile extends DiscoveredFile {
  /** Why it is this kind (`its path matches /etc/modprobe.d/*.conf`), for `--list-inputs`. */
  why?: string;
}

/** A file discovery passed over, and why. `note`: worth telling the user even without `--list-inputs`. */
export interface SkippedInput {
  path: string;
  reason: string;
  note: boolean;
}

/** A folder read as a whole by a directory-shaped kind (a host snapshot). */
export interface FolderInput {
  path: string;
  kind: string;
  why: string;
}

/** The ignore patterns that apply under `base`: a `.vfio-lintignore` there, or the config's `ignores`. */
export interface IgnoreSource {
  base: string;
  list: IgnoreList;
  /** Named in the reason a file is skipped. */
  from: string;
}

export interface WalkOptions {
  /** The kinds to look for (the built-in registry by default; a test or plugin may pass one with more kinds). */
  registry?: Registry<string>;
  /** Patterns from the config (`ignores`), each with the folder it is relative to. */
  ignores?: readonly IgnoreSource[];
  /** A kind the user gave this file (`--kind KIND=GLOB`, the config's `files`). */
  kindFor?: (abs: string) => FileKind | undefined;
}

export interface WalkedFile extends InputFile {
  /** Its path relative to the walk's root, `/`-separated. */
  relPath: string;
  /**
   * The folder (relative to the walk's root, `''` for the root) that stands for the
   * machine's `/` as this file's path shows it (`hosts/desk` for
   * `hosts/desk/etc/modprobe.d/x.conf`); undefined when its path says nothing.
   */
  anchor: string | undefined;
  /**
   * What set the anchor: `system` a full system path (the folder holds etc/, usr/...),
   * `folder` a telling folder without one (`hosts/desk/modprobe.d/x.conf`), `xml` libvirt's
   * own folders (`…/libvirt/qemu/x.xml`).
   */
  anchoredBy: 'system' | 'folder' | 'xml' | undefined;
}

export interface WalkResult {
  root: string;
  files: WalkedFile[];
  problems: DiscoveryProblem[];
  skipped: SkippedInput[];
  folders: FolderInput[];
}

/** Folders that hold no configuration: version control and dependencies. */
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules']);
/** Package managers' and editors' leftover copies: not what the machine reads. */
const STALE = /(\.(pacnew|pacsave|pacorig|dpkg-old|dpkg-dist|dpkg-new|dpkg-bak|rpmnew|rpmsave|rpmorig|ucf-old|ucf-dist|ucf-new|bak|orig)|~)$|^#.*#$/;
/** Names whose content is worth sniffing: configuration files rarely carry another extension. */
const SNIFF_EXTENSIONS = new Set(['', '.conf', '.cfg', '.txt', '.xml', '.cmdline', '.local']);
/** A configuration file is small; a larger file is not read to find out. */
const MAX_SNIFF_FILE = 1024 * 1024;
/** A walk stops after this many entries, and says so. */
const MAX_ENTRIES = 200_000;
export const IGNORE_FILE = '.vfio-lintignore';

/** libvirt documents that are not domains: not ours to lint. */
const OTHER_LIBVIRT_ROOTS = new Set(['network', 'networkport', 'pool', 'volume', 'secret', 'nwfilter', 'nwfilterbinding', 'interface', 'device', 'domainsnapshot', 'domaincheckpoint', 'domainbackup', 'storagepoolCapabilities', 'domainCapabilities']);

/** For the race tests only: called when the walk has looked at a file (lstat), before it reads it. */
export const walkTestHooks: { afterLook?: (path: string) => void } = {};

/** Is this name a stale copy (`vfio.conf.pacnew`, `grub~`, `#grub#`)? */
export function isStaleCopy(name: string): boolean {
  return STALE.test(name);
}

/**
 * Find every file a person keeps configuration in under `root`, at any depth:
 * by path patterns first (the registry's system paths and their dotfiles-repo
 * variants), then by content. Every file passed over is listed with the reason.
 * Links are resolved inside `root` (an absolute target means `root`); a link to
 * a folder is not followed.
 */
export function walkFolder(root: string, options: WalkOptions = {}): WalkResult {
  // Files are read from the directory the walk is in: its chain of directories is opened once for all of them.
  return holdDirs(() => walkHeld(root, options));
}

function walkHeld(root: string, options: WalkOptions): WalkResult {
  const registry = (options.registry ?? KINDS) as Registry<FileKind>;
  const out: WalkResult = { root, files: [], problems: [], skipped: [], folders: [] };
  const rootParts = normalParts(root);
  let realRoot: string | undefined;
  let entries = 0;
  // An etc directory given alone (`backup/etc`, a copy named `etc-copy`) stands for /etc, and is all the
  // user gave: `/etc/...` link targets mean it, and a link leading anywhere else (its parent included) is refused.
  const etcAlone = hostTreeShape(root) === 'etc' ? basename(root) : undefined;
  const resolveLink = (rel: string) => (etcAlone === undefined ? resolveInRoot(root, rel) : resolveInRoot(dirname(root), `${etcAlone}/${rel}`, etcAlone));
  // Folders whose files the tools read (modprobe.d, sysctl.d...): a broken link there is a finding, not a skip.
  const configDirs = new Set(registry.files.flatMap((e) => e.paths.flatMap((p) => p.split('/').slice(0, -1).filter((part) => part.includes('.')))));
  // Real folders walked: a link back to one of them (a loop, or a second way in) is not walked again.
  const visited = new Set<string>([realOf(root)]);
  // `dir`: where the folder really is, reached through no link (a link to a folder is resolved inside
  // the tree first: listing through it would let an absolute target reach this machine's own files).
  const stack: Array<{ rel: string; dir: string; ignores: readonly IgnoreSource[] }> = [{ rel: '', dir: root, ignores: options.ignores ?? [] }];
  while (stack.length > 0) {
    const { rel: relDir, dir: absDir, ignores: inherited } = stack.pop()!;
    if (registry.directories.length > 0) {
      const folder = registry.directoryKind({ path: absDir, has: (rel) => resolveInRoot(absDir, rel).kind === 'file' });
      if (folder) {
        out.folders.push({ path: absDir, kind: folder.entry.name, why: folder.sniff.why });
        continue;
      }
    }
    let list: Dirent[];
    try {
      list = readdirSync(absDir, { withFileTypes: true }).sort((a, b) => compareNames(a.name, b.name));
    } catch (err) {
      out.problems.push({ path: absDir, message: describeFsError(err) });
      continue;
    }
    let ignores = inherited;
    if (list.some((d) => d.name === IGNORE_FILE)) {
      const read = readInput(join(absDir, IGNORE_FILE), 1024 * 1024);
      if (read.ok) ignores = [...inherited, { base: absDir, list: new IgnoreList(read.bytes.toString('utf8')), from: join(relDir, IGNORE_FILE) }];
      else out.problems.push({ path: join(absDir, IGNORE_FILE), message: read.message });
    }
    const subdirs: Array<{ rel: string; dir: string }> = [];
    for (const d of list) {
      if (++entries > MAX_ENTRIES) {
        out.problems.push({ path: root, message: `holds more than ${MAX_ENTRIES} entries; the rest were not looked at (give a smaller folder, or ignore some in ${IGNORE_FILE})` });
        return out;
      }
      const rel = relDir === '' ? d.name : `${relDir}/${d.name}`;
      const abs = join(root, rel);
      const isDir = d.isDirectory();
      const ignoredBy = ignoredIn(ignores, abs, isDir);
      if (ignoredBy) {
        out.skipped.push({ path: abs, reason: `ignored by ${ignoredBy}`, note: false });
        continue;
      }
      if (isDir) {
        if (SKIP_DIRS.has(d.name)) out.skipped.push({ path: abs, reason: 'a version-control or dependency folder', note: false });
        else if (registry.byPath(abs)?.pathStrength === 'system') out.problems.push({ path: abs, message: 'is a directory where a file is expected; ignored' });
        else if (!visit(join(absDir, d.name))) out.skipped.push({ path: abs, reason: 'a folder already walked (through a symbolic link)', note: false });
        else subdirs.push({ rel, dir: join(absDir, d.name) });
        continue;
      }
      if (d.name === IGNORE_FILE) continue;
      const linkedDir = addFile(rel, d, join(absDir, d.name));
      if (linkedDir) subdirs.push({ rel, dir: linkedDir });
    }
    // Depth first, in name order: pushed in reverse so the first name is walked first.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ ...subdirs[i]!, ignores });
  }
  // Host configuration first, then domains and capabilities; each in path order.
  const xml = (f: WalkedFile) => (registry.get(f.kind)?.xmlRoot !== undefined ? 1 : 0);
  out.files.sort((a, b) => xml(a) - xml(b) || compareNames(a.relPath, b.relPath));
  return out;

  /** Mark a real folder walked; false when it was already. */
  function visit(path: string): boolean {
    const real = realOf(path);
    if (visited.has(real)) return false;
    visited.add(real);
    return true;
  }

  /** Classify one file (`onDisk`: where it is, through no link); returns the real folder a link to a folder inside the tree leads to, to be walked. */
  function addFile(rel: string, d: Dirent, onDisk: string): string | void {
    const abs = join(root, rel);
    const name = d.name;
    const given = options.kindFor?.(abs);
    if (given === undefined && isStaleCopy(name)) {
      const base = name.replace(STALE, '');
      const telling = base.endsWith('.xml') || registry.byPath(join(root, relDirOf(rel), base)) !== undefined;
      out.skipped.push({ path: abs, reason: 'a stale copy (a package manager or editor leaves these); name it on the command line to lint it', note: telling });
      return;
    }
    let real = onDisk;
    let masked = false;
    // The file discovery found, by device and inode: reads and writes must find this very file (io/confined.ts).
    let id: FileId | undefined;
    let size: bigint | undefined;
    // Worth a finding when it cannot be read: a file the tools would read, or one the user named.
    const matters = () => given !== undefined || registry.byPath(abs) !== undefined || configDirs.has(name) || name.endsWith('.xml');
    if (d.isSymbolicLink()) {
      const resolved = resolveLink(relative(root, onDisk).split(sep).join('/'));
      if (resolved.kind === 'masked') masked = true;
      else if (resolved.kind === 'error' || resolved.kind === 'missing') {
        const message = resolved.kind === 'error' ? resolved.message : 'dangling symbolic link';
        if (matters()) out.problems.push({ path: abs, message });
        else out.skipped.push({ path: abs, reason: message, note: false });
        return;
      } else {
        real = resolved.path;
        if (isDirectory(real)) {
          // A link to a folder inside the tree is walked where it sits (once per real folder: loops end).
          if (visit(real)) return real;
          out.skipped.push({ path: abs, reason: 'a symbolic link to a folder already walked; not walked again', note: false });
          return;
        }
      }
    }
    // A plain .xml file is read whole by discovery: that read's own look (lstat) is the look, and its
    // identity is recorded from it (addXml), so no separate lstat by path first (issue 21).
    const readWholeNext = !masked && d.isFile() && given === undefined && !name.startsWith('.') && name.endsWith('.xml');
    if (!masked && !readWholeNext) {
      const at = lstatAt(real);
      walkTestHooks.afterLook?.(real);
      const notRegular = 'error' in at ? at.error : notRegularReason(at.st);
      if (notRegular) {
        if (matters()) out.problems.push({ path: abs, message: notRegular });
        else out.skipped.push({ path: abs, reason: notRegular, note: false });
        return;
      }
      if (!('error' in at)) {
        id = idOf(at.st);
        size = at.st.size;
      }
    }
    const confine: Confinement = { within: confineDir(real), id };

    if (given !== undefined) return push(rel, real, confine, given, `named ${given} by --kind or the config's files`, undefined, masked);
    const byPath = registry.byPath(abs);
    if (masked) {
      if (byPath && !byPath.needsContent) push(rel, real, confine, byPath.kind, `${byPath.why} (masked: a link to /dev/null)`, byPath, true);
      else out.skipped.push({ path: abs, reason: 'a link to /dev/null', note: false });
      return;
    }
    if (byPath && !byPath.needsContent && !name.endsWith('.xml')) return push(rel, real, confine, byPath.kind, byPath.why, byPath, false);

    const ext = extensionOf(name);
    if (name.startsWith('.')) return skip(abs, 'a hidden file');
    if (!SNIFF_EXTENSIONS.has(ext) && !byPath) return skip(abs, `not a configuration file name (${ext})`);
    if (ext === '.xml') return addXml(rel, real, confine);
    const sniffed = readHead(real, confine, size);
    if ('reason' in sniffed) return skip(abs, sniffed.reason);
    const head = sniffed.text;
    if (head.trimStart().startsWith('<')) return addXml(rel, real, confine);
    const c = classifyText(abs, head, { registry });
    if (!c.ok) {
      // A name that looks like configuration is worth a word; a README is not.
      const noted = byPath !== undefined || ext === '.conf' || ext === '.cfg' || (c.best?.confidence ?? 0) >= CONFIRM_CONFIDENCE;
      return void out.skipped.push({ path: abs, reason: c.why, note: noted });
    }
    push(rel, real, confine, c.classification.kind, c.classification.why, c.classification, false);
  }

  function addXml(rel: string, real: string, confine: Confinement): void {
    const abs = join(root, rel);
    // Read as reads after discovery are: confined, and only if it is still the file looked at. Not looked
    // at yet (no id): this read's look is discovery's, and the file it read is the one recorded.
    const look = confine.id === undefined ? () => walkTestHooks.afterLook?.(real) : undefined;
    const whole = readInput(real, undefined, confine, look);
    const read = whole.ok ? whole : whole.tooLarge ? readPrefix(real, SNIFF_BYTES, confine, look) : whole;
    if (!read.ok) return void out.problems.push({ path: abs, message: read.message });
    confine.id ??= read.id;
    const preread: Preread | undefined = whole.ok ? { bytes: whole.bytes, mode: whole.mode } : undefined;
    const text = decodeHead(read.bytes, whole.ok || read.bytes.length < SNIFF_BYTES);
    if (text === undefined) return skip(abs, 'not UTF-8 or UTF-16 text', true);
    const c = classifyText(abs, text, { registry });
    if (c.ok) return push(rel, real, confine, c.classification.kind, c.classification.why, undefined, false, preread);
    const docRoot = /<([A-Za-z_][\w.:-]*)/.exec(c.why)?.[1];
    if (docRoot !== undefined && OTHER_LIBVIRT_ROOTS.has(docRoot)) return skip(abs, `a libvirt <${docRoot}> document, not a domain`);
    // A well-formed document of another sort is not ours; a broken one may be a domain: the parse says what is wrong.
    if (docRoot !== undefined && whole.ok && !parseXml(text).problems.some((p) => p.severity === 'fatal')) return skip(abs, c.why);
    push(rel, real, confine, 'domain', `an XML file that does not parse: read as a domain so the parse errors are shown`, undefined, false, preread);
  }

  function push(rel: string, real: string, confine: Confinement, kind: FileKind, why: string, c: { systemPath?: string; matchedParts?: number; pathStrength?: PathStrength } | undefined, masked: boolean, preread?: Preread): void {
    const abs = join(root, rel);
    const entry = registry.get(kind)!;
    const { anchor, anchoredBy, place, inWalk } = anchorOf(abs, entry.xmlRoot !== undefined, c?.matchedParts, c?.pathStrength);
    const systemPath = entry.xmlRoot !== undefined ? (place ?? `/${basename(rel)}`) : (c?.systemPath ?? `${entry.defaultDir}${basename(rel)}`);
    out.files.push({ realPath: real, displayPath: abs, relPath: rel, systemPath, kind, masked, preread, why, anchor, anchoredBy, confine, tree: treeOf(systemPath, anchor, anchoredBy, inWalk) });
  }

  /**
   * The host tree a file sits at its place in: an etc directory given alone is /etc (and nothing
   * else); otherwise the folder its full system path starts at (`hosts/desk` for
   * `hosts/desk/etc/modprobe.d/x.conf`, the tree for `tree/etc/libvirt/qemu/x.xml`), when that folder
   * is inside the walk. A folder of configuration folders (`desk/modprobe.d/`) is not a tree.
   */
  function treeOf(systemPath: string, anchor: string | undefined, anchoredBy: WalkedFile['anchoredBy'], inWalk: boolean): HostTreeRoot | undefined {
    if (etcAlone !== undefined) return systemPath.startsWith('/etc/') ? { root: dirname(root), top: etcAlone } : undefined;
    if (anchor === undefined || !inWalk || (anchoredBy !== 'system' && anchoredBy !== 'xml')) return undefined;
    return { root: join(root, anchor) };
  }

  /** Reads and writes reach a file from the folder given, through real directories only (io/confined.ts). */
  function confineDir(real: string): string {
    if (real.startsWith(root + sep)) return root;
    realRoot ??= tryRealpath(root);
    return realRoot !== undefined && real.startsWith(realRoot + sep) ? realRoot : dirname(real);
  }

  function skip(path: string, reason: string, note = false): void {
    out.skipped.push({ path, reason, note });
  }

  /** Where this file's machine starts, from the parts its path pattern did not match (see WalkedFile.anchor). */
  function anchorOf(abs: string, xml: boolean, matched: number | undefined, strength: PathStrength | undefined): { anchor: string | undefined; anchoredBy: WalkedFile['anchoredBy']; place?: string; inWalk: boolean } {
    if (xml) {
      // libvirt's folders: /etc/libvirt/qemu (system) and ~/.config/libvirt/qemu (session) are one machine's,
      // and a domain there is libvirt's own copy (the --fix note says to `virsh define` it).
      // The walk may start below the anchor (`vfio-lint tree/etc`): then the machine is the whole walk.
      const parts = abs.replaceAll('\\', '/').split('/').filter((p) => p !== '');
      const top = root.replaceAll('\\', '/').split('/').filter((p) => p !== '').length;
      const at = (i: number) => (i < top ? '' : parts.slice(top, i).join('/'));
      const lib = libvirtPlace(parts);
      // libvirt's folder places the file in a whole system (`/etc/libvirt/...`): its anchor stands for `/`.
      if (lib) return { anchor: at(lib.index), anchoredBy: 'xml', place: lib.place, inWalk: lib.index >= top };
      const lv = parts.lastIndexOf('libvirt');
      if (lv >= top && lv < parts.length - 1) return { anchor: at(lv), anchoredBy: 'xml', inWalk: false };
      return { anchor: undefined, anchoredBy: undefined, inWalk: false };
    }
    // A name alone (`mkinitcpio.conf`, `grub`) says nothing about where a machine starts; a folder does.
    if (matched === undefined || matched < 2) return { anchor: undefined, anchoredBy: undefined, inWalk: false };
    const parts = normalParts(abs);
    const before = parts.slice(0, parts.length - matched);
    const anchoredBy = strength === 'system' ? 'system' : 'folder';
    if (before.length < rootParts.length) return { anchor: '', anchoredBy, inWalk: false };
    return { anchor: before.slice(rootParts.length).join('/'), anchoredBy, inWalk: true };
  }
}

function ignoredIn(sources: readonly IgnoreSource[], abs: string, isDir: boolean): string | undefined {
  let by: string | undefined;
  for (const s of sources) {
    const rel = relative(s.base, abs).replaceAll('\\', '/');
    if (rel.startsWith('..')) continue;
    const decided = s.list.decide(rel, isDir);
    if (decided === true) by = s.from;
    else if (decided === false) by = undefined;
  }
  return by;
}

function relDirOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : rel.slice(0, slash);
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}

function isDirectory(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function realOf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** What sits at `p` (never through a link), or why it cannot be looked at. */
function lstatAt(p: string): { st: BigIntStats } | { error: string } {
  try {
    return { st: lstatSync(p, { bigint: true }) };
  } catch (err) {
    return { error: describeFsError(err) };
  }
}

/**
 * The first 64 KiB of a file as text, or why it is not a text file to sniff. `size`: what the walk's
 * look saw. (The lint reads the file again: a file replaced after discovery is refused then.)
 */
function readHead(path: string, confine: Confinement, size: bigint | undefined): { text: string } | { reason: string } {
  if (size === undefined) {
    try {
      size = lstatSync(path, { bigint: true }).size;
    } catch (err) {
      return { reason: describeFsError(err) };
    }
  }
  if (size > MAX_SNIFF_FILE) return { reason: `${size} bytes: too large for a configuration file` };
  const read = readPrefix(path, SNIFF_BYTES, confine);
  if (!read.ok) return { reason: read.message };
  const text = decodeHead(read.bytes, read.bytes.length < SNIFF_BYTES);
  if (text === undefined || text.includes('\0')) return { reason: 'not a text file' };
  return { text };
}

function tryRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
