// The playground bundle's `node:path`: the library's host model names files by their place on the
// machine (`/etc/modprobe.d/vfio.conf`) and splits those names with node:path's posix functions.
// Those are string operations; this gives the ones the bundle imports, with node:path's posix results
// (test/playground/lint-texts.test.ts compares them on generated paths). An import of any other name
// fails the build (esbuild: no matching export), so nothing is guessed.

/** `.` and `..` resolved, empty segments dropped; `..` above the start kept when the path is relative. */
function normalizeSegments(path: string, relative: boolean): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (relative) out.push('..');
  }
  return out.join('/');
}

function normalize(path: string): string {
  if (path === '') return '.';
  const absolute = path.startsWith('/');
  const trailing = path.endsWith('/');
  let p = normalizeSegments(path, !absolute);
  if (p === '') return absolute ? '/' : trailing ? './' : '.';
  if (trailing) p += '/';
  return absolute ? `/${p}` : p;
}

function join(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  return joined === '' ? '.' : normalize(joined);
}

/** The last segment, trailing slashes ignored. */
function basename(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === '/') end--;
  if (end === 0) return '';
  return path.slice(path.lastIndexOf('/', end - 1) + 1, end);
}

/** Everything before the last segment, trailing slashes ignored; node keeps a leading `//` as is. */
function dirname(path: string): string {
  if (path === '') return '.';
  const absolute = path.startsWith('/');
  let end = path.length;
  while (end > 1 && path[end - 1] === '/') end--;
  // Back over the last segment to the slash before it.
  let i = end - 1;
  while (i >= 1 && path[i] !== '/') i--;
  if (i < 1) return absolute ? '/' : '.';
  return absolute && i === 1 ? '//' : path.slice(0, i);
}

export const posix = { basename, dirname, join, sep: '/' };
export { basename, dirname, join };
