import { decode, sourceFile, type SourceFile } from '../core/source.js';
import { readInput } from '../io/read.js';
import type { FileKind, ParsedFile } from '../model/machine.js';
import { parseByKind } from '../parsers/index.js';
import type { InputFile } from './inputs.js';

/** A file read from disk: its decoded source, or why it could not be read. */
export type ReadFile = { input: InputFile; source: SourceFile; failure?: undefined; mode: number | undefined } | { input: InputFile; source: SourceFile; failure: string; mode: undefined };

export function readFile(input: InputFile): ReadFile {
  if (input.masked) return { input, source: sourceFile(input.displayPath, ''), mode: undefined };
  const read = readInput(input.realPath);
  if (!read.ok) return { input, source: sourceFile(input.displayPath, ''), failure: read.message, mode: undefined };
  const decoded = decode(read.bytes);
  if (!decoded.ok) return { input, source: sourceFile(input.displayPath, ''), failure: `${decoded.message} (at byte ${decoded.byteOffset})`, mode: undefined };
  return { input, source: sourceFile(input.displayPath, decoded.text, decoded), mode: read.mode };
}

/** Parse one file's text as its kind. Never throws: a parser bug becomes a fatal problem on the file. */
export function parseFile(source: SourceFile, kind: FileKind, systemPath: string, failure?: string): ParsedFile {
  if (failure !== undefined) {
    return { source, kind, systemPath, ast: { kind: 'none' }, problems: [{ start: 0, end: 0, message: failure, severity: 'fatal', code: 'unreadable' }], fatal: true, comments: [] };
  }
  try {
    const parsed = parseByKind(kind, source.text);
    return { source, kind, systemPath, ast: parsed.ast, problems: parsed.problems, fatal: parsed.problems.some((p) => p.severity === 'fatal'), comments: parsed.comments };
  } catch (err) {
    const message = `internal parser error: ${err instanceof Error ? err.message : String(err)}`;
    return { source, kind, systemPath, ast: { kind: 'none' }, problems: [{ start: 0, end: 0, message, severity: 'fatal', code: 'parser-crash' }], fatal: true, comments: [] };
  }
}
