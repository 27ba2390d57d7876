import { closeSync, existsSync, fstatSync, lstatSync, openSync, constants, type BigIntStats } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { notRegularReason } from './kind.js';
import { sameId, type Confinement } from './confinement.js';

/** Thrown (and turned into a message by the callers) when a path escapes its confinement or changed under us. */
export class ConfinementError extends Error {}

/**
 * Linux names an open directory `/proc/self/fd/N`; a path below it is looked up
 * in that directory itself, wherever it has been moved or whatever now sits at
 * its old path: openat(2) for a runtime that has only path-based calls.
 */
export const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');

/** `name` in the directory open as `dirFd` (a path that stays in that very directory on Linux). */
export function inDir(dirFd: number, dirPath: string, name: string): string {
  return PROC_FD ? `/proc/self/fd/${dirFd}/${name}` : join(dirPath, name);
}

const O_DIRECTORY = constants.O_DIRECTORY ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** The directory `within`, opened as given (the user named it); then each of `parts`, never through a link. */
export interface OpenDir {
  fd: number;
  /** The directory's path, for messages and for systems without /proc/self/fd. */
  path: string;
}

/**
 * Open the directory `within/parts...` one part at a time, each relative to the
 * one before and never following a symbolic link: a component swapped for a
 * link since discovery fails the walk (ELOOP or ENOTDIR), it cannot lead out.
 */
export function openDirChain(within: string, parts: readonly string[]): OpenDir {
  let fd = openSync(within, constants.O_RDONLY | O_DIRECTORY);
  let path = within;
  try {
    for (const part of parts) {
      const next = openSync(inDir(fd, path, part), constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      closeSync(fd);
      fd = next;
      path = join(path, part);
      if (!PROC_FD) noLinkAt(path);
    }
  } catch (err) {
    closeSync(fd);
    throw linkError(err);
  }
  return { fd, path };
}

/** Without /proc/self/fd each step is a path again: at least refuse one that is a link now. */
function noLinkAt(path: string): void {
  if (lstatSync(path).isSymbolicLink()) throw new ConfinementError('a directory on its path was replaced by a symbolic link since it was found; not following it');
}

/** ELOOP from O_NOFOLLOW means a link sits where discovery saw a directory or a file. */
function linkError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ELOOP' || code === 'ENOTDIR') return new ConfinementError('a part of its path was replaced by a symbolic link since it was found; not following it');
  return err;
}

/** The parts of `path` below `within`; a ConfinementError when it is not below it. */
export function partsBelow(within: string, path: string): string[] {
  const rel = relative(within, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new ConfinementError(`is not inside ${within}; not touching it`);
  return rel.split(sep);
}

/**
 * Open the file at `path` for reading, confined to `c.within`: the directories
 * below it are walked without following links, the file itself is opened with
 * O_NOFOLLOW, and when discovery recorded its identity the open file must be that
 * file. Returns the file's descriptor, its stats and its directory (still open;
 * the caller closes both).
 */
export function openConfined(path: string, c: Confinement, flags: number): { fd: number; st: BigIntStats; dir: OpenDir } {
  const parts = partsBelow(c.within, path);
  const name = parts.pop()!;
  const dir = openDirChain(c.within, parts);
  const at = inDir(dir.fd, dir.path, name);
  let fd: number;
  try {
    // The type first: opening a FIFO, even non-blocking, would release a writer waiting on it.
    const lst = lstatSync(at);
    if (lst.isSymbolicLink()) throw new ConfinementError('was replaced by a symbolic link since it was found; not following it');
    const notRegular = notRegularReason(lst);
    if (notRegular) throw new ConfinementError(notRegular);
    fd = openSync(at, flags | O_NOFOLLOW);
  } catch (err) {
    closeSync(dir.fd);
    throw linkError(err);
  }
  const st = fstatSync(fd, { bigint: true });
  if (c.id && !sameId(c.id, st)) {
    closeSync(fd);
    closeSync(dir.fd);
    throw new ConfinementError('is not the file that was found there (it was replaced since); not reading it');
  }
  return { fd, st, dir };
}
