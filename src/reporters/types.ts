import type { LintReport } from '../engine/result.js';

export interface ReporterOptions {
  /** Paths inside this directory are printed relative to it. */
  cwd: string;
  /** ANSI colour; the CLI decides (a TTY and no NO_COLOR). Only `stylish` uses it. */
  color: boolean;
  maxWarnings?: number;
  quiet?: boolean;
  /** The tool's version, for formats that record it (SARIF). */
  version?: string;
  /** The terminal's width in columns, when printing to one: `stylish` wraps long messages to fit. */
  width?: number;
  /** `json`: include each file's `source`, as ESLint does (files with findings and no `output`). */
  includeSource?: boolean;
}

/**
 * Turns a whole report into the text to print. Pure: no I/O, no clock, no environment.
 * A reporter may return its text in pieces (an iterable of strings, e.g. a generator that
 * yields one file at a time): the CLI writes each piece as it comes, so no single string
 * holds the whole output. `reportText` joins the pieces for callers that want one string.
 */
export type Reporter = (report: LintReport, options: ReporterOptions) => ReporterOutput;

export type ReporterOutput = string | Iterable<string>;

/** The pieces of a reporter's output, in order (a string is one piece). */
export function pieces(out: ReporterOutput): Iterable<string> {
  return typeof out === 'string' ? [out] : out;
}

/** A reporter's whole output as one string. */
export function reportText(out: ReporterOutput): string {
  if (typeof out === 'string') return out;
  let s = '';
  for (const p of out) s += p;
  return s;
}

/** The rule id under which `sarif` and `github` report a file that could not be parsed or read (ESLint: ruleId null). */
export const PARSE_ERROR_RULE = 'parse-error';
