import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The path relative to `cwd` when the file is inside it, else the absolute path.
 * Paths that are not file paths (e.g. `<stdin>` resolved elsewhere) come back as given.
 */
export function displayPath(filePath: string, cwd: string): string {
  const rel = relativeInside(filePath, cwd);
  return rel ?? filePath;
}

/** `filePath` relative to `cwd` with `/` separators, or undefined when it is not inside `cwd`. */
export function relativeInside(filePath: string, cwd: string): string | undefined {
  const abs = resolve(cwd, filePath);
  const rel = relative(cwd, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

export function absolutePath(filePath: string, cwd: string): string {
  return resolve(cwd, filePath);
}

/** A relative path as a URI reference: each segment percent-encoded, so `a b#c` stays a path. */
export function relativeUri(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

export function fileUri(absPath: string): string {
  return pathToFileURL(absPath).href;
}

/** The directory as a `file:` URI ending in `/`, as SARIF wants for a base id. */
export function directoryUri(dir: string): string {
  const href = pathToFileURL(resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}
