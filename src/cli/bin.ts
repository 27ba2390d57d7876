import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { main } from './main.js';
import { readAllStdin } from './stdin.js';
import { InputError } from '../pipeline/inputs.js';
import { describeFsError } from '../io/read.js';

/**
 * Output goes straight to the file descriptors: the CLI prints once, at the
 * end, and touching process.stdout would load Node's stream machinery (about
 * 5 ms of start-up) for nothing.
 */
let stdoutClosed = false;

function writeAll(fd: number, text: string): void {
  if (fd === 1 && stdoutClosed) return;
  const bytes = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A non-blocking pipe that is full: wait for the reader.
      if (code === 'EAGAIN') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      // `vfio-lint ... | head` closed the pipe early: the reader's choice, not an error. The rest of
      // the report is dropped, but the run goes on to its end so the exit code still says what it found.
      else if (code === 'EPIPE') {
        if (fd === 1) stdoutClosed = true;
        return;
      }
      // Standard error cannot carry its own failure: the exit status says it.
      else if (fd === 2) process.exit(2);
      // A full disk or a broken device behind standard output: one line on standard error, exit 2.
      else throw new InputError(`cannot write to standard output: ${describeFsError(err)}`);
    }
  }
}

/**
 * node:tty pulls in net and the whole stream stack (about 8 ms of start-up), so
 * it is loaded only when the descriptor is a character device, which a pipe or
 * file never is.
 */
function isTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice()) return false;
    // Linux's memory devices (major 1: /dev/null, /dev/zero, /dev/full...) are never terminals: output sent
    // to /dev/null starts as fast as a pipe, without node:tty's 31 extra modules (issue 21).
    if (process.platform === 'linux' && linuxMajor(st.rdev) === 1) return false;
    const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
    return tty.isatty(fd);
  } catch {
    return false;
  }
}

/** The major device number in Linux's encoding of a dev_t (glibc's gnu_dev_major). */
function linuxMajor(rdev: number): number {
  return ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
}

/** The width of the terminal on standard output: COLUMNS when set, else the terminal's own. */
function terminalColumns(): number | undefined {
  const given = Number(process.env.COLUMNS);
  if (Number.isInteger(given) && given > 0) return given;
  return process.stdout.columns;
}

const stdoutIsTTY = isTerminal(1);
// The bundle's entry: wire the CLI to the real process.
main(process.argv.slice(2), {
  stdout: (s) => writeAll(1, s),
  stderr: (s) => writeAll(2, s),
  cwd: process.cwd(),
  env: process.env,
  stdoutIsTTY,
  // Only a terminal has a width (and only then is process.stdout, a stream, worth its start-up cost).
  columns: stdoutIsTTY ? terminalColumns() : undefined,
  readStdin: readAllStdin,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    writeAll(2, `vfio-lint: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
