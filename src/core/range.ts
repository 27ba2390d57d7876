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

/**
 * Do two edit spans conflict? Replacements conflict when they share text. An
 * insertion conflicts with anything at or touching its point (another
 * insertion there, or a replacement that starts or ends there): which goes
 * first would be a guess, so one of them waits for the next pass.
 */
export function overlaps(a: Range, b: Range): boolean {
  if (a.start === a.end) return b.start <= a.start && a.start <= b.end;
  if (b.start === b.end) return a.start <= b.start && b.start <= a.end;
  return a.start < b.end && b.start < a.end;
}

/** A place in one input file. Every fact in the model carries one. */
export interface Loc extends Range {
  path: string;
}

/** A second place a finding points at, with what is there. */
export interface RelatedLocation extends Loc {
  message: string;
}
