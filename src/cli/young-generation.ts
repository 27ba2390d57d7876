import { createRequire } from 'node:module';

/** Input files in one run from which the young generation is kept small. */
const MANY_FILES = 200;
let kept = false;

/**
 * A run of many domains allocates fast, so V8 grows its young generation to 16 MB semi-spaces, and
 * with them the process's RSS by 25-35 MB. Almost nothing there lives: each domain's tree dies once
 * its domain rules have run (the engine keeps facts, not trees). So the CLI keeps the semi-spaces at
 * their first size for a big run: peak RSS for 10x the corpus' domains 213 -> 175 MB and for the
 * corpus 108 -> 79 MB, at the same CPU (docs/performance.md, row 6). V8 reads this flag at each
 * growth decision, so setting it after start-up works (the size flags would not). node:v8 loads 25
 * more modules (a few ms), which a small run does not repay: it never grows the young generation.
 * Not for the library: a host process's heap is its own. The CLI asks twice: with the paths the
 * command line or the config names (collecting thousands of files already grows the young
 * generation, and V8 never shrinks it back here), and with the files collected (a walked folder).
 */
export function keepYoungGenerationSmall(files: number): void {
  if (kept || files < MANY_FILES) return;
  kept = true;
  try {
    (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');
  } catch {
    // A runtime without the flag (or without node:v8) runs as before.
  }
}
