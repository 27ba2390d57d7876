import { closeSync, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { encodeLike } from '../core/source.js';
import { describeFsError } from './read.js';
import { changedSinceRead, rememberRead } from './identity.js';

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
 * libvirt `*.xml`).
 */
export function tempNameFor(realPath: string): string {
  // Unique enough, as it is created with O_EXCL; node:crypto would cost every run 3 ms of start-up for this name alone.
  return join(dirname(realPath), `.${basename(realPath)}.vfio-lint-${process.pid}-${++tmpCounter}-${Date.now().toString(36)}.tmp`);
}

let tmpCounter = 0;

/**
 * Replace a file's content atomically: write a temporary file in the same
 * directory (same filesystem, so rename is atomic), with the original's owner
 * and mode, fsync it, then rename it over the original. A reader, or a crash
 * at any moment, sees the old file or the new one, never a mix. The target
 * must be a regular file, not a symlink (`realPath` was resolved before), and
 * must still be the file that was read: if anything replaced or changed it
 * since, nothing is written.
 */
export function writeAtomic(target: WriteTarget): { ok: true } | { ok: false; message: string } {
  let st;
  try {
    st = lstatSync(target.realPath, { bigint: true });
  } catch (err) {
    return { ok: false, message: describeFsError(err) };
  }
  if (!st.isFile()) return { ok: false, message: st.isSymbolicLink() ? 'is a symbolic link; not writing through it' : 'is not a regular file; not writing it' };
  const changed = changedSinceRead(target.realPath, st);
  if (changed) return { ok: false, message: `${changed}; not overwriting it (run again)` };
  const mode = (target.stored.mode ?? Number(st.mode)) & 0o7777;
  const tmp = tempNameFor(target.realPath);
  let fd: number | undefined;
  try {
    // 0o600 until the content is complete; the real mode is set below, past the umask.
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
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
    renameSync(tmp, target.realPath);
    syncDir(dirname(target.realPath));
    rememberWritten(target.realPath);
    return { ok: true };
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone or never made.
    }
    return { ok: false, message: describeFsError(err) };
  }
}

/** The file we just wrote is the one a later write in this process may replace. */
function rememberWritten(path: string): void {
  try {
    rememberRead(path, lstatSync(path, { bigint: true }));
  } catch {
    // It was there a moment ago; if not, the next write reports it.
  }
}

/** Make the rename itself durable. Some filesystems refuse to open a directory for this; that is not an error. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort.
  }
}
