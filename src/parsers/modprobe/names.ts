/**
 * kmod's `underscores()`: '-' becomes '_' except inside a `[...]` glob bracket. An unmatched
 * ']' or a '[' with no closing ']' makes newer kmod reject the line, so it is reported.
 */
export function normalizeModuleName(name: string): { name: string; unmatchedBracket: boolean } {
  if (name.indexOf('-') < 0 && name.indexOf('[') < 0 && name.indexOf(']') < 0) return { name, unmatchedBracket: false };
  let out = '';
  let unmatchedBracket = false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === '-') out += '_';
    else if (c === ']') { unmatchedBracket = true; out += c; }
    else if (c === '[') {
      const close = name.indexOf(']', i);
      if (close < 0) { unmatchedBracket = true; out += name.slice(i); break; }
      out += name.slice(i, close + 1);
      i = close;
    } else out += c;
  }
  return { name: out, unmatchedBracket };
}

/** Module name equality as kmod sees it (both sides normalized). */
export function sameModule(a: string, b: string): boolean {
  return normalizeModuleName(a).name === normalizeModuleName(b).name;
}
