/**
 * A small glob matcher for config `overrides[].files` and `machines[].domains`:
 * `**` any number of path segments, `*` and `?` within one segment, `{a,b}`
 * alternatives, `[...]` classes. A pattern without a `/` matches the basename
 * anywhere, as in .gitignore.
 */
export function globToRegExp(pattern: string): RegExp {
  let p = pattern.replace(/\\/g, '/');
  if (p.startsWith('./')) p = p.slice(2);
  const anchored = p.includes('/');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const slash = p[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '{') {
      const close = p.indexOf('}', i);
      if (close < 0) {
        re += '\\{';
        continue;
      }
      re += `(?:${p.slice(i + 1, close).split(',').map(escape).join('|')})`;
      i = close;
    } else if (c === '[') {
      const close = p.indexOf(']', i + 1);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      const body = p.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = close;
    } else {
      re += escape(c);
    }
  }
  return new RegExp(anchored ? `^${re}$` : `(?:^|/)${re}$`);
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

export function matchesAny(relPath: string, patterns: readonly string[]): boolean {
  const p = relPath.replace(/\\/g, '/');
  return patterns.some((g) => globToRegExp(g).test(p));
}
