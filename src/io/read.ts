import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';

/** Larger inputs are refused: a real domain XML or config file is far below this. */
export const MAX_INPUT_BYTES = 128 * 1024 * 1024;

export type ReadOutcome = { ok: true; bytes: Buffer; mode: number } | { ok: false; message: string };

/**
 * Read one input file without ever blocking or reading forever: the file is
 * opened non-blocking, must be a regular file (a FIFO, socket or device such as
 * /dev/zero is refused before any read), and is read up to its size at open
 * time, capped at `maxBytes`.
 */
export function readInput(path: string, maxBytes = MAX_INPUT_BYTES): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    return { ok: false, message: describeFsError(err) };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { ok: false, message: 'is a directory, expected a file' };
    if (!st.isFile()) return { ok: false, message: `is not a regular file (${kindOf(st)}); refusing to read it` };
    if (st.size > maxBytes) return { ok: false, message: `is too large (${st.size} bytes; the limit is ${maxBytes})` };
    const bytes = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, bytes, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return { ok: true, bytes: got === st.size ? bytes : bytes.subarray(0, got), mode: st.mode };
  } catch (err) {
    return { ok: false, message: describeFsError(err) };
  } finally {
    closeSync(fd);
  }
}

function kindOf(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
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
    default:
      return err instanceof Error ? err.message.replace(/^[A-Z]+: /, '') : String(err);
  }
}
