import { createRequire } from 'node:module';

/** Input files in one run from which the young generation is kept small. */
const MANY_FILES = 200;
/** Input files in one run from which the old generation grows by half its live size, not V8's usual 2-4x. */
const VERY_MANY_FILES = 5000;
let set = 0;

/**
 * V8 flags for a big run, set after start-up (V8 reads both at each growth decision; the size flags
 * are read once, at start). Not for the library: a host process's heap is its own. The CLI asks twice:
 * with the paths the command line or the config names (collecting thousands of files already grows
 * the heap), and with the files collected (a walked folder). node:v8 loads 25 more modules (a few
 * ms), which a small run does not repay.
 *
 * - From 200 files, the young generation stays at its first size. A run of many domains allocates
 *   fast, so V8 grows its semi-spaces to 16 MB, and the process's RSS by 25-35 MB, though almost
 *   nothing there lives: each domain's tree dies once its domain rules have run (the engine keeps
 *   facts, not trees). Peak RSS for 10x the corpus' domains 213 -> 175 MB, for the corpus 108 -> 79
 *   MB, at the same CPU (docs/performance.md, row 6).
 * - From 5,000 files, the old generation's next collection comes when it has grown by half of what
 *   the last one left alive. V8 otherwise lets it grow two to four times when collecting is cheap
 *   against the work done; the facts a machine keeps for each of 13,750 domains are then about 35
 *   MB when V8 sets its limit to about 143 MB. Peak RSS for 10x the corpus 218-229 -> 174-180 MB,
 *   CPU within the noise of four interleaved runs each (docs/performance.md, issue 21). Below 5,000
 *   files the heap stays small anyway, and the extra collections cost the corpus' 1,406 files 3%.
 */
export function tuneHeap(files: number): void {
  const flags = [];
  if (set < 1 && files >= MANY_FILES) flags.push('--semi-space-growth-factor=1');
  if (set < 2 && files >= VERY_MANY_FILES) flags.push('--heap-growing-percent=50');
  if (flags.length === 0) return;
  set = files >= VERY_MANY_FILES ? 2 : 1;
  try {
    (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString(flags.join(' '));
  } catch {
    // A runtime without the flags (or without node:v8) runs as before.
  }
}
