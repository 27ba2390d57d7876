import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { globToRegExp } from './glob.js';

const MAX_ENTRIES = 100_000;

/** Expand config paths that may hold globs (`vms/*.xml`, `hosts/desk/**\/*.xml`) to existing files, in sorted order. */
export function expandPaths(patterns: readonly string[], baseDir: string): { paths: string[]; missing: string[] } {
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
    const re = globToRegExp(relative(baseDir, resolve(baseDir, pattern)).split('\\').join('/'));
    const found = walk(start).filter((abs) => re.test(relative(baseDir, abs).split('\\').join('/')));
    if (found.length === 0) missing.push(pattern);
    paths.push(...found.sort());
  }
  return { paths, missing };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  let seen = 0;
  while (stack.length > 0 && seen < MAX_ENTRIES) {
    const d = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const name of names) {
      if (name === 'node_modules' || name === '.git') continue;
      seen++;
      const p = join(d, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) stack.push(p);
      else if (st.isFile()) out.push(p);
    }
  }
  return out;
}
