import { closeSync, existsSync, fstatSync, lstatSync, openSync, constants, type BigIntStats } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { notRegularReason } from './kind.js';
import { idOf, sameId, type Confinement, type FileId } from './confinement.js';

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

/** A directory opened for confined reads: `held` ones stay open for the next file in them (see holdDirs). */
export interface ReadDir extends OpenDir {
  held: boolean;
  /** Its identity, asked of the open directory once (where a write must find it again). */
  id(): FileId;
}

/**
 * While discovery or a machine's reads run, the directory of the last file read stays open, so the
 * next file in it is opened from there: one `openat` chain per directory instead of one per file
 * (issue 21). Each file is still looked at, opened with O_NOFOLLOW and checked by identity; the held
 * directory is the one its chain reached, without following a link, when it was opened. Writes never
 * use it: they walk the chain again.
 */
let held: { key: string; dir: ReadDir } | undefined;
let holding = 0;

/** Run `fn` with the last directory read from held open; closed when the outermost call returns. */
export function holdDirs<T>(fn: () => T): T {
  holding++;
  try {
    return fn();
  } finally {
    if (--holding === 0) releaseHeld();
  }
}

function releaseHeld(): void {
  if (!held) return;
  closeSync(held.dir.fd);
  held = undefined;
}

function readDir(within: string, parts: readonly string[]): ReadDir {
  const key = holding > 0 ? `${within}\0${parts.join('\0')}` : undefined;
  if (key !== undefined && held?.key === key) return held.dir;
  const opened = openDirChain(within, parts);
  let id: FileId | undefined;
  const dir: ReadDir = { ...opened, held: key !== undefined, id: () => (id ??= idOf(fstatSync(opened.fd, { bigint: true }))) };
  if (key !== undefined) {
    releaseHeld();
    held = { key, dir };
  }
  return dir;
}

/** Close a directory from openConfined unless it is held for the next file. */
export function doneWithDir(dir: ReadDir): void {
  if (!dir.held) closeSync(dir.fd);
}

/**
 * Open the file at `path` for reading, confined to `c.within`: the directories
 * below it are walked without following links, the file itself is looked at
 * (`lstat`), then opened with O_NOFOLLOW, and the open file must be the one
 * looked at and, when discovery recorded its identity, that file. `afterLook`
 * runs between the look and the open (race tests). Returns the file's
 * descriptor, its stats and its directory (the caller closes the file, and the
 * directory with doneWithDir).
 */
export function openConfined(path: string, c: Confinement, flags: number, afterLook?: () => void): { fd: number; st: BigIntStats; dir: ReadDir } {
  const parts = partsBelow(c.within, path);
  const name = parts.pop()!;
  const dir = readDir(c.within, parts);
  const at = inDir(dir.fd, dir.path, name);
  let fd: number;
  let looked: BigIntStats;
  try {
    // The type first: opening a FIFO, even non-blocking, would release a writer waiting on it.
    looked = lstatSync(at, { bigint: true });
    if (looked.isSymbolicLink()) throw new ConfinementError('was replaced by a symbolic link since it was found; not following it');
    const notRegular = notRegularReason(looked);
    if (notRegular) throw new ConfinementError(notRegular);
    afterLook?.();
    fd = openSync(at, flags | O_NOFOLLOW);
  } catch (err) {
    doneWithDir(dir);
    throw linkError(err);
  }
  const st = fstatSync(fd, { bigint: true });
  if (!sameId(c.id ?? idOf(looked), st)) {
    closeSync(fd);
    doneWithDir(dir);
    throw new ConfinementError('is not the file that was found there (it was replaced since); not reading it');
  }
  return { fd, st, dir };
}
