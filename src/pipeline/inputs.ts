import { lstatSync, readdirSync, realpathSync as realpathJs, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { classifyByContent, classifyByPath } from '../model/classify.js';
import { isXmlKind, type FileKind } from '../model/machine.js';
import { compareNames, discoverHostTree, hostTreeShape, sniffXmlFile, SNIFF_BYTES, type DiscoveredFile, type Preread } from '../host/discover.js';
import { describeFsError, notRegularReason, readPrefix } from '../io/read.js';
import { decodeHead } from '../io/sniff.js';
import { idOf, type Confinement } from '../io/confinement.js';

// One realpath(3) call instead of an lstat per path component; same result on the systems we run on.
const realpathSync = realpathJs.native;

/** A file to lint, before reading: where it is, what it is, where it sits on the machine. */
export type InputFile = DiscoveredFile;

export interface InputProblem {
  path: string;
  message: string;
}

export interface CollectedInputs {
  files: InputFile[];
  /** Files that exist but cannot be used (unknown kind, dangling link...): reported as fatal findings. */
  unusable: InputProblem[];
}

/** A command-line mistake: a path that does not exist. The CLI prints it and exits 2. */
export class InputError extends Error {}

/** Where a file of this kind sits when it was given alone and its path does not say. */
const DEFAULT_DIR: Partial<Record<FileKind, string>> = {
  modprobe: '/etc/modprobe.d/',
  sysctl: '/etc/sysctl.d/',
  'modules-load': '/etc/modules-load.d/',
  'bls-entry': '/boot/loader/entries/',
  grub: '/etc/default/',
  mkinitcpio: '/etc/',
  dracut: '/etc/dracut.conf.d/',
};

/**
 * Turn command-line paths into input files. A directory is a host tree (a root
 * containing etc/, or an etc directory) or a folder of domain XMLs; a file is
 * classified by `kind`, else XML by its root element, else by its path, else by
 * its content. Everything collected describes one machine.
 */
export function collectInputs(paths: readonly string[], options: { kind?: FileKind; cwd?: string } = {}): CollectedInputs {
  const cwd = options.cwd ?? process.cwd();
  const files: InputFile[] = [];
  const unusable: InputProblem[] = [];
  const seen = new Set<string>();
  const add = (f: InputFile) => {
    if (seen.has(f.realPath)) return;
    seen.add(f.realPath);
    files.push(f);
  };

  // A glob in a machines config names many files in few directories: one realpath per directory,
  // and each file that is not itself a link is its directory's real path plus its name. Linux only:
  // on macOS and Windows realpath also gives the name its on-disk case (VM.xml and vm.xml are one file).
  const realDirs = new Map<string, string>();
  const realPathOf = (abs: string, link: boolean): string => {
    if (link || process.platform !== 'linux') return realpathSync(abs);
    const dir = dirname(abs);
    let real = realDirs.get(dir);
    if (real === undefined) realDirs.set(dir, (real = realpathSync(dir)));
    return join(real, basename(abs));
  };

  for (const given of paths) {
    const abs = resolve(cwd, given);
    let st;
    let link: boolean;
    try {
      st = lstatSync(abs);
      link = st.isSymbolicLink();
      if (link) st = statSync(abs);
    } catch (err) {
      throw new InputError(`${given}: ${describeFsError(err)}`);
    }
    if (st.isDirectory()) {
      const shape = hostTreeShape(abs);
      if (shape) {
        const tree = discoverHostTree(abs, shape);
        tree.files.forEach(add);
        unusable.push(...tree.problems);
      } else {
        let names: string[];
        try {
          names = readdirSync(abs).sort(compareNames);
        } catch (err) {
          throw new InputError(`${given}: ${describeFsError(err)}`);
        }
        const before = files.length + unusable.length;
        for (const name of names) {
          if (!name.endsWith('.xml')) continue;
          const p = resolve(abs, name);
          const real = realPathInFolder(abs, p);
          if (!real.ok) {
            unusable.push({ path: p, message: real.message });
            continue;
          }
          const { kind, preread } = sniffXmlFile(real.path, real.confine);
          if (kind) add({ realPath: real.path, displayPath: p, systemPath: `/${name}`, kind, masked: false, preread, confine: real.confine });
        }
        if (files.length + unusable.length === before) unusable.push({ path: abs, message: 'is neither a host tree (no etc/) nor a folder of libvirt XML files; nothing to lint in it' });
      }
      continue;
    }
    const notRegular = notRegularReason(st);
    if (notRegular) {
      unusable.push({ path: abs, message: notRegular });
      continue;
    }
    // A file named on the command line is read, and fixed, where it really is: the user pointed at it.
    let real: string;
    let confine: Confinement;
    try {
      real = realPathOf(abs, link);
      // Read where it is now, and only if it is still the file looked at here.
      confine = { within: dirname(real), id: idOf(statSync(real, { bigint: true })) };
    } catch (err) {
      unusable.push({ path: abs, message: describeFsError(err) });
      continue;
    }
    const kind = options.kind ? { kind: options.kind } : classifyFile(abs, real, confine);
    if (!kind.kind) {
      unusable.push({ path: abs, message: kind.why ?? 'cannot tell what kind of file this is; name it with --kind' });
      continue;
    }
    add({ realPath: real, displayPath: abs, systemPath: systemPathOf(abs, kind.kind), kind: kind.kind, masked: false, preread: kind.preread, confine });
  }
  return { files, unusable };
}

/** A lone file's kind from its name (given), else from its content (real); or why it cannot be read. */
function classifyFile(abs: string, real: string, confine: Confinement): { kind?: FileKind; why?: string; preread?: Preread } {
  if (abs.endsWith('.xml')) return sniffXmlFile(real, confine);
  const byPath = classifyByPath(abs.replaceAll('\\', '/'));
  if (byPath) return { kind: byPath };
  const read = readPrefix(real, SNIFF_BYTES, confine);
  if (!read.ok) return { why: read.message };
  const text = decodeHead(read.bytes, read.bytes.length < SNIFF_BYTES);
  return { kind: text === undefined ? undefined : classifyByContent(text) };
}

/**
 * A file in a folder of domain XMLs, where it really is. A symlink is followed
 * only when it stays in the folder: `--fix` must not write through a link to
 * somewhere else.
 */
function realPathInFolder(folder: string, p: string): { ok: true; path: string; confine: Confinement } | { ok: false; message: string } {
  let st;
  try {
    st = lstatSync(p, { bigint: true });
  } catch (err) {
    return { ok: false, message: describeFsError(err) };
  }
  if (!st.isSymbolicLink()) return { ok: true, path: p, confine: { within: folder, id: idOf(st) } };
  let real: string;
  let realFolder: string;
  try {
    real = realpathSync(p);
    realFolder = realpathSync(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'ENOENT' ? 'dangling symbolic link' : describeFsError(err) };
  }
  if (dirname(real) !== realFolder && !real.startsWith(realFolder + sep)) return { ok: false, message: `is a symbolic link to ${real}, outside ${folder}; not followed` };
  return { ok: true, path: real, confine: { within: realFolder } };
}

/**
 * A lone file's place on the machine: the part of its path from `etc/` (or
 * `usr/`, `boot/`, `proc/`) on, as in a dotfiles repo's `hosts/desk/etc/...`;
 * else the kind's usual directory.
 */
export function systemPathOf(abs: string, kind: FileKind): string {
  const p = abs.replaceAll('\\', '/');
  // An XML file's kind comes from its root element, never from where it lies: no place to find.
  if (isXmlKind(kind)) return `/${basename(p)}`;
  // The rightmost anchor wins: `/home/u/usr/dotfiles/etc/modprobe.d/x.conf` is /etc/modprobe.d/x.conf.
  // A walk back over the slashes: this runs for every text an editor or lintText hands in.
  for (let slash = p.lastIndexOf('/'); slash >= 0; slash = slash > 0 ? p.lastIndexOf('/', slash - 1) : -1) {
    SYSTEM_TOP.lastIndex = slash + 1;
    if (!SYSTEM_TOP.test(p)) continue;
    const candidate = p.slice(slash);
    if (classifyByPath(candidate) === kind) return candidate;
  }
  return (DEFAULT_DIR[kind] ?? '/') + basename(p);
}

/** A top-level system directory, matched only where lastIndex points. */
const SYSTEM_TOP = /(?:etc|usr|lib|run|boot|efi|proc)\//y;
