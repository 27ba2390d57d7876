import { overlaps, type Range } from '../core/range.js';

/** One replacement in one file: `[start, end)` of the decoded text becomes `text`. */
export interface TextEdit extends Range {
  path: string;
  text: string;
}

/** A fix is data: a set of edits, possibly in several files, applied all or nothing. */
export interface Fix {
  edits: TextEdit[];
}

/** A suggestion is a fix that needs a human's yes: shown in dry runs and editors, applied only on request. */
export interface Suggestion {
  description: string;
  fix: Fix;
}

/**
 * Apply non-overlapping edits to one text. Order of `edits` does not matter:
 * they are applied back to front so earlier offsets stay valid. Insertions at
 * the same point keep their given order.
 */
export function applyEdits(text: string, edits: ReadonlyArray<Range & { text: string }>): string {
  // Array.prototype.sort is stable, so edits at one point stay in their given order.
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at || e.end < e.start || e.end > text.length) {
      throw new RangeError(`overlapping or out-of-range edit [${e.start}, ${e.end})`);
    }
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/**
 * Pick fixes for one pass: a fix is taken whole when none of its edits overlaps
 * an edit already taken in the same file; the rest wait for the next pass
 * (the text they were computed on will have changed by then).
 */
export function selectFixes<T extends { fix: Fix }>(candidates: readonly T[]): { taken: T[]; deferred: T[] } {
  const byPath = new Map<string, Range[]>();
  const taken: T[] = [];
  const deferred: T[] = [];
  for (const c of candidates) {
    const clash = c.fix.edits.some((e, i) =>
      byPath.get(e.path)?.some((r) => overlaps(r, e)) ||
      c.fix.edits.some((o, j) => j < i && o.path === e.path && overlaps(o, e)),
    );
    if (clash) {
      deferred.push(c);
      continue;
    }
    taken.push(c);
    for (const e of c.fix.edits) {
      const list = byPath.get(e.path);
      if (list) list.push(e);
      else byPath.set(e.path, [e]);
    }
  }
  return { taken, deferred };
}

/** Group the edits of several fixes by file path. */
export function editsByPath(fixes: readonly Fix[]): Map<string, TextEdit[]> {
  const map = new Map<string, TextEdit[]>();
  for (const f of fixes) {
    for (const e of f.edits) {
      const list = map.get(e.path) ?? [];
      list.push(e);
      map.set(e.path, list);
    }
  }
  return map;
}
