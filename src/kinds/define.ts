import type { DirectoryKindEntry, FileKindEntry } from './types.js';

/** Declare a file kind; the identity function keeps its name and AST types literal, so the registry can derive them. */
export function defineFileKind<const N extends string, A extends { kind: string }>(entry: Omit<FileKindEntry<N, A>, 'shape'>): FileKindEntry<N, A> {
  return { shape: 'file', ...entry };
}

/** Declare a directory-shaped kind (a folder read as a whole). */
export function defineDirectoryKind<const N extends string, F>(entry: Omit<DirectoryKindEntry<N, F>, 'shape'>): DirectoryKindEntry<N, F> {
  return { shape: 'directory', ...entry };
}
