import { compileGlob, type GlobMatcher } from './glob.js';

/** One line of an ignore file, compiled once. */
interface IgnoreRule {
  re: GlobMatcher;
  negate: boolean;
  dirOnly: boolean;
  /** Matched against `/` + the path (anchored rules) or the path as is (a name at any depth). */
  anchored: boolean;
}

/**
 * Ignore patterns in gitignore syntax (`.vfio-lintignore`, the config's
 * `ignores`): `#` comments, `!` re-includes, a trailing `/` matches folders only,
 * a leading or inner `/` anchors the pattern to the ignore file's folder, and a
 * pattern without one matches a name at any depth. The last matching line wins,
 * and a file in an ignored folder stays ignored (the walk never enters it).
 * Globs are matched by config/glob.ts.
 */
export class IgnoreList {
  private readonly rules: IgnoreRule[] = [];

  /** `lines`: the ignore file's text, or config patterns one per entry. */
  constructor(lines: readonly string[] | string) {
    for (const raw of typeof lines === 'string' ? lines.split(/\r?\n/) : lines) {
      const rule = compile(raw);
      if (rule) this.rules.push(rule);
    }
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** Is `rel` (relative to the folder the patterns belong to, `/`-separated) ignored? undefined: no line speaks of it. */
  decide(rel: string, isDir: boolean): boolean | undefined {
    let result: boolean | undefined;
    for (const r of this.rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.re.test(r.anchored ? `/${rel}` : rel)) result = !r.negate;
    }
    return result;
  }
}

function compile(raw: string): IgnoreRule | undefined {
  // Trailing spaces are dropped unless escaped with a backslash.
  let line = raw.replace(/(?<!\\)\s+$/, '').replace(/\\(\s)$/, '$1');
  if (line === '' || line.startsWith('#')) return undefined;
  let negate = false;
  if (line.startsWith('!')) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
    line = line.slice(1);
  }
  let dirOnly = false;
  if (line.endsWith('/')) {
    dirOnly = true;
    line = line.slice(0, -1);
  }
  if (line === '') return undefined;
  const anchored = line.includes('/');
  // Anchored patterns are matched against `/` + the path, so `/foo` and `foo/bar` start at the folder's top.
  const pattern = anchored ? (line.startsWith('/') ? line : `/${line}`) : line;
  try {
    return { re: compileGlob(pattern), negate, dirOnly, anchored };
  } catch {
    // A pattern the matcher cannot take (`[z-a]`) matches nothing, as git treats a broken line.
    return undefined;
  }
}
