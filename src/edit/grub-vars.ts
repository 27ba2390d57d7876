import type { TextEdit } from '../engine/fix.js';
import type { GrubOverride } from '../host/grub.js';

/**
 * Make a grub.d assignment extend the variable instead of replacing it: `VAR="a b"` becomes
 * `VAR="$VAR a b"` (a single-quoted or bare value gets `"$VAR "` before it, which sh joins
 * to the rest of the word). Undefined where no edit is safe: a line with a command
 * substitution, `;`, `&&` or `||`, or a value that is not one quoted or bare word.
 */
export function extendInsteadOfReplace(o: GrubOverride): TextEdit | undefined {
  const a = o.assignment;
  if (a.array || a.conditional || a.noAutofix || a.quoting === 'mixed') return undefined;
  const path = o.file.source.path;
  const empty = a.valueStart === a.valueEnd || a.closeQuote === a.valueStart + 1;
  if (a.quoting === 'double') return { path, start: a.valueStart + 1, end: a.valueStart + 1, text: empty ? `$${o.variable}` : `$${o.variable} ` };
  if (empty) return { path, start: a.valueStart, end: a.valueEnd, text: `"$${o.variable}"` };
  return { path, start: a.valueStart, end: a.valueStart, text: `"$${o.variable} "` };
}
