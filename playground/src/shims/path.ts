// The playground bundle's `node:path`: the library's host model names files by their place on the
// machine (`/etc/modprobe.d/vfio.conf`) and splits those names with node:path's posix functions.
// Those are string operations; this gives the ones the bundle imports, for '/'-separated paths.
// An import of any other name fails the build (esbuild: no matching export), so nothing is guessed.

function normalizeParts(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!path.startsWith('/')) out.push('..');
    } else out.push(part);
  }
  return out;
}

function basename(path: string, ext?: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return ext && base !== ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
}

function dirname(path: string): string {
  if (path === '') return '.';
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  const i = trimmed.lastIndexOf('/');
  if (i < 0) return '.';
  const dir = trimmed.slice(0, i).replace(/\/+$/, '');
  return dir === '' ? '/' : dir;
}

function join(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  if (joined === '') return '.';
  const norm = normalizeParts(joined).join('/');
  const abs = joined.startsWith('/');
  const result = (abs ? '/' : '') + norm;
  return result === '' ? '.' : joined.endsWith('/') && norm !== '' ? `${result}/` : result;
}

export const posix = { basename, dirname, join, sep: '/' };
export { basename, dirname, join };
