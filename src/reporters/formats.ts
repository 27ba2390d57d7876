/**
 * The names `--format` accepts, and each built-in reporter loaded only when asked for: the CLI's
 * bundle keeps the default one (stylish) and loads any other from a file of its own (scripts/build.mjs),
 * so a run pays only for the format it prints. The library's `loadReporter` (./index.ts) gives the same
 * functions synchronously; a test holds the two to the same list.
 */
import type { Reporter } from './types.js';

/** The names `--format` accepts; the first is the default. */
export const REPORTER_NAMES: readonly string[] = ['stylish', 'json', 'sarif', 'github', 'unix', 'gcc', 'checkstyle', 'junit', 'gitlab'];

/** `--format` named no known format. The CLI reports it like any usage mistake (exit 2). */
export class UnknownFormatError extends Error {
  constructor(readonly format: string) {
    super(`unknown format "${format}": use one of ${REPORTER_NAMES.join(', ')}`);
    this.name = 'UnknownFormatError';
  }
}

/** The reporter for a `--format` name, loaded on demand; rejects with UnknownFormatError for any other name. */
export async function importReporter(name: string): Promise<Reporter> {
  switch (name) {
    case 'stylish':
      return (await import('./stylish.js')).stream;
    case 'json':
      return (await import('./json.js')).stream;
    case 'sarif':
      return (await import('./sarif.js')).format;
    case 'github':
      return (await import('./github.js')).stream;
    case 'unix':
    case 'gcc':
      return (await import('./unix.js')).format;
    case 'checkstyle':
      return (await import('./checkstyle.js')).format;
    case 'junit':
      return (await import('./junit.js')).format;
    case 'gitlab':
      return (await import('./gitlab.js')).format;
    default:
      throw new UnknownFormatError(name);
  }
}
