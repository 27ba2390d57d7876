/**
 * Did-you-mean for names from the generated dictionaries: the optimal-string-alignment form of the
 * Damerau-Levenshtein distance (an adjacent swap, `xhci_hdc` for `xhci_hcd`, costs 1, as a typo does).
 */
/** With a limit, any distance past it is reported as limit + 1 (and found sooner). */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Three rows: the one before the previous is needed for swaps.
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    // Every later row is at least this row's minimum: stop once it is past the limit.
    if (rowMin > limit) return limit + 1;
    before = prev;
    prev = cur;
  }
  return Math.min(prev[b.length]!, limit + 1);
}

/**
 * How far a name may be from a known one and still be taken for a typo of it: none for names of up to 3
 * characters (too many 3-letter names are one edit apart), 1 up to 5, 2 up to 10, 3 beyond.
 */
export function typoLimit(length: number): number {
  if (length <= 3) return 0;
  if (length <= 5) return 1;
  if (length <= 10) return 2;
  return 3;
}

export interface SuggestOptions {
  /** Most suggestions to return (default 1). */
  max?: number;
  /** Maps both sides before comparing, e.g. kmod's `-` = `_` (the suggestion is still the known spelling). */
  normalise?: (name: string) => string;
}

/**
 * The known names closest to `name`, nearest first (ties: longer common prefix, then alphabetical), or
 * an empty list when none is within the typo limit. A name that is itself known gives an empty list.
 */
export function suggest(name: string, known: Iterable<string>, options: SuggestOptions = {}): string[] {
  const norm = options.normalise ?? ((s: string) => s);
  const target = norm(name);
  const limit = typoLimit(target.length);
  if (limit === 0) return [];
  const found: { name: string; distance: number; prefix: number }[] = [];
  for (const k of known) {
    const candidate = norm(k);
    if (candidate === target) return [];
    const distance = editDistance(target, candidate, limit);
    if (distance <= limit) found.push({ name: k, distance, prefix: commonPrefix(target, candidate) });
  }
  found.sort((x, y) => x.distance - y.distance || y.prefix - x.prefix || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return found.slice(0, options.max ?? 1).map((f) => f.name);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
