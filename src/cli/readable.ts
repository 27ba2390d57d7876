import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import { describeFsError, notRegularReason } from '../io/read.js';

/**
 * Can a file named on the command line be opened for reading, and is it a
 * regular file? Its type is checked before it is opened (non-blocking, closed at
 * once, nothing read), so a FIFO or device is never opened. Returns why not, or undefined.
 *
 * A file the user named that cannot be read is a failed run (exit 2), as in
 * ShellCheck; a file found inside a host tree that cannot be read stays a
 * finding on that file.
 */
export function unreadableReason(path: string): string | undefined {
  // The type first, without opening: opening a FIFO, even non-blocking, releases a writer waiting on it.
  try {
    const st = statSync(path);
    if (!st.isDirectory()) {
      const notRegular = notRegularReason(st);
      if (notRegular) return notRegular;
    }
  } catch (err) {
    return describeFsError(err);
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    return describeFsError(err);
  }
  try {
    // Swapped for something else between the look and the open.
    const st = fstatSync(fd);
    return st.isDirectory() ? undefined : notRegularReason(st);
  } catch (err) {
    return describeFsError(err);
  } finally {
    closeSync(fd);
  }
}
