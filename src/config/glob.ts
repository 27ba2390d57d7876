/**
 * A small glob matcher for config `overrides[].files` and `machines[].domains`:
 * `**` any number of path segments, `*` and `?` within one segment, `{a,b}`
 * literal alternatives, `[...]` classes (`[!...]` negated, `a-z` ranges). A
 * pattern without a `/` matches the basename anywhere, as in .gitignore.
 *
 * It never backtracks: the pattern is a small automaton run over the path once,
 * keeping the set of places in the pattern the path so far can be at. A path of
 * n characters against a pattern of m tokens costs O(n * m) whatever the pattern
 * (a regular expression of `*a*a*a*...c` backtracks exponentially).
 */

/** A pattern the matcher cannot take (a class range backwards): the config loader reports it. */
export class GlobError extends Error {}

type Token =
  | { t: 'char'; ch: string }
  /** `?` */
  | { t: 'one' }
  /** `*`: any run of characters but `/`. */
  | { t: 'star' }
  /** `**` not followed by `/`: any run of characters. */
  | { t: 'any' }
  /** `**` + `/`: zero or more whole segments, each ending in `/`. */
  | { t: 'dirs' }
  | { t: 'alt'; options: string[] }
  | { t: 'class'; negated: boolean; ranges: Array<[string, string]> };

export interface GlobMatcher {
  test(path: string): boolean;
  /** How many automaton states matching `path` visits: at most (n + 1) * (2m + 1) (the linear bound, tested). */
  work(path: string): number;
}

/**
 * Throws a GlobError when the matcher cannot take `pattern`. Only a bracket expression can be
 * malformed (a backwards range), so a pattern without one is not tokenized: a config that names
 * thousands of files checks each in a glance.
 */
export function checkGlob(pattern: string): void {
  if (pattern.includes('[')) compileGlob(pattern);
}

export function compileGlob(pattern: string): GlobMatcher {
  let p = pattern.replace(/\\/g, '/');
  if (p.startsWith('./')) p = p.slice(2);
  const tokens = tokenize(p, pattern);
  const anchored = p.includes('/');
  return { test: (path) => run(tokens, path, anchored).matched, work: (path) => run(tokens, path, anchored).work };
}

function tokenize(p: string, original: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const slash = p[i + 2] === '/';
        tokens.push(slash ? { t: 'dirs' } : { t: 'any' });
        i += slash ? 2 : 1;
      } else {
        tokens.push({ t: 'star' });
      }
    } else if (c === '?') {
      tokens.push({ t: 'one' });
    } else if (c === '{') {
      const close = p.indexOf('}', i);
      if (close < 0) tokens.push({ t: 'char', ch: c });
      else {
        tokens.push({ t: 'alt', options: p.slice(i + 1, close).split(',') });
        i = close;
      }
    } else if (c === '[') {
      const close = p.indexOf(']', i + 1);
      if (close < 0) tokens.push({ t: 'char', ch: c });
      else {
        tokens.push(charClass(p.slice(i + 1, close), original));
        i = close;
      }
    } else {
      tokens.push({ t: 'char', ch: c });
    }
  }
  return tokens;
}

function charClass(body: string, original: string): Token {
  const negated = body.startsWith('!') || body.startsWith('^');
  const chars = [...(negated ? body.slice(1) : body)];
  const ranges: Array<[string, string]> = [];
  for (let k = 0; k < chars.length; k++) {
    const a = chars[k]!;
    if (chars[k + 1] === '-' && k + 2 < chars.length) {
      const b = chars[k + 2]!;
      if (b < a) throw new GlobError(`the glob "${original}" has the range ${a}-${b} backwards in [${body}] (write ${b}-${a})`);
      ranges.push([a, b]);
      k += 2;
    } else {
      ranges.push([a, a]);
    }
  }
  return { t: 'class', negated, ranges };
}

/**
 * Run the automaton. States: `2i` is "at token i", `2i + 1` is "inside the `dirs` token i, in a
 * segment not yet ended by `/`". An alternative jumps ahead by its length, so states may be due
 * at later positions (`due`).
 */
function run(tokens: readonly Token[], path: string, anchored: boolean): { matched: boolean; work: number } {
  let work = 0;
  const m = tokens.length;
  const accept = 2 * m;
  let current = new Set<number>();
  const due = new Map<number, number[]>();
  const addClosed = (set: Set<number>, state: number) => {
    // Follow every token that can match nothing.
    const stack = [state];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (set.has(s)) continue;
      set.add(s);
      work++;
      if (s % 2 === 1 || s === accept) continue;
      const tk = tokens[s / 2]!;
      if (tk.t === 'star' || tk.t === 'any' || tk.t === 'dirs') stack.push(s + 2);
      else if (tk.t === 'alt' && tk.options.includes('')) stack.push(s + 2);
    }
  };
  for (let pos = 0; ; pos++) {
    if (pos === 0 || (!anchored && path[pos - 1] === '/')) addClosed(current, 0);
    for (const s of due.get(pos) ?? []) addClosed(current, s);
    due.delete(pos);
    if (pos === path.length) return { matched: current.has(accept), work };
    if (current.size === 0 && due.size === 0 && anchored) return { matched: false, work };
    const ch = path[pos]!;
    const next = new Set<number>();
    for (const s of current) {
      if (s === accept) continue;
      const i = s >> 1;
      const tk = tokens[i]!;
      if (s % 2 === 1) {
        // Inside a `dirs` segment: more of it, or its `/` ends it.
        addClosed(next, ch === '/' ? 2 * i : s);
        continue;
      }
      switch (tk.t) {
        case 'char':
          if (ch === tk.ch) addClosed(next, s + 2);
          break;
        case 'one':
          if (ch !== '/') addClosed(next, s + 2);
          break;
        case 'star':
          if (ch !== '/') addClosed(next, s);
          break;
        case 'any':
          addClosed(next, s);
          break;
        case 'dirs':
          addClosed(next, ch === '/' ? s : s + 1);
          break;
        case 'class': {
          const inside = tk.ranges.some(([a, b]) => ch >= a && ch <= b);
          if (ch !== '/' && inside !== tk.negated) addClosed(next, s + 2);
          break;
        }
        case 'alt':
          for (const o of tk.options) {
            if (o === '' || !path.startsWith(o, pos)) continue;
            if (o.length === 1) addClosed(next, s + 2);
            else {
              const at = pos + o.length;
              const list = due.get(at) ?? [];
              list.push(s + 2);
              due.set(at, list);
            }
          }
          break;
      }
    }
    current = next;
  }
}

const compiled = new Map<string, GlobMatcher>();

export function matchesAny(relPath: string, patterns: readonly string[]): boolean {
  const p = relPath.replace(/\\/g, '/');
  return patterns.some((g) => {
    let matcher = compiled.get(g);
    if (!matcher) compiled.set(g, (matcher = compileGlob(g)));
    return matcher.test(p);
  });
}
