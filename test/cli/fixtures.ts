import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** The small machine trees the CLI tests run on (test/fixtures/cli/README.md says what each holds). */
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'cli');

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh, empty temporary directory, removed after the file's tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-cli-'));
  temps.push(dir);
  return dir;
}

/** A temporary copy of a fixture tree, for anything that writes (--fix never touches the fixtures). */
export function tempCopy(name: string): string {
  const dir = join(tempDir(), name);
  cpSync(fixture(name), dir, { recursive: true });
  return dir;
}

/** The fields of ESLint's JSON result that the tests read, plus vfio-lint's `kind`. */
export interface JsonResult {
  filePath: string;
  kind: string | null;
  messages: JsonMessage[];
  suppressedMessages: unknown[];
  errorCount: number;
  fatalErrorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  usedDeprecatedRules: unknown[];
  output?: string;
}

export interface JsonMessage {
  ruleId: string | null;
  severity: 1 | 2;
  level: 'error' | 'warning' | 'info';
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  nodeType: null;
  fatal?: boolean;
  fix?: { range: [number, number]; text: string };
  suggestions?: Array<{ desc: string; fix?: { range: [number, number]; text: string } }>;
}

/** `file:line:col rule` for every finding, in output order: a compact shape to compare whole runs. */
export function findings(results: readonly JsonResult[], base: string): string[] {
  return results.flatMap((r) => r.messages.map((m) => `${r.filePath.startsWith(`${base}/`) ? r.filePath.slice(base.length + 1) : r.filePath}:${m.line}:${m.column} ${m.ruleId ?? '(fatal)'} ${m.level}`));
}

/** An error printed the way the brief asks: one line, no stack trace. */
export const ONE_LINE = /^vfio-lint: [^\n]+\n$/;
export const STACK = /\n\s+at /;

/**
 * Stylish output split into the findings part and the "rule X skipped: ..." lines
 * that follow it (with the blank line between), so that a test of the findings
 * does not break when a rule needing some other input is added.
 */
export function splitSkipped(stdout: string): { report: string; skipped: string[] } {
  const lines = stdout.split('\n');
  const first = lines.findIndex((l) => /^rules? \S.* skipped: /.test(l));
  if (first < 0) return { report: stdout, skipped: [] };
  const start = first > 0 && lines[first - 1] === '' ? first - 1 : first;
  return { report: `${lines.slice(0, start).join('\n')}${start > 0 ? '\n' : ''}`, skipped: lines.slice(first).filter((l) => l !== '') };
}

/** The skip notes as `rule skipped: reason` pairs, one per rule, from the grouped lines stylish prints. */
export function skippedByRule(skipped: readonly string[]): string[] {
  return skipped.flatMap((line) => {
    const m = /^rules? (.+?) skipped: (.*)$/.exec(line);
    return m ? m[1]!.split(', ').map((id) => `rule ${id} skipped: ${m[2]}`) : [line];
  });
}
