/*
 * What discovery records so that reads and writes find the same file (see confined.ts). Kept free
 * of node imports: these types are part of the public declarations (InputFile).
 */

/** A file's identity: the same (dev, ino) is the same file, whatever path led to it. */
export interface FileId {
  dev: bigint;
  ino: bigint;
}

/**
 * Where a file must be, as discovery found it: under `within` (the tree, folder
 * or directory the user gave, opened as given), reached from there through real
 * directories only, and (when discovery looked at it) the file it saw then.
 */
export interface Confinement {
  within: string;
  id?: FileId;
}

export function idOf(st: { dev: bigint; ino: bigint }): FileId {
  return { dev: st.dev, ino: st.ino };
}

export function sameId(a: FileId, b: { dev: bigint; ino: bigint }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}
