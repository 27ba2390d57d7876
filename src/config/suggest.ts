import { editDistance } from '../data/suggest.js';

/**
 * Did-you-mean for rule ids, formats and option names; the dictionaries' names use `suggest` in
 * src/data/suggest.ts, with the same distance. The known id closest to a mistyped one, when it is close
 * enough to be a typo: the same id in other case or with `_` for `-`, one that contains the other, one
 * within a third of its length in edits, or one that the typo is a slightly misspelt start of
 * (`memballon` for `memballoon-present`).
 */
export function closestId(id: string, known: Iterable<string>): string | undefined {
  const typed = id.toLowerCase().replaceAll('_', '-');
  let best: string | undefined;
  let bestDistance = Infinity;
  let bestStart: string | undefined;
  let bestStartDistance = Infinity;
  for (const k of known) {
    if (k.includes(typed) || typed.includes(k)) return k;
    const d = editDistance(typed, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
    const s = editDistance(typed, k.slice(0, typed.length));
    if (s < bestStartDistance) {
      bestStart = k;
      bestStartDistance = s;
    }
  }
  // A third of the length: `memballon-present` finds its rule, `foo` finds nothing.
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(typed.length / 3))) return best;
  // A start must be long enough to say something: `memb` could be a typo of anything short.
  return typed.length >= 6 && bestStartDistance <= Math.floor(typed.length / 4) ? bestStart : undefined;
}

/** " (did you mean "x"?)" or ''. */
export function didYouMean(id: string, known: Iterable<string>): string {
  const close = closestId(id, known);
  return close ? ` (did you mean "${close}"?)` : '';
}
