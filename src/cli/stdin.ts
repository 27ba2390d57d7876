import { readSync } from 'node:fs';
import { classifyText } from '../model/classify.js';
import type { FileKind } from '../model/machine.js';
import { InputError, systemPathOf, type InputFile } from '../pipeline/inputs.js';
import { describeFsError, MAX_INPUT_BYTES } from '../io/read.js';

/**
 * The input that standard input stands for: the file it replaces when one of
 * the collected files has its path, else a new file classified the way a file
 * on disk is (`--kind`, else XML by its root element, else the path, else the
 * content). `problem` says why it cannot be used.
 */
export function stdinInput(
  text: string,
  filePath: string,
  kind: FileKind | undefined,
  collected: readonly InputFile[],
): { input: InputFile; replaces: boolean } | { problem: string } {
  const same = collected.find((f) => f.realPath === filePath || f.displayPath === filePath);
  if (same) return { input: same, replaces: true };
  const c = kind ? undefined : classifyText(filePath, text, { named: true });
  const k = kind ?? (c?.ok ? c.classification.kind : undefined);
  if (!k) {
    const xml = filePath.endsWith('.xml') || text.trimStart().startsWith('<');
    return { problem: xml ? 'is neither a libvirt domain nor a capabilities XML; name what it is with --kind' : 'cannot tell what kind of file this is; name it with --stdin-filename or --kind' };
  }
  return { input: { realPath: filePath, displayPath: filePath, systemPath: systemPathOf(filePath, k), kind: k, masked: false }, replaces: false };
}

/** Read all of standard input, synchronously, as bytes: past the input limit it stops, so "too large" can be told. */
export function readAllStdin(): Uint8Array {
  const chunks: Buffer[] = [];
  const buf = Buffer.allocUnsafe(1 << 16);
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // A non-blocking stdin with nothing yet: wait a little instead of spinning.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') break;
      // `--stdin < somedir`: a mistake on the command line, said in words.
      if (code === 'EISDIR') throw new InputError('standard input is a directory; give a file or a pipe with --stdin');
      throw new InputError(`cannot read standard input: ${describeFsError(err)}`);
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
    if (total > MAX_INPUT_BYTES) break;
  }
  return Buffer.concat(chunks);
}
