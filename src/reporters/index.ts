/**
 * Output formats. `loadReporter(name)` gives the formatter for `--format NAME`;
 * `unifiedDiff` renders `--fix-dry-run`. Every reporter is a pure function of
 * the report; the formats are described in docs/formats.md.
 *
 * The library imports every reporter statically here; the CLI loads only the
 * one it prints with (`importReporter` in ./formats.ts).
 */
import { stream as github } from './github.js';
import { stream as json } from './json.js';
import { format as sarif } from './sarif.js';
import { stream as stylish } from './stylish.js';
import { format as unix } from './unix.js';
import { format as checkstyle } from './checkstyle.js';
import { format as junit } from './junit.js';
import { format as gitlab } from './gitlab.js';
import type { Reporter } from './types.js';
import { UnknownFormatError } from './formats.js';

export type { Reporter, ReporterOptions, ReporterOutput } from './types.js';
export { PARSE_ERROR_RULE, pieces, reportText } from './types.js';
export type { JsonResult, JsonMessage, JsonEdit, JsonFix, JsonRelated, JsonSuggestion } from './json.js';
export { toJson } from './json.js';
export { toSarif } from './sarif.js';
export { unifiedDiff, type DiffOptions } from './diff.js';

const REPORTERS: Readonly<Record<string, Reporter>> = { stylish, json, sarif, github, unix, gcc: unix, checkstyle, junit, gitlab };

export { REPORTER_NAMES, UnknownFormatError, importReporter } from './formats.js';

/** The reporter for a `--format` name; throws UnknownFormatError for any other name. */
export function loadReporter(name: string): Reporter {
  const reporter = Object.hasOwn(REPORTERS, name) ? REPORTERS[name] : undefined;
  if (!reporter) throw new UnknownFormatError(name);
  return reporter;
}
