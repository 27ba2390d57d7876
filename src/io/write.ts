import { closeSync, fchownSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { encodeLike } from '../core/source.js';
import { describeFsError } from './read.js';

export interface WriteTarget {
  /** The real file to replace (already resolved inside its tree). */
  realPath: string;
  text: string;
  stored: { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; bom: boolean; mode: number | undefined };
}

/**
 * Replace a file's content atomically: write a temporary file in the same
 * directory (same filesystem, so rename is atomic), with the original's mode,
 * fsync it, then rename it over the original. A reader, or a crash at any
 * moment, sees the old file or the new one, never a mix. The target must be a
 * regular file, not a symlink: `realPath` was resolved before.
 */
export function writeAtomic(target: WriteTarget): { ok: true } | { ok: false; message: string } {
  let st;
  try {
    st = lstatSync(target.realPath);
  } catch (err) {
    return { ok: false, message: describeFsError(err) };
  }
  if (!st.isFile()) return { ok: false, message: st.isSymbolicLink() ? 'is a symbolic link; not writing through it' : 'is not a regular file; not writing it' };
  const mode = (target.stored.mode ?? st.mode) & 0o7777;
  const tmp = join(dirname(target.realPath), `.${basename(target.realPath)}.vfio-lint-${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    try {
      // Keep the owner when we may (root fixing a file someone else owns); not being allowed is fine.
      fchownSync(fd, st.uid, st.gid);
    } catch {
      // Not permitted: the file keeps our ownership, as any editor would leave it.
    }
    const bytes = encodeLike(target.text, target.stored);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target.realPath);
    syncDir(dirname(target.realPath));
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
