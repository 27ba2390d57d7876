import type { Diagnostic } from './diagnostic.js';
import { applyEdits, editsByPath, selectFixes, type Fix } from './fix.js';

export const MAX_FIX_PASSES = 10;

/** What one lint of a set of texts says, as far as fixing needs to know. */
export interface FixableLint {
  diagnostics: Diagnostic[];
}

export interface AppliedFix {
  ruleId: string;
  path: string;
  message: string;
  kind: 'fix' | 'suggestion';
}

export interface UndoneFix {
  ruleId: string;
  path: string;
  message: string;
  /** Why it was undone: the parse problem the fixed text had. */
  reason: string;
}

export interface FixLoopResult {
  /** The final text of every file (unchanged ones too). */
  texts: Map<string, string>;
  applied: AppliedFix[];
  undone: UndoneFix[];
  passes: number;
  /** True when fixes were still being produced after the last allowed pass. */
  exhausted: boolean;
}

export interface FixLoopOptions {
  /** Also apply the first suggestion of findings that have no safe fix. */
  suggestions: boolean;
  /** Only findings of these rules are fixed (all when undefined). */
  ruleFilter?: (ruleId: string) => boolean;
  /** Re-parse one fixed text; returns the first fatal problem's message, or undefined when it parses. */
  parseCheck: (path: string, text: string) => string | undefined;
}

interface Candidate {
  diagnostic: Diagnostic;
  fix: Fix;
  kind: 'fix' | 'suggestion';
}

/**
 * Apply fixes in passes until nothing is left to fix (at most 10 passes).
 * Each pass lints the current texts, takes every fix that does not overlap one
 * already taken, applies them, and re-parses each changed file. A fix whose
 * file no longer parses is undone (with every other edit of that fix) and never
 * tried again; the rest of the pass stands.
 */
export function runFixLoop(initial: ReadonlyMap<string, string>, lint: (texts: ReadonlyMap<string, string>) => FixableLint, options: FixLoopOptions): FixLoopResult {
  const texts = new Map(initial);
  const applied: AppliedFix[] = [];
  const undone: UndoneFix[] = [];
  const banned = new Set<string>();
  let passes = 0;
  while (passes < MAX_FIX_PASSES) {
    const candidates = collectCandidates(lint(texts).diagnostics, options).filter((c) => !banned.has(fixKey(c)));
    if (candidates.length === 0) return { texts, applied, undone, passes, exhausted: false };
    passes++;
    const { taken } = selectFixes(candidates);
    const { next, good, bad } = applyCheckingParse(texts, taken, options.parseCheck);
    for (const [path, text] of next) texts.set(path, text);
    for (const c of good) applied.push(describe(c));
    for (const { candidate, path, reason } of bad) {
      banned.add(fixKey(candidate));
      undone.push({ ...describe(candidate), path, reason });
    }
  }
  const left = collectCandidates(lint(texts).diagnostics, options).filter((c) => !banned.has(fixKey(c)));
  return { texts, applied, undone, passes, exhausted: left.length > 0 };
}

/**
 * Apply a pass's fixes; where a changed file no longer parses, find the
 * culprits by adding that file's fixes one at a time (in order) and keeping
 * each only if the file still parses. A fix that fails in one file is dropped
 * from every file it touches, and the rest is checked again.
 */
function applyCheckingParse(
  texts: ReadonlyMap<string, string>,
  taken: readonly Candidate[],
  parseCheck: FixLoopOptions['parseCheck'],
): { next: Map<string, string>; good: Candidate[]; bad: Array<{ candidate: Candidate; path: string; reason: string }> } {
  let good = [...taken];
  const bad: Array<{ candidate: Candidate; path: string; reason: string }> = [];
  for (;;) {
    const next = applyAll(texts, good);
    const broken = [...next].filter(([path, text]) => parseCheck(path, text) !== undefined);
    if (broken.length === 0) return { next, good, bad };
    const rejected = new Set<Candidate>();
    for (const [path] of broken) {
      const mine = good.filter((c) => c.fix.edits.some((e) => e.path === path));
      const kept: Candidate[] = [];
      for (const c of mine) {
        const trial = applyAll(texts, [...kept, c]).get(path) ?? texts.get(path) ?? '';
        const reason = parseCheck(path, trial);
        if (reason === undefined) kept.push(c);
        else {
          rejected.add(c);
          bad.push({ candidate: c, path, reason });
        }
      }
    }
    good = good.filter((c) => !rejected.has(c));
  }
}

function collectCandidates(diagnostics: readonly Diagnostic[], options: FixLoopOptions): Candidate[] {
  const out: Candidate[] = [];
  for (const d of diagnostics) {
    if (d.ruleId === undefined || (options.ruleFilter && !options.ruleFilter(d.ruleId))) continue;
    if (d.fix) out.push({ diagnostic: d, fix: d.fix, kind: 'fix' });
    else if (options.suggestions && d.suggestions?.[0]) out.push({ diagnostic: d, fix: d.suggestions[0].fix, kind: 'suggestion' });
  }
  return out;
}

function applyAll(texts: ReadonlyMap<string, string>, taken: readonly Candidate[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, edits] of editsByPath(taken.map((c) => c.fix))) {
    // A fix may create a file (e.g. /etc/modprobe.d/vfio.conf) by inserting at 0 of a path not read.
    const before = texts.get(path) ?? (edits.every((e) => e.start === 0 && e.end === 0) ? '' : undefined);
    if (before === undefined) continue;
    const after = applyEdits(before, edits);
    if (after !== before) out.set(path, after);
  }
  return out;
}

/** Offsets move between passes, so a banned fix is known by its rule, files and new text. */
function fixKey(c: Candidate): string {
  return `${c.diagnostic.ruleId}\u0000${c.fix.edits.map((e) => `${e.path}\u0000${e.text}`).join('\u0000')}`;
}

function describe(c: Candidate): AppliedFix {
  return { ruleId: c.diagnostic.ruleId!, path: c.diagnostic.path, message: c.diagnostic.message, kind: c.kind };
}
