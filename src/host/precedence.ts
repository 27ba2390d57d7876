import { posix } from 'node:path';
import type { ParsedFile } from '../model/file.js';
import { compareNames } from './dirs.js';

export interface Shadowed {
  file: ParsedFile;
  /** The same-named file in a directory that takes precedence. */
  by: ParsedFile;
}

/**
 * The drop-in rule kmod and systemd share (catalog 1.2, 1.3): among files with
 * the same basename, the one in the earliest directory of `dirs` wins and the
 * others are ignored; the winners are then read in strcmp order of basename,
 * whatever their directory. Files outside `dirs` (given one by one) count as
 * the first directory's.
 */
export function dropinOrder(files: readonly ParsedFile[], dirs: readonly string[]): { effective: ParsedFile[]; shadowed: Shadowed[] } {
  const rank = (f: ParsedFile) => {
    const dir = posix.dirname(f.systemPath).replace(/^\//, '');
    const i = dirs.indexOf(dir);
    return i < 0 ? 0 : i;
  };
  const byName = new Map<string, ParsedFile[]>();
  for (const f of files) {
    const name = posix.basename(f.systemPath);
    byName.set(name, [...(byName.get(name) ?? []), f]);
  }
  const effective: ParsedFile[] = [];
  const shadowed: Shadowed[] = [];
  for (const group of byName.values()) {
    const sorted = [...group].sort((a, b) => rank(a) - rank(b));
    effective.push(sorted[0]!);
    for (const f of sorted.slice(1)) shadowed.push({ file: f, by: sorted[0]! });
  }
  effective.sort((a, b) => compareNames(posix.basename(a.systemPath), posix.basename(b.systemPath)) || rank(a) - rank(b));
  return { effective, shadowed };
}
