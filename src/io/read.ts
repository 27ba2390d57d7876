import { closeSync, fstatSync, openSync, readSync, statSync, constants, type BigIntStats } from 'node:fs';
import { rememberRead } from './identity.js';
import { ConfinementError, doneWithDir, openConfined, type ReadDir } from './confined.js';
import { idOf, type Confinement, type FileId } from './confinement.js';
import { notRegularReason } from './kind.js';

/**
 * Larger inputs are refused before a byte is read. The largest real domain XML
 * or config file we have seen is about 30 KiB; 16 MiB leaves plenty of room and
 * keeps memory (the XML tree costs about 25 bytes per input byte) bounded.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** `tooLarge` marks a refusal by size alone: the file could still be classified by its start. */
/** `id`: the file read, by device and inode (discovery records it when the read was its look). */
export type ReadOutcome = { ok: true; bytes: Buffer; mode: number; id: FileId } | { ok: false; message: string; tooLarge?: true };

/**
 * Read one input file without ever blocking or reading forever: the file must be
 * a regular file (a FIFO, socket or device such as /dev/zero is refused before it
 * is opened), and is read up to the size fstat gave, never past `maxBytes`. A
 * file that reports a size of 0 (as /proc files do) is read to its end instead,
 * under the same limit. With `confine`, the file is reached from the directory
 * discovery started at without following any link, and must be the file
 * discovery saw (see confined.ts).
 */
export function readInput(path: string, maxBytes = MAX_INPUT_BYTES, confine?: Confinement, afterLook?: () => void): ReadOutcome {
  return readRegular(path, maxBytes, false, confine, afterLook);
}

/**
 * The first `maxBytes` bytes of a regular file (all of it when shorter), with the
 * same refusals as `readInput`: enough to classify a file without reading all of it.
 */
export function readPrefix(path: string, maxBytes: number, confine?: Confinement, afterLook?: () => void): ReadOutcome {
  return readRegular(path, maxBytes, true, confine, afterLook);
}

const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** Open for reading: confined, or (a path the user named, a config file) following links, the type checked first. */
function openForRead(path: string, confine: Confinement | undefined, afterLook: (() => void) | undefined): { fd: number; st: BigIntStats; dir?: ReadDir } {
  if (confine) return openConfined(path, confine, READ_FLAGS, afterLook);
  // The type before the open: opening a FIFO, even non-blocking, would release a writer waiting on it.
  const notRegular = notRegularReason(statSync(path));
  if (notRegular) throw new ConfinementError(notRegular);
  afterLook?.();
  const fd = openSync(path, READ_FLAGS);
  return { fd, st: fstatSync(fd, { bigint: true }) };
}

function readRegular(path: string, maxBytes: number, prefix: boolean, confine: Confinement | undefined, afterLook: (() => void) | undefined): ReadOutcome {
  let opened;
  try {
    opened = openForRead(path, confine, afterLook);
  } catch (err) {
    return { ok: false, message: describeFsError(err) };
  }
  const { fd, st, dir } = opened;
  try {
    // Checked again on the open file: the entry may have been swapped between the look and the open.
    const notRegular = notRegularReason(st);
    if (notRegular) return { ok: false, message: notRegular };
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
    rememberRead(path, st, dir === undefined ? undefined : { within: confine!.within, dir: dir.id() });
    return { ok: true, bytes: bytes.subarray(0, got), mode: Number(st.mode), id: idOf(st) };
  } catch (err) {
    return { ok: false, message: describeFsError(err) };
  } finally {
    closeSync(fd);
    if (dir !== undefined) doneWithDir(dir);
  }
}

function tooLarge(size: bigint | undefined, maxBytes: number): string {
  return size === undefined ? `is too large (over the limit of ${maxBytes} bytes)` : `is too large (${size} bytes; the limit is ${maxBytes})`;
}

export { notRegularReason } from './kind.js';

/** One line, no stack: what went wrong with a path, in words. */
export function describeFsError(err: unknown): string {
  if (err instanceof ConfinementError) return err.message;
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
