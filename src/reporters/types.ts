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

/** Turns a whole report into the text to print. Pure: no I/O, no clock, no environment. */
export type Reporter = (report: LintReport, options: ReporterOptions) => string;

/** The rule id under which `sarif` and `github` report a file that could not be parsed or read (ESLint: ruleId null). */
export const PARSE_ERROR_RULE = 'parse-error';
