/** A half-open `[start, end)` span of UTF-16 code units in a file's decoded text. */
export interface Range {
  start: number;
  end: number;
}

export function range(start: number, end: number): Range {
  return { start, end };
}

export function contains(outer: Range, inner: Range): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

export function overlaps(a: Range, b: Range): boolean {
  // Two insertions at the same point also conflict: their order would be ambiguous.
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}
