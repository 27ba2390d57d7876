import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync, constants } from 'node:fs';
import { basename, join } from 'node:path';
import type { UnreadReason } from './types.js';

/**
 * Bounded, non-blocking reads of host files under a root directory. Unlike
 * src/io/read.ts (inputs that `--fix` may rewrite), these keep no identity
 * record, and give the errno as an `UnreadReason`: a live read opens thousands
 * of sysfs attributes, which report a size of 4096 whatever they hold.
 */
export type Failure = { ok: false; reason: UnreadReason; detail: string };
export type Bytes = { ok: true; bytes: Buffer } | Failure;

/** sysfs and /proc attributes are a page at most; 64 KiB leaves room. */
export const ATTR_BYTES = 64 * 1024;

export function failure(err: unknown): Failure {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { ok: false, reason: 'missing', detail: 'no such file or directory' };
    case 'EACCES':
    case 'EPERM':
      return { ok: false, reason: 'permission', detail: 'permission denied' };
    default: {
      const msg = err instanceof Error ? err.message : String(err);
      return { ok: false, reason: 'failed', detail: code ? `${code}: ${msg.replace(/^[A-Z]+: /, '').split('\n')[0]}` : msg.split('\n')[0]! };
    }
  }
}

/**
 * Read a regular file, at most `max` bytes; over that it is refused (`too-large`),
 * or cut at `max` when `prefix` is set. Opened non-blocking: a FIFO or device is
 * refused before any read.
 */
export function readBytes(path: string, max: number, prefix = false): Bytes {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    return failure(err);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, reason: 'failed', detail: st.isDirectory() ? 'is a directory, expected a file' : 'is not a regular file; not read' };
    const limit = prefix ? max : max + 1;
    let buf = Buffer.allocUnsafe(Math.min(limit, Math.max(st.size, 4096)));
    let got = 0;
    while (got < limit) {
      if (got === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(limit, buf.length * 2));
        buf.copy(bigger, 0, 0, got);
        buf = bigger;
      }
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
    }
    if (got > max) return { ok: false, reason: 'too-large', detail: `larger than the limit of ${max} bytes` };
    return { ok: true, bytes: buf.subarray(0, got) };
  } catch (err) {
    return failure(err);
  } finally {
    closeSync(fd);
  }
}

export type Names = { ok: true; names: string[] } | Failure;

/** A directory's entries, sorted (strcmp order), at most `max` of them. */
export function listNames(path: string, max: number): Names {
  try {
    const names = readdirSync(path).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (names.length > max) return { ok: false, reason: 'too-large', detail: `more than ${max} entries` };
    return { ok: true, names };
  } catch (err) {
    return failure(err);
  }
}

export type LinkName = { ok: true; name: string } | Failure;

/** The last part of a symlink's target (`driver` -> `vfio-pci`), without following it. */
export function linkName(path: string): LinkName {
  try {
    return { ok: true, name: basename(readlinkSync(path)) };
  } catch (err) {
    return failure(err);
  }
}

export type Stat = { ok: true; isDir: boolean; isFile: boolean; size: number; mtimeMs: number } | Failure;

export function statPath(path: string): Stat {
  try {
    const st = statSync(path);
    return { ok: true, isDir: st.isDirectory(), isFile: st.isFile(), size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
  } catch (err) {
    return failure(err);
  }
}

/** Does anything (even a dangling link) sit at `path`? */
export function present(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** A host path (`/sys/...`) inside `root`. */
export function under(root: string, hostPath: string): string {
  return root === '/' ? hostPath : join(root, hostPath);
}
