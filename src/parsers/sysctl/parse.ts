import type { ParseProblem } from '../../core/problem.js';
import type { Range } from '../../core/range.js';
import type { Comment } from '../cmdline/types.js';
import { canonicalSysctlKey, isGlobKey, sysctlPath } from './keys.js';

/** One sysctl line that sets or excludes a key. `start`/`end` span the line without surrounding whitespace. */
export interface SysctlEntry extends Range {
  /** `assign`: `key = value`; `exclude`: `-key` with no '=' (keeps a glob assignment off that key). */
  type: 'assign' | 'exclude';
  /** A leading '-' on an assignment: failure to write the key is only logged at debug level. */
  ignoreFailure: boolean;
  /** The key as written, whitespace-stripped, without the leading '-'. */
  key: string;
  keyStart: number;
  keyEnd: number;
  /** The path under /proc/sys that systemd writes (`vm/nr_hugepages`). */
  path: string;
  /** The dotted key to match on: `vm/nr_hugepages` and `vm.nr_hugepages` both give `vm.nr_hugepages`. */
  canonical: string;
  /** The key holds glob characters (`*`, `?`, `[`). */
  glob: boolean;
  /** Whitespace-stripped value (may be empty, and may hold inner spaces); undefined for an exclude. */
  value: string | undefined;
  /** For an exclude both equal `keyEnd`; for an empty value both sit just after the '='. */
  valueStart: number;
  valueEnd: number;
}

export interface SysctlFile {
  kind: 'sysctl';
  entries: SysctlEntry[];
  comments: Comment[];
  problems: ParseProblem[];
}

/** systemd's WHITESPACE for strstrip(): space, tab, newline, carriage return. */
const isWs = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

/**
 * Parse a sysctl.d file (or /etc/sysctl.conf) with systemd-sysctl's rules, which procps'
 * `sysctl --system` shares: each line is stripped; empty lines and lines starting with '#'
 * or ';' are comments; with an '=', an optional leading '-' marks ignore-failure and the
 * key and value are stripped; without '=', `-key` is an exclusion and anything else is
 * "not an assignment". There is no line continuation and no inline comment.
 */
export function parseSysctl(text: string): SysctlFile {
  const entries: SysctlEntry[] = [];
  const comments: Comment[] = [];
  const problems: ParseProblem[] = [];
  const n = text.length;
  let pos = 0;
  let nextEq = nextIndex(text, 0);
  while (pos < n) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) lineEnd = n;
    let a = pos;
    let b = lineEnd;
    pos = lineEnd + 1;
    while (a < b && isWs(text.charCodeAt(a))) a++;
    while (b > a && isWs(text.charCodeAt(b - 1))) b--;
    if (a === b) continue;
    const first = text.charCodeAt(a);
    if (first === 35 || first === 59) {
      comments.push({ start: a, end: b, body: text.slice(a + 1, b) });
      continue;
    }
    // Advance the '=' search monotonically so a file of lines without '=' stays linear.
    if (nextEq < a) nextEq = nextIndex(text, a);
    const eq = nextEq < b ? nextEq : -1;
    const dash = first === 45;
    const keyFrom = dash ? a + 1 : a;
    if (eq < 0 && !dash) {
      problems.push({ start: a, end: b, severity: 'error', code: 'sysctl-not-assignment', message: "line is not an assignment ('key = value'): it is ignored" });
      continue;
    }
    const [ks, ke] = strip(text, keyFrom, eq < 0 ? b : eq);
    const key = text.slice(ks, ke);
    let value: string | undefined;
    let vs = ke;
    let ve = ke;
    if (eq >= 0) {
      [vs, ve] = strip(text, eq + 1, b);
      value = text.slice(vs, ve);
    }
    const entry: SysctlEntry = {
      start: a,
      end: b,
      type: eq < 0 ? 'exclude' : 'assign',
      ignoreFailure: eq >= 0 && dash,
      key,
      keyStart: ks,
      keyEnd: ke,
      path: sysctlPath(key),
      canonical: canonicalSysctlKey(key),
      glob: isGlobKey(key),
      value,
      valueStart: vs,
      valueEnd: ve,
    };
    entries.push(entry);
    checkEntry(text, entry, eq, problems);
  }
  return { kind: 'sysctl', entries, comments, problems };
}

function checkEntry(text: string, e: SysctlEntry, eq: number, problems: ParseProblem[]): void {
  if (e.key === '') {
    const at = eq >= 0 ? eq : e.start;
    problems.push({ start: e.start, end: Math.max(at + 1, e.keyEnd), severity: 'error', code: 'sysctl-empty-key', message: 'the key is empty: nothing is set' });
    return;
  }
  for (let i = e.keyStart; i < e.keyEnd; i++) {
    if (!isWs(text.charCodeAt(i))) continue;
    problems.push({ start: e.keyStart, end: e.keyEnd, severity: 'error', code: 'sysctl-key-whitespace', message: `the key '${e.key}' contains whitespace: no sysctl has that name` });
    break;
  }
  const v = e.value;
  if (v === undefined || v.length === 0) return;
  const hash = findInlineComment(v);
  if (hash >= 0) {
    problems.push({
      start: e.valueStart + hash,
      end: e.valueEnd,
      severity: 'warning',
      code: 'sysctl-inline-comment',
      message: "'#' starts a comment only at the beginning of a line: this text is part of the value written to the key",
    });
  }
  const q = v.charCodeAt(0);
  if (v.length >= 2 && (q === 34 || q === 39) && v.charCodeAt(v.length - 1) === q) {
    problems.push({ start: e.valueStart, end: e.valueEnd, severity: 'warning', code: 'sysctl-quoted-value', message: 'quotes are not removed: they are written to the key as part of the value' });
  }
}

/** Offset of a '#' preceded by whitespace inside the value, or -1. */
function findInlineComment(v: string): number {
  let i = v.indexOf('#', 1);
  while (i > 0) {
    if (isWs(v.charCodeAt(i - 1))) return i;
    i = v.indexOf('#', i + 1);
  }
  return -1;
}

function strip(text: string, a: number, b: number): [number, number] {
  while (a < b && isWs(text.charCodeAt(a))) a++;
  while (b > a && isWs(text.charCodeAt(b - 1))) b--;
  return [a, b];
}

/** Next '=' at or after `from`, or the text length (a sentinel rather than -1). */
function nextIndex(text: string, from: number): number {
  const i = text.indexOf('=', from);
  return i < 0 ? text.length : i;
}
