import type { Diagnostic } from './diagnostic.js';
import { applyEdits, editsByPath, selectFixes, type Fix, type TextEdit } from './fix.js';

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
  /**
   * Why it was not applied: `unparsable`, the fixed file no longer parsed (`reason` is the parse problem);
   * `unsettled`, the finding came back unchanged after the fix was applied, so applying it again would never end.
   */
  cause: 'unparsable' | 'unsettled';
  reason: string;
}

/** The clause a report prints after "a fix by RULE in FILE was not applied:". */
export function undoneWhy(u: UndoneFix): string {
  return u.cause === 'unsettled' ? `it does not settle (${u.reason})` : `it would leave the file unparsable (${u.reason})`;
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

/** A loop that keeps finding fixes that do not settle starts over at most this often. */
const MAX_RESTARTS = 10;

/**
 * Apply fixes in passes until nothing is left to fix (at most 10 passes).
 * Each pass lints the current texts, takes every fix that does not overlap one
 * already taken, applies them, and re-parses each changed file. A fix whose
 * file no longer parses is undone (with every other edit of that fix) and never
 * tried again; the rest of the pass stands.
 * A fix offered again for the same finding after it was applied did not remove
 * its finding: applying it again would only repeat its edit. Such a fix is
 * banned and the loop starts over from the original texts, so its first
 * application is not written either.
 */
export function runFixLoop(initial: ReadonlyMap<string, string>, lint: (texts: ReadonlyMap<string, string>) => FixableLint, options: FixLoopOptions): FixLoopResult {
  const undone: UndoneFix[] = [];
  const banned = new Set<string>();
  for (let restarts = 0; ; restarts++) {
    const texts = new Map(initial);
    const applied: AppliedFix[] = [];
    // Each applied fix's finding, with its place carried through every later edit.
    // Stryker disable next-line ArrayDeclaration: a filler string's key (every field undefined) never equals a candidate's
    let appliedFindings: AppliedFinding[] = [];
    let passes = 0;
    let restart = false;
    while (passes < MAX_FIX_PASSES) {
      const candidates = collectCandidates(lint(texts).diagnostics, options).filter((c) => !banned.has(fixKey(c)));
      if (candidates.length === 0) return { texts, applied, undone, passes, exhausted: false };
      // A set of the applied findings, not a scan of them per candidate: --fix over thousands of files stays linear.
      const appliedKeys = restarts < MAX_RESTARTS ? new Set(appliedFindings.map(appliedKey)) : undefined;
      const repeated = appliedKeys ? candidates.filter((c) => appliedKeys.has(candidateKey(c))) : [];
      if (repeated.length > 0) {
        for (const c of repeated) {
          banned.add(fixKey(c));
          undone.push({ ...describe(c), cause: 'unsettled', reason: 'its finding came back after it was applied' });
        }
        restart = true;
        break;
      }
      passes++;
      const { taken } = selectFixes(candidates);
      const { next, good, bad } = applyCheckingParse(texts, taken, options.parseCheck);
      for (const [path, text] of next) texts.set(path, text);
      const edits = editsByPath(good.map((c) => c.fix));
      appliedFindings = [...appliedFindings, ...good.map(findingOf)].map((f) => carry(f, edits));
      for (const c of good) applied.push(describe(c));
      for (const { candidate, path, reason } of bad) {
        banned.add(fixKey(candidate));
        undone.push({ ...describe(candidate), path, cause: 'unparsable', reason });
      }
    }
    if (restart) continue;
    const left = collectCandidates(lint(texts).diagnostics, options).filter((c) => !banned.has(fixKey(c)));
    return { texts, applied, undone, passes, exhausted: left.length > 0 };
  }
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
        // Stryker disable next-line StringLiteral: unreachable: a broken path was read (texts has it) or is made by c's non-empty insertion (applyAll has it)
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
    // Stryker disable next-line ConditionalExpression: only parse failures lack a rule id, and they carry no fix or suggestion
    if (d.ruleId === undefined) continue;
    if (options.ruleFilter && !options.ruleFilter(d.ruleId)) continue;
    if (d.fix) out.push({ diagnostic: d, fix: d.fix, kind: 'fix' });
    else if (options.suggestions && d.suggestions?.[0]) out.push({ diagnostic: d, fix: d.suggestions[0].fix, kind: 'suggestion' });
  }
  return out;
}

function applyAll(texts: ReadonlyMap<string, string>, taken: readonly Candidate[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, edits] of editsByPath(taken.map((c) => c.fix))) {
    // A fix may create a file (e.g. /etc/modprobe.d/vfio.conf) by inserting at 0 of a path not read (an edit ending at 0 is that).
    const before = texts.get(path) ?? (edits.every((e) => e.end === 0) ? '' : undefined);
    if (before === undefined) continue;
    const after = applyEdits(before, edits);
    if (after !== before) out.set(path, after);
  }
  return out;
}

/** Offsets move between passes, so a banned fix is known by its rule, files and new text. */
function fixKey(c: Candidate): string {
  return JSON.stringify([c.diagnostic.ruleId, ...c.fix.edits.flatMap((e) => [e.path, e.text])]);
}

/** An applied fix's finding: what it said, where (carried through later edits), and the fix's key. */
interface AppliedFinding {
  key: string;
  message: string;
  path: string;
  start: number;
  end: number;
}

function findingOf(c: Candidate): AppliedFinding {
  return { key: fixKey(c), message: c.diagnostic.message, path: c.diagnostic.path, start: c.diagnostic.range.start, end: c.diagnostic.range.end };
}

/**
 * The same finding at the same place, offered the same fix again: applying it did not remove the finding.
 * Equal keys are that: same file, place, message and fix (JSON keeps the parts apart whatever they hold).
 */
function appliedKey(f: AppliedFinding): string {
  return JSON.stringify([f.path, f.start, f.end, f.message, f.key]);
}

function candidateKey(c: Candidate): string {
  const d = c.diagnostic;
  return JSON.stringify([d.path, d.range.start, d.range.end, d.message, fixKey(c)]);
}

/** Move a place past the edits of its file applied before it (an insertion at the place itself moves it too). */
function carry(f: AppliedFinding, editsByFile: ReadonlyMap<string, readonly TextEdit[]>): AppliedFinding {
  const edits = editsByFile.get(f.path);
  if (!edits) return f;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const at = (offset: number) => {
    let shift = 0;
    for (const e of sorted) {
      if (e.end <= offset) shift += e.text.length - (e.end - e.start);
      // The first edit ending after the place: inside its replaced span, the place moves to where the
      // replacement starts; before it, only the edits already passed move it.
      else return Math.min(e.start, offset) + shift;
    }
    return offset + shift;
  };
  // at() never decreases, so the end stays at or after the start.
  return { ...f, start: at(f.start), end: at(f.end) };
}

function describe(c: Candidate): AppliedFix {
  return { ruleId: c.diagnostic.ruleId!, path: c.diagnostic.path, message: c.diagnostic.message, kind: c.kind };
}
