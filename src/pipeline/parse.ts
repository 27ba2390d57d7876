import type { ParseProblem } from '../core/problem.js';
import type { SourceFile } from '../core/source.js';
import type { FileKind, ParsedFile } from '../model/machine.js';
import { parseByKind } from '../kinds/index.js';

/** Why a file could not be used, and where in its text (0 when the whole file is at fault). */
export interface ReadFailure {
  message: string;
  offset: number;
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
