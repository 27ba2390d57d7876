import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { compileGlob } from './glob.js';

const MAX_ENTRIES = 100_000;

/** Expand config paths that may hold globs (`vms/*.xml`, `hosts/desk/**\/*.xml`) to existing files, in sorted order. */
export function expandPaths(patterns: readonly string[], baseDir: string, options: { folders?: boolean } = {}): { paths: string[]; missing: string[] } {
  const paths: string[] = [];
  const missing: string[] = [];
  for (const pattern of patterns) {
    if (!/[*?[{]/.test(pattern)) {
      paths.push(resolve(baseDir, pattern));
      continue;
    }
    const parts = pattern.split('/');
    const firstGlob = parts.findIndex((p) => /[*?[{]/.test(p));
    // `parts.join` keeps the leading '/' of an absolute pattern (whose first part is ''), which spreading the parts would drop.
    const start = firstGlob === 0 ? baseDir : resolve(baseDir, parts.slice(0, firstGlob).join('/') || '/');
    const re = compileGlob(relative(baseDir, resolve(baseDir, pattern)).replaceAll('\\', '/'));
    // A pattern with a '/' and no `**` names files a fixed number of directories below its first glob: go no
    // deeper. (Without a '/' it matches a basename at any depth; a brace may hide a '/'.)
    const rest = parts.slice(firstGlob);
    const depth = parts.length === 1 || rest.includes('**') || pattern.includes('{') ? Infinity : rest.length - 1;
    const found = walk(start, depth, options.folders ?? false).filter((abs) => re.test(relative(baseDir, abs).replaceAll('\\', '/')));
    if (found.length === 0) missing.push(pattern);
    paths.push(...found.sort());
  }
  return { paths, missing };
}

/** Files under `dir` (and folders too, with `folders`: a quoted `hosts/*` on the command line names folders). */
function walk(dir: string, maxDepth: number, folders: boolean): string[] {
  const out: string[] = [];
  const stack: Array<{ dir: string; depth: number }> = [{ dir, depth: 0 }];
  let seen = 0;
  while (stack.length > 0 && seen < MAX_ENTRIES) {
    const d = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(d.dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const name = entry.name;
      if (name === 'node_modules' || name === '.git') continue;
      seen++;
      const p = join(d.dir, name);
      // The entry's type comes with the listing; only a symlink needs a stat to see what it points at.
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const st = statSync(p);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue;
        }
      }
      if (isDir) {
        if (folders) out.push(p);
        if (d.depth < maxDepth) stack.push({ dir: p, depth: d.depth + 1 });
      } else if (isFile) out.push(p);
    }
  }
  return out;
}
