import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { rememberRead } from './identity.js';

/**
 * Larger inputs are refused before a byte is read. The largest real domain XML
 * or config file we have seen is about 30 KiB; 16 MiB leaves plenty of room and
 * keeps memory (the XML tree costs about 25 bytes per input byte) bounded.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** `tooLarge` marks a refusal by size alone: the file could still be classified by its start. */
export type ReadOutcome = { ok: true; bytes: Buffer; mode: number } | { ok: false; message: string; tooLarge?: true };

/**
 * Read one input file without ever blocking or reading forever: the file is
 * opened non-blocking, must be a regular file (a FIFO, socket or device such as
 * /dev/zero is refused before any read), and is read up to the size fstat gave,
 * never past `maxBytes`. A file that reports a size of 0 (as /proc files do) is
 * read to its end instead, under the same limit.
 */
export function readInput(path: string, maxBytes = MAX_INPUT_BYTES): ReadOutcome {
  return readRegular(path, maxBytes, false);
}

/**
 * The first `maxBytes` bytes of a regular file (all of it when shorter), with the
 * same refusals as `readInput`: enough to classify a file without reading all of it.
 */
export function readPrefix(path: string, maxBytes: number): ReadOutcome {
  return readRegular(path, maxBytes, true);
}

function readRegular(path: string, maxBytes: number, prefix: boolean): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    return { ok: false, message: describeFsError(err) };
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (st.isDirectory()) return { ok: false, message: 'is a directory, expected a file' };
    if (!st.isFile()) return { ok: false, message: `is not a regular file (${kindOf(st)}); refusing to read it` };
    if (!prefix && st.size > BigInt(maxBytes)) return { ok: false, message: tooLarge(st.size, maxBytes), tooLarge: true };
    // One byte past the limit tells a /proc file (size 0) over the limit from one exactly at it.
    const limit = prefix ? maxBytes : maxBytes + 1;
    // The whole reported size in one buffer; 4 KiB to start a file that reports 0.
    let bytes = Buffer.allocUnsafe(Math.min(limit, Math.max(Number(st.size), 4096)));
    let got = 0;
    while (got < limit) {
      if (got === bytes.length) {
        const bigger = Buffer.allocUnsafe(Math.min(limit, bytes.length * 2));
        bytes.copy(bigger, 0, 0, got);
        bytes = bigger;
      }
      const n = readSync(fd, bytes, got, bytes.length - got, null);
      if (n === 0) break;
      got += n;
      // All the size fstat gave: done, without one more read to see the end (a file that grows after
      // fstat is read as it was then, and --fix sees the change). A /proc file reports 0 and is read to its end.
      if (got === Number(st.size) && got > 0) break;
    }
    if (!prefix && got > maxBytes) return { ok: false, message: tooLarge(undefined, maxBytes), tooLarge: true };
    rememberRead(path, st);
    return { ok: true, bytes: bytes.subarray(0, got), mode: Number(st.mode) };
  } catch (err) {
    return { ok: false, message: describeFsError(err) };
  } finally {
    closeSync(fd);
  }
}

function tooLarge(size: bigint | undefined, maxBytes: number): string {
  return size === undefined ? `is too large (over the limit of ${maxBytes} bytes)` : `is too large (${size} bytes; the limit is ${maxBytes})`;
}

function kindOf(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/** Why a path that exists is not a regular file we would read, in words; undefined for a regular file. */
export function notRegularReason(st: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'is a directory, expected a file';
  return `is not a regular file (${kindOf(st)}); refusing to read it`;
}

/** One line, no stack: what went wrong with a path, in words. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a directory, expected a file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'ENXIO':
      // open() of a socket, or of a device with no driver behind it.
      return 'is not a regular file (a socket or an absent device); refusing to read it';
    case 'EIO':
      return 'input/output error';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    case 'EXDEV':
      return 'the temporary file is on another file system';
    default:
      return err instanceof Error ? err.message.replace(/^[A-Z]+: /, '') : String(err);
  }
}
