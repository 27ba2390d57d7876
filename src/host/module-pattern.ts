/**
 * kmod matches the module of a `softdep` line against a module's name with fnmatch(3), flags 0
 * (libkmod-module.c, kmod_module_get_softdeps): `*` and `?` match any characters, `[...]` a class
 * (`[!...]` or glibc's `[^...]` its complement). Both sides are in kmod's `_` spelling already.
 */
export function fnmatchModule(pattern: string, name: string): boolean {
  if (!/[*?[]/.test(pattern)) return pattern === name;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      // glibc negates with `^` as well as `!` (unless POSIXLY_CORRECT is set, which modprobe's callers do not do).
      const negate = pattern[i + 1] === '!' || pattern[i + 1] === '^';
      const first = negate ? i + 2 : i + 1;
      // The class's first character is a member even when it is `]`.
      const close = pattern.indexOf(']', first + 1);
      if (close < 0) { re += '\\['; continue; }
      const body = pattern.slice(first, close);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  try {
    return new RegExp(`${re}$`).test(name);
  } catch {
    return false;
  }
}
