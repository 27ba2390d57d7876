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
 * Whether a descriptor is a terminal, and its width, without node:tty: that module pulls in net and
 * the whole stream stack (31 modules, about 8 ms of CPU at start-up), which made a run on a terminal
 * cost more than one into a pipe (issue 21). A pipe or a file is never a character device, and Linux's
 * memory devices (major 1: /dev/null, /dev/zero...) never terminals: those need no question at all.
 * Otherwise Node's own tty binding answers (what node:tty itself calls), and node:tty is the fallback
 * when that binding cannot be had.
 */
interface Terminal {
  isTTY: boolean;
  /** The width the terminal reports (0 when it reports none); undefined when it could not be asked. */
  columns?: number;
}

function terminalOf(fd: number): Terminal {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice()) return { isTTY: false };
    if (process.platform === 'linux' && linuxMajor(st.rdev) === 1) return { isTTY: false };
  } catch {
    return { isTTY: false };
  }
  const binding = ttyBinding();
  if (binding) {
    try {
      if (!binding.isTTY(fd)) return { isTTY: false };
      return { isTTY: true, columns: windowColumns(binding, fd) };
    } catch {
      // An older or newer binding than the one known here: ask node:tty below.
    }
  }
  try {
    const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
    if (!tty.isatty(fd)) return { isTTY: false };
    return { isTTY: true, columns: fd === 1 ? process.stdout.columns : undefined };
  } catch {
    return { isTTY: false };
  }
}

/** The part of Node's tty binding used here: the same calls node:tty makes for isatty and a stream's size. */
interface TtyBinding {
  isTTY(fd: number): boolean;
  TTY: new (fd: number, ctx: { code?: string }) => { getWindowSize(size: number[]): number; close(): void };
}

function ttyBinding(): TtyBinding | undefined {
  // process.binding is deprecated in the documentation only; under --pending-deprecation it warns, so
  // a user who asked for those warnings gets node:tty instead of one about us.
  const pending = process.execArgv.includes('--pending-deprecation') || /--pending-deprecation/.test(process.env.NODE_OPTIONS ?? '') || process.env.NODE_PENDING_DEPRECATION === '1';
  const binding = (process as unknown as { binding?: (name: string) => unknown }).binding;
  if (pending || typeof binding !== 'function') return undefined;
  try {
    const b = binding.call(process, 'tty_wrap') as Partial<TtyBinding>;
    return typeof b.isTTY === 'function' && typeof b.TTY === 'function' ? (b as TtyBinding) : undefined;
  } catch {
    return undefined;
  }
}

/** The terminal's width as tty.WriteStream reads it (its `columns`): undefined when the size cannot be read. */
function windowColumns(binding: TtyBinding, fd: number): number | undefined {
  const ctx: { code?: string } = {};
  const handle = new binding.TTY(fd, ctx);
  if (ctx.code !== undefined) return undefined;
  try {
    const size = [0, 0];
    return handle.getWindowSize(size) === 0 ? size[0] : undefined;
  } finally {
    // libuv never closes a standard descriptor; a copy it opened for the handle is closed here.
    handle.close();
  }
}

/** The major device number in Linux's encoding of a dev_t (glibc's gnu_dev_major). */
function linuxMajor(rdev: number): number {
  return ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
}

const stdout = terminalOf(1);
const stdoutIsTTY = stdout.isTTY;
/** The width of the terminal on standard output: COLUMNS when set, else the terminal's own. */
function terminalColumns(): number | undefined {
  const given = Number(process.env.COLUMNS);
  if (Number.isInteger(given) && given > 0) return given;
  return stdout.columns;
}
// The bundle's entry: wire the CLI to the real process.
main(process.argv.slice(2), {
  stdout: (s) => writeAll(1, s),
  stderr: (s) => writeAll(2, s),
  cwd: process.cwd(),
  env: process.env,
  stdoutIsTTY,
  // Only a terminal has a width.
  columns: stdoutIsTTY ? terminalColumns() : undefined,
  readStdin: readAllStdin,
}).then(
  (code) => {
    // Everything is written by now (writeAll is synchronous). Exiting here skips tearing down the
    // heap and the environment that a natural exit does: about 3 ms of CPU, 4% of a small run.
    process.exit(code);
  },
  (err: unknown) => {
    writeAll(2, `vfio-lint: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
