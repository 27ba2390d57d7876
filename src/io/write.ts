import { closeSync, fchmodSync, fchownSync, fstatSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync, constants, type BigIntStats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { encodeLike } from '../core/source.js';
import { describeFsError } from './read.js';
import { changedSinceRead, readPlace, rememberRead, type ReadPlace } from './identity.js';
import { ConfinementError, inDir, openDirChain, partsBelow, PROC_FD, type OpenDir } from './confined.js';
import { idOf, sameId } from './confinement.js';

export interface WriteTarget {
  /** The real file to replace (already resolved inside its tree). */
  realPath: string;
  text: string;
  stored: { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; bom: boolean; mode: number | undefined };
}

/**
 * The temporary file's name: hidden, and ending in `.tmp`, so that if the
 * process dies before the rename, the leftover is skipped by everything that
 * reads these directories (kmod and systemd read `*.conf`, grub.d `*.cfg`,
 * libvirt `*.xml`). A long name is shortened so the whole stays within the
 * 255 bytes a file name may have.
 */
export function tempNameFor(realPath: string): string {
  return join(dirname(realPath), tempBaseName(basename(realPath)));
}

const NAME_MAX = 255;

function tempBaseName(name: string): string {
  // Unique enough, as it is created with O_EXCL; node:crypto would cost every run 3 ms of start-up for this name alone.
  const suffix = `.vfio-lint-${process.pid}-${++tmpCounter}-${Date.now().toString(36)}.tmp`;
  const room = NAME_MAX - 1 - Buffer.byteLength(suffix);
  let kept = name;
  // Cut whole characters until the UTF-8 length fits.
  while (Buffer.byteLength(kept) > room) kept = [...kept].slice(0, -1).join('');
  return `.${kept}${suffix}`;
}

let tmpCounter = 0;

/**
 * For the race tests only. `beforeCreate`: once the directory is open, before the
 * file is checked, the moment an attacker would swap a directory for a link (or
 * someone else would save the file). `beforeRename`: the temporary file is
 * complete and about to replace the file, the last window.
 */
export const writeTestHooks: { beforeCreate?: (realPath: string) => void; beforeRename?: (realPath: string) => void } = {};

/**
 * Replace a file's content atomically: write a temporary file in the same
 * directory (same filesystem, so rename is atomic), with the original's owner
 * and mode, fsync it, then rename it over the original. A reader, or a crash
 * at any moment, sees the old file or the new one, never a mix.
 *
 * The directory is reached the way the file was read: from the directory
 * discovery started at, one real directory at a time (never a link), and must be
 * the same directory (device and inode) as then. Everything after that happens
 * in that open directory, so swapping a path component for a link from now on
 * changes nothing. The target must be a regular file, not a symlink, and still
 * the file that was read: if anything replaced or changed it, nothing is written.
 */
export function writeAtomic(target: WriteTarget): { ok: true } | { ok: false; message: string } {
  const place = readPlace(target.realPath);
  const within = place?.within ?? dirname(target.realPath);
  let dir: OpenDir;
  let parts: string[];
  let name: string;
  try {
    parts = partsBelow(within, target.realPath);
    name = parts.pop()!;
    dir = openDirChain(within, parts);
  } catch (err) {
    return { ok: false, message: notWriting(err) };
  }
  try {
    return writeIn(dir, name, target, place, () => stillThere(within, parts, dir));
  } finally {
    closeSync(dir.fd);
  }
}

/**
 * Is the path from `within` still the directory open as `dir`? With /proc/self/fd every name is
 * looked up in the open directory itself and this always holds; without it, names are paths again,
 * so the chain is walked anew (never through a link) and must lead to the same directory.
 */
function stillThere(within: string, parts: readonly string[], dir: OpenDir): string | undefined {
  if (PROC_FD) return undefined;
  try {
    const again = openDirChain(within, parts);
    try {
      return sameId(idOf(fstatSync(dir.fd, { bigint: true })), fstatSync(again.fd, { bigint: true })) ? undefined : 'its directory was replaced since it was read; not writing it (run again)';
    } finally {
      closeSync(again.fd);
    }
  } catch (err) {
    return notWriting(err);
  }
}

function notWriting(err: unknown): string {
  return err instanceof ConfinementError ? `${err.message.replace(/; not (following|reading|touching) it$/, '')}; not writing it (run again)` : describeFsError(err);
}

function writeIn(dir: OpenDir, name: string, target: WriteTarget, place: ReadPlace | undefined, dirMoved: () => string | undefined): { ok: true } | { ok: false; message: string } {
  const at = (n: string) => inDir(dir.fd, dir.path, n);
  writeTestHooks.beforeCreate?.(target.realPath);
  let st;
  try {
    if (place && !sameId(place.dir, fstatSync(dir.fd, { bigint: true }))) return { ok: false, message: 'its directory was replaced since it was read; not writing it (run again)' };
    st = lstatSync(at(name), { bigint: true });
  } catch (err) {
    return { ok: false, message: describeFsError(err) };
  }
  const refusal = refuseTarget(target.realPath, st);
  if (refusal) return { ok: false, message: refusal };
  const mode = (target.stored.mode ?? Number(st.mode)) & 0o7777;
  const tmp = tempBaseName(name);
  let fd: number | undefined;
  try {
    // 0o600 until the content is complete; the real mode is set below, past the umask.
    fd = openSync(at(tmp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      // Keep the owner when we may (root fixing a file someone else owns); not being allowed is fine.
      fchownSync(fd, Number(st.uid), Number(st.gid));
    } catch {
      // Not permitted: the file keeps our ownership, as any editor would leave it.
    }
    // After chown, which clears set-id bits; and explicit, because open's mode is masked by the umask.
    fchmodSync(fd, mode);
    const bytes = encodeLike(target.text, target.stored);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    // The same checks again in the last window: whatever happened while the content was written
    // (the file saved by someone else, swapped for a link, its directory moved) is not overwritten.
    writeTestHooks.beforeRename?.(target.realPath);
    const late = dirMoved() ?? refuseTarget(target.realPath, lstatSync(at(name), { bigint: true }));
    if (late) {
      unlinkSync(at(tmp));
      return { ok: false, message: late };
    }
    renameSync(at(tmp), at(name));
    syncDir(dir.fd);
    rememberWritten(target.realPath, at(name), place);
    return { ok: true };
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(at(tmp));
    } catch {
      // Already gone or never made.
    }
    return { ok: false, message: describeFsError(err) };
  }
}

/** Why the file as `lstat` sees it now must not be replaced: not a regular file, or not the one that was read. */
function refuseTarget(path: string, st: BigIntStats): string | undefined {
  if (!st.isFile()) return st.isSymbolicLink() ? 'is a symbolic link; not writing through it' : 'is not a regular file; not writing it';
  const changed = changedSinceRead(path, st);
  return changed ? `${changed}; not overwriting it (run again)` : undefined;
}

/** The file we just wrote is the one a later write in this process may replace. */
function rememberWritten(path: string, at: string, place: ReadPlace | undefined): void {
  try {
    rememberRead(path, lstatSync(at, { bigint: true }), place);
  } catch {
    // It was there a moment ago; if not, the next write reports it.
  }
}

/** Make the rename itself durable. Some filesystems refuse to sync a directory; that is not an error. */
function syncDir(fd: number): void {
  try {
    fsyncSync(fd);
  } catch {
    // Best effort.
  }
}

/**
 * Create or replace an output file (not one that was read: `writeAtomic` is for those) atomically:
 * a temporary file beside it, fsynced, renamed over it. A reader or a crash sees the old file or the
 * new one. An existing target must be a regular file (not a directory, a link or a device); it keeps
 * its mode, a new file gets the umask's.
 */
export function writeOutputFile(path: string, bytes: Uint8Array): { ok: true } | { ok: false; message: string } {
  let mode: number | undefined;
  try {
    const st = lstatSync(path);
    if (st.isDirectory()) return { ok: false, message: 'is a directory; give a file name' };
    if (st.isSymbolicLink()) return { ok: false, message: 'is a symbolic link; not writing through it' };
    if (!st.isFile()) return { ok: false, message: 'is not a regular file; not writing it' };
    mode = st.mode & 0o7777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { ok: false, message: describeFsError(err) };
  }
  const dir = dirname(path);
  const tmp = join(dir, tempBaseName(basename(path)));
  let fd: number | undefined;
  try {
    // 0o666 less the umask, as any new file; an existing file's mode is kept.
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
    if (mode !== undefined) fchmodSync(fd, mode);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Never made, or already renamed.
    }
    return { ok: false, message: describeFsError(err) };
  }
  let dirFd: number | undefined;
  try {
    dirFd = openSync(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
    syncDir(dirFd);
  } catch {
    // The file is written; only the rename's durability is best effort.
  } finally {
    if (dirFd !== undefined) closeSync(dirFd);
  }
  return { ok: true };
}
