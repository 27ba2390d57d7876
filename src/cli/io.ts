/** What the CLI reads from and writes to: the process's streams in bin.ts, captured ones in tests. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  /** The terminal's width when standard output is one (undefined for a pipe or a file). */
  columns?: number;
  /** All of standard input, as bytes (decoded like a file: BOM, strict UTF-8 or UTF-16). */
  readStdin: () => Uint8Array;
}
