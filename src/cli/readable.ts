import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { describeFsError } from '../io/read.js';

/**
 * Can a file named on the command line be opened for reading, and is it a
 * regular file? Opened non-blocking and closed at once: nothing is read, so a
 * FIFO or device cannot hang the run. Returns why not, or undefined.
 *
 * A file the user named that cannot be read is a failed run (exit 2), as in
 * ShellCheck; a file found inside a host tree that cannot be read stays a
 * finding on that file.
 */
export function unreadableReason(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    return describeFsError(err);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory() || st.isFile()) return undefined;
    const what = st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : 'a special file';
    return `is not a regular file (${what}); refusing to read it`;
  } catch (err) {
    return describeFsError(err);
  } finally {
    closeSync(fd);
  }
}
