import { decode, sourceFile, type SourceFile } from '../core/source.js';
import { dirname } from 'node:path';
import { readInput } from '../io/read.js';
import { isXmlKind } from '../model/machine.js';
import type { InputFile } from './inputs.js';
import type { ReadFailure } from './parse.js';

// Parsing has no I/O and lives in parse.ts (the playground's browser build uses it without this module).
export { parseFile, MAX_PROBLEMS_PER_FILE, type ReadFailure } from './parse.js';

/** A file read from disk: its decoded source, or why it could not be read. */
export type ReadFile = { input: InputFile; source: SourceFile; failure?: undefined; mode: number | undefined } | { input: InputFile; source: SourceFile; failure: ReadFailure; mode: undefined };

export function readFile(input: InputFile): ReadFile {
  if (input.masked) return { input, source: sourceFile(input.displayPath, ''), mode: undefined };
  // Confined as discovery found it; an input made by hand is read from its own directory, never through a link.
  const read = input.preread ? { ok: true as const, ...input.preread } : readInput(input.realPath, undefined, input.confine ?? { within: dirname(input.realPath) });
  if (!read.ok) return { input, source: sourceFile(input.displayPath, ''), failure: { message: read.message, offset: 0 }, mode: undefined };
  const decoded = decode(read.bytes);
  if (!decoded.ok) {
    // The text up to the bad byte decodes, so the finding can point at a line and column.
    const before = decode(read.bytes.subarray(0, decoded.byteOffset));
    const text = before.ok ? before.text : '';
    const source = before.ok ? sourceFile(input.displayPath, text, before) : sourceFile(input.displayPath, '');
    return { input, source, failure: { message: `${decoded.message} (at byte ${decoded.byteOffset})`, offset: text.length }, mode: undefined };
  }
  const source = sourceFile(input.displayPath, decoded.text, decoded);
  // A second byte-order mark is a character before the root element: xmllint and libvirt refuse it (saxes would skip it).
  if (isXmlKind(input.kind) && decoded.bom && decoded.text.charCodeAt(0) === 0xfeff) return { input, source, failure: { message: 'a second byte-order mark after the first: the document starts with a character that is not markup', offset: 0 }, mode: undefined };
  const nul = isXmlKind(input.kind) ? -1 : decoded.text.indexOf('\0');
  // The XML parser reports a NUL itself. A config file with one is not text: kmod and systemd stop
  // reading the line there, the shell drops it, so no reading of ours would match theirs.
  if (nul >= 0) return { input, source, failure: { message: 'NUL byte in a text file: the tools that read this file stop at it or skip it, so it is not linted', offset: nul }, mode: undefined };
  return { input, source, mode: read.mode };
}
