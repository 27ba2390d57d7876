import { LineIndex, type Point } from '../core/source.js';
import type { LintReport } from '../engine/result.js';

/**
 * Line/column lookup for any file of a report, by the path diagnostics and
 * edits use. Findings of a fixed file point into its fixed text (`output`),
 * the others into `source`. Built lazily: most files need none.
 */
export class Locator {
  readonly #texts = new Map<string, string>();
  readonly #indexes = new Map<string, LineIndex>();

  constructor(report: LintReport) {
    for (const r of report.results) {
      const text = r.output ?? r.source;
      if (text !== undefined) this.#texts.set(r.filePath, text);
    }
  }

  /** The point at `offset` in the file at `path`, or undefined when its text is not known. */
  point(path: string, offset: number): Point | undefined {
    let index = this.#indexes.get(path);
    if (!index) {
      const text = this.#texts.get(path);
      if (text === undefined) return undefined;
      index = new LineIndex(text);
      this.#indexes.set(path, index);
    }
    return index.point(offset);
  }
}
