import type { BigIntStats } from 'node:fs';
import type { FileId } from './confinement.js';

/**
 * What a file looked like when it was read: enough to tell, just before
 * `--fix` replaces it, that something else wrote, replaced or moved it in the
 * meantime (an editor saving, a package upgrade, a directory swapped for a
 * symlink). Nanosecond times and the inode number, so a same-size rewrite
 * within one second is still seen.
 */
interface Identity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** Where it was read from: the directory it was confined to, and the identity of the directory holding it. */
  place?: ReadPlace;
}

export interface ReadPlace {
  within: string;
  dir: FileId;
}

// Keyed by the path as read; one entry per distinct file, replaced on each read.
const seen = new Map<string, Identity>();

function identityOf(st: BigIntStats, place: ReadPlace | undefined): Identity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, place };
}

export function rememberRead(path: string, st: BigIntStats, place: ReadPlace | undefined): void {
  seen.set(path, identityOf(st, place));
}

/** Where the file at `path` was read from, when it was read confined: a write goes back the same way. */
export function readPlace(path: string): ReadPlace | undefined {
  return seen.get(path)?.place;
}

/**
 * Why the file at `path` (as `lstat` sees it now) is no longer the one that was
 * read, or undefined when it is the same or was never read in this process.
 */
export function changedSinceRead(path: string, now: BigIntStats): string | undefined {
  const then = seen.get(path);
  if (!then) return undefined;
  if (now.dev !== then.dev || now.ino !== then.ino) return 'was replaced by another file since it was read';
  if (now.size !== then.size || now.mtimeNs !== then.mtimeNs || now.ctimeNs !== then.ctimeNs) return 'was changed by something else since it was read';
  return undefined;
}
