import type { BigIntStats } from 'node:fs';

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
}

// Keyed by the path as read; one entry per distinct file, replaced on each read.
const seen = new Map<string, Identity>();

function identityOf(st: BigIntStats): Identity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

export function rememberRead(path: string, st: BigIntStats): void {
  seen.set(path, identityOf(st));
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
