import { decode, sourceFile, type SourceFile } from '../core/source.js';
import type { ParseProblem } from '../core/problem.js';
import { dirname } from 'node:path';
import { readInput } from '../io/read.js';
import { isXmlKind, type FileKind, type ParsedFile } from '../model/machine.js';
import { parseByKind } from '../kinds/index.js';
import type { InputFile } from './inputs.js';

/** Why a file could not be used, and where in its text (0 when the whole file is at fault). */
export interface ReadFailure {
  message: string;
  offset: number;
}

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

/** Parse one file's text as its kind. Never throws: a parser bug becomes a fatal problem on the file. */
export function parseFile(source: SourceFile, kind: FileKind, systemPath: string, failure?: ReadFailure): ParsedFile {
  if (failure !== undefined) {
    const at = Math.min(failure.offset, source.text.length);
    return { source, kind, systemPath, ast: { kind: 'none' }, problems: [{ start: at, end: at, message: failure.message, severity: 'fatal', code: 'unreadable' }], fatal: true, comments: [] };
  }
  try {
    const parsed = parseByKind(kind, source.text);
    const problems = capProblems(parsed.problems);
    return { source, kind, systemPath, ast: parsed.ast, problems, fatal: problems.some((p) => p.severity === 'fatal'), comments: parsed.comments };
  } catch (err) {
    const message = `internal parser error: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
    return { source, kind, systemPath, ast: { kind: 'none' }, problems: [{ start: 0, end: 0, message, severity: 'fatal', code: 'parser-crash' }], fatal: true, comments: [] };
  }
}

/**
 * A file with thousands of bad lines is one problem said thousands of times: past this many, the
 * rest are summed up in one finding (as severe as the worst of them), so reports stay readable
 * and bounded. Fatal problems are always kept.
 */
export const MAX_PROBLEMS_PER_FILE = 1000;

const RANK = { warning: 1, error: 2, fatal: 3 } as const;

function capProblems(problems: ParseProblem[]): ParseProblem[] {
  if (problems.length <= MAX_PROBLEMS_PER_FILE) return problems;
  const kept: ParseProblem[] = [];
  let first: ParseProblem | undefined;
  let dropped = 0;
  let worst: ParseProblem['severity'] = 'warning';
  for (const p of problems) {
    if (kept.length < MAX_PROBLEMS_PER_FILE || p.severity === 'fatal') {
      kept.push(p);
      continue;
    }
    first ??= p;
    dropped++;
    if (RANK[p.severity] > RANK[worst]) worst = p.severity;
  }
  if (first) kept.push({ start: first.start, end: first.start, severity: worst, code: 'too-many-problems', message: `${dropped} more problems from here on are not listed (at most ${MAX_PROBLEMS_PER_FILE} per file)` });
  return kept;
}
