/**
 * CPU sets and the three text forms that describe them (catalog 2.1-2.4):
 *
 * - the kernel cpu-list (`bitmap_parselist`): isolcpus, nohz_full, rcu_nocbs,
 *   irqaffinity, sysfs cpu lists;
 * - the libvirt cpuset (`virBitmapParseInternal`): vcpupin, emulatorpin,
 *   iothreadpin, `<vcpu cpuset>`, nodesets, capabilities siblings;
 * - the `isolcpus=` value: flags, then a kernel cpu-list.
 *
 * Parsers never throw. Every element and every error carries an exact
 * `[start, end)` range into the text that was passed in.
 */
import type { Range } from './range.js';
import type { ParseProblem } from './problem.js';

/**
 * libvirt's cpuset limit (VIR_DOMAIN_CPUMASK_LEN in current releases), and
 * the bound we use for kernel lists when the CPU count is unknown: no Linux
 * build allows that many CPUs (NR_CPUS tops out at 8192), so a higher id can
 * never be valid.
 */
export const CPU_ID_LIMIT = 16384;

// ---------------------------------------------------------------------------
// CpuSet

/**
 * An immutable set of non-negative CPU ids, stored as sorted, disjoint,
 * non-adjacent inclusive ranges. Set algebra is a linear merge over ranges,
 * so typical sets (a few ranges) cost next to nothing whatever their ids.
 */
export class CpuSet implements Iterable<number> {
  /** Flattened `[lo0, hi0, lo1, hi1, ...]`, normalised. */
  readonly #r: readonly number[];
  #size = -1;

  private constructor(normalised: number[]) {
    // A copy of exactly its length: an array built by push keeps room for 17 numbers, and a machine of
    // 13,750 domains keeps about two sets per domain until its rules have run (5.7 MB, issue 21).
    this.#r = normalised.slice();
  }

  static readonly EMPTY: CpuSet = new CpuSet([]);

  /** The set of the given ids (any order, duplicates allowed). Throws RangeError on a negative or non-integer id. */
  static of(...ids: number[]): CpuSet {
    return CpuSet.fromIds(ids);
  }

  /** Like `of`, for any iterable (no argument-count limit). */
  static fromIds(ids: Iterable<number>): CpuSet {
    const sorted = Array.from(ids);
    for (const id of sorted) checkId(id);
    sorted.sort((a, b) => a - b);
    const out: number[] = [];
    for (const id of sorted) appendRange(out, id, id);
    return new CpuSet(out);
  }

  /** `first..last` inclusive. Throws RangeError when `first > last` or an id is invalid. */
  static range(first: number, last: number): CpuSet {
    checkId(first);
    checkId(last);
    if (first > last) throw new RangeError(`CpuSet.range(${first}, ${last}): first is larger than last`);
    return new CpuSet([first, last]);
  }

  /** From inclusive `[first, last]` pairs in any order; overlapping or touching pairs merge. */
  static fromRanges(pairs: Iterable<readonly [number, number]>): CpuSet {
    const list = Array.from(pairs, ([a, b]) => {
      checkId(a);
      checkId(b);
      if (a > b) throw new RangeError(`CpuSet.fromRanges: range ${a}-${b} is backwards`);
      return [a, b] as const;
    });
    list.sort((x, y) => x[0] - y[0]);
    const out: number[] = [];
    for (const [a, b] of list) appendRange(out, a, b);
    return new CpuSet(out);
  }

  has(id: number): boolean {
    const r = this.#r;
    let lo = 0;
    let hi = r.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (id < r[2 * mid]!) hi = mid - 1;
      else if (id > r[2 * mid + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Number of CPUs in the set. */
  get size(): number {
    if (this.#size < 0) {
      let n = 0;
      for (let i = 0; i < this.#r.length; i += 2) n += this.#r[i + 1]! - this.#r[i]! + 1;
      this.#size = n;
    }
    return this.#size;
  }

  isEmpty(): boolean {
    return this.#r.length === 0;
  }

  /** Smallest id, or undefined when empty. */
  min(): number | undefined {
    return this.#r[0];
  }

  /** Largest id, or undefined when empty. */
  max(): number | undefined {
    return this.#r[this.#r.length - 1];
  }

  /** The maximal runs, as inclusive `[first, last]` pairs in ascending order. */
  ranges(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.#r.length; i += 2) out.push([this.#r[i]!, this.#r[i + 1]!]);
    return out;
  }

  /** Every id, ascending. */
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#r.length; i += 2) for (let c = this.#r[i]!; c <= this.#r[i + 1]!; c++) out.push(c);
    return out;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.#r.length; i += 2) for (let c = this.#r[i]!; c <= this.#r[i + 1]!; c++) yield c;
  }

  union(other: CpuSet): CpuSet {
    const a = this.#r;
    const b = other.#r;
    if (b.length === 0) return this;
    if (a.length === 0) return other;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
        appendRange(out, a[i]!, a[i + 1]!);
        i += 2;
      } else {
        appendRange(out, b[j]!, b[j + 1]!);
        j += 2;
      }
    }
    return new CpuSet(out);
  }

  intersect(other: CpuSet): CpuSet {
    const a = this.#r;
    const b = other.#r;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const lo = Math.max(a[i]!, b[j]!);
      const hi = Math.min(a[i + 1]!, b[j + 1]!);
      if (lo <= hi) out.push(lo, hi);
      if (a[i + 1]! < b[j + 1]!) i += 2;
      else j += 2;
    }
    return new CpuSet(out);
  }

  /** The ids of this set that are not in `other`. */
  minus(other: CpuSet): CpuSet {
    const a = this.#r;
    const b = other.#r;
    if (a.length === 0 || b.length === 0) return this;
    const out: number[] = [];
    let j = 0;
    for (let i = 0; i < a.length; i += 2) {
      const hi = a[i + 1]!;
      let cur = a[i]!;
      while (j < b.length && b[j + 1]! < cur) j += 2;
      // b ranges are visited again by the next a range only when they reach past `hi`, so this stays linear.
      for (let k = j; k < b.length && b[k]! <= hi && cur <= hi; k += 2) {
        if (b[k]! > cur) out.push(cur, b[k]! - 1);
        cur = Math.max(cur, b[k + 1]! + 1);
      }
      if (cur <= hi) out.push(cur, hi);
    }
    return new CpuSet(out);
  }

  equals(other: CpuSet): boolean {
    const a = this.#r;
    const b = other.#r;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  isSubsetOf(other: CpuSet): boolean {
    const a = this.#r;
    const b = other.#r;
    let j = 0;
    for (let i = 0; i < a.length; i += 2) {
      while (j < b.length && b[j + 1]! < a[i]!) j += 2;
      // Ranges are non-adjacent, so a range of `this` must sit inside a single range of `other`.
      if (j >= b.length || b[j]! > a[i]! || b[j + 1]! < a[i + 1]!) return false;
    }
    return true;
  }

  /** True when the sets share at least one id. */
  overlaps(other: CpuSet): boolean {
    return !this.intersect(other).isEmpty();
  }

  /**
   * Canonical list form, `0-3,8-11` (a run of two prints as `4-5`, as libvirt
   * and the kernel print it). Valid in both dialects, except that the empty
   * set prints as `''`, which libvirt rejects.
   */
  format(): string {
    const parts: string[] = [];
    for (let i = 0; i < this.#r.length; i += 2) {
      const lo = this.#r[i]!;
      const hi = this.#r[i + 1]!;
      parts.push(lo === hi ? String(lo) : `${lo}-${hi}`);
    }
    return parts.join(',');
  }

  toString(): string {
    return this.format();
  }

  /** @internal From a normalised range array (the builder's output). */
  static fromNormalised(r: number[]): CpuSet {
    return r.length === 0 ? CpuSet.EMPTY : new CpuSet(r);
  }
}

function checkId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`not a CPU id: ${id}`);
}

/** Append `[lo, hi]` to a normalised array whose last range starts at or before `lo`. */
function appendRange(out: number[], lo: number, hi: number): void {
  const n = out.length;
  if (n > 0 && lo <= out[n - 1]! + 1) {
    if (hi > out[n - 1]!) out[n - 1] = hi;
  } else {
    out.push(lo, hi);
  }
}

/**
 * A mutable bitset for building one set while parsing: both dialects set
 * ranges, libvirt also clears bits in order, and strides set many small runs.
 */
class BitBuilder {
  // Grows on demand, so the common small sets touch a word or two.
  #w = new Uint32Array(4);

  #ensure(id: number): void {
    const need = (id >>> 5) + 1;
    if (need <= this.#w.length) return;
    let size = this.#w.length;
    while (size < need) size *= 2;
    const grown = new Uint32Array(size);
    grown.set(this.#w);
    this.#w = grown;
  }

  setRange(lo: number, hi: number): void {
    this.#ensure(hi);
    const w = this.#w;
    const first = lo >>> 5;
    const last = hi >>> 5;
    for (let i = first; i <= last; i++) {
      const from = i === first ? lo & 31 : 0;
      const to = i === last ? hi & 31 : 31;
      w[i] = (w[i]! | ((((0xffffffff >>> (31 - to)) >>> from) << from) >>> 0)) >>> 0;
    }
  }

  clear(id: number): void {
    const i = id >>> 5;
    if (i >= this.#w.length) return;
    this.#w[i] = (this.#w[i]! & ~(1 << (id & 31))) >>> 0;
  }

  toSet(): CpuSet {
    const w = this.#w;
    const out: number[] = [];
    let runStart = -1;
    for (let i = 0; i < w.length; i++) {
      const word = w[i]!;
      if (word === 0xffffffff && runStart >= 0) continue;
      if (word === 0 && runStart < 0) continue;
      for (let b = 0; b < 32; b++) {
        const on = (word >>> b) & 1;
        const id = i * 32 + b;
        if (on && runStart < 0) runStart = id;
        else if (!on && runStart >= 0) {
          out.push(runStart, id - 1);
          runStart = -1;
        }
      }
    }
    if (runStart >= 0) out.push(runStart, w.length * 32 - 1);
    return CpuSet.fromNormalised(out);
  }
}

// ---------------------------------------------------------------------------
// Shared result shapes

/** A number as written in a list. `'N'` is the kernel's "last CPU" token. */
export interface CpuListNumber extends Range {
  text: string;
  value: number | 'N';
}

/** A failed parse: a `ParseProblem` (so it can be reported as is) with the offending element's range. */
export interface CpuListInvalid extends ParseProblem {
  ok: false;
  kind: 'invalid';
  severity: 'error';
}

function invalid(code: string, message: string, start: number, end: number): CpuListInvalid {
  return { ok: false, kind: 'invalid', severity: 'error', code, message, start, end };
}

/** How a character is named in a message: printable ASCII as itself, anything else as U+XXXX. */
function showChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c > 32 && c < 127) return `'${ch}'`;
  if (c === 32) return 'a space';
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

// ---------------------------------------------------------------------------
// Kernel cpu-list (catalog 2.1; lib/bitmap-str.c bitmap_parselist)

export interface KernelCpuListOptions {
  /**
   * The kernel's `nr_cpu_ids`: the number of *possible* CPUs (one more than
   * the last id in /sys/devices/system/cpu/possible), which can exceed the
   * online count. Needed for `N` and `all`, and for the "beyond the last
   * CPU" check. Values above CPU_ID_LIMIT are treated as CPU_ID_LIMIT.
   */
  nrCpus?: number;
}

/** One region of a kernel cpu-list: `5`, `2-7`, `0-15:2/4`, `all`, `all:1/2`, `16-N`. */
export interface CpuListElement extends Range {
  text: string;
  kind: 'single' | 'range' | 'all';
  /** First and last CPU as written; both undefined for `all`, equal objects for a single CPU. */
  first: CpuListNumber | undefined;
  last: CpuListNumber | undefined;
  /** `:used/group`, when present. */
  stride: CpuListStride | undefined;
}

export interface CpuListStride extends Range {
  /** The text from ':' to the end of the group number. */
  text: string;
  used: CpuListNumber;
  group: CpuListNumber;
}

export type CpuListResult =
  | {
      ok: true;
      kind: 'ok';
      set: CpuSet;
      elements: CpuListElement[];
      /**
       * Text the kernel never reads: a region that ends at a newline ends the
       * whole list (sysfs writes end that way). Undefined when nothing but
       * whitespace follows.
       */
      ignored: Range | undefined;
    }
  | CpuListInvalid
  | {
      ok: false;
      kind: 'unresolved';
      /** The first token that needs the CPU count, and where it is. */
      token: 'N' | 'all';
      start: number;
      end: number;
      message: string;
      elements: CpuListElement[];
    };

const isKernelSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isKernelSep = (c: number): boolean => c === 44 || isKernelSpace(c);

/**
 * Parse a kernel cpu-list exactly as `bitmap_parselist` does: ',' and any
 * whitespace separate regions (repeats, leading and trailing separators are
 * fine), a region is `a`, `a-b` or `all` with an optional `:used/group`
 * stride on a range or `all`, `N` is the last CPU (uppercase only) and `all`
 * is case-insensitive. Any error rejects the whole value, as in the kernel.
 *
 * Without `opts.nrCpus`, a list using `N` or `all` is `unresolved` (after
 * every check that does not depend on the CPU count), and ids are only
 * checked against CPU_ID_LIMIT.
 */
export function parseKernelCpuList(text: string, opts: KernelCpuListOptions = {}): CpuListResult {
  return parseKernelCpuListFrom(text, 0, opts);
}

function validNrCpus(n: number | undefined): number | undefined {
  if (n === undefined || !Number.isInteger(n) || n < 1) return undefined;
  return Math.min(n, CPU_ID_LIMIT);
}

/** A region's numbers once `N` and `all` are known (undefined: not known yet). */
interface Resolved {
  start: number | undefined;
  end: number | undefined;
  used: number | undefined;
  group: number | undefined;
}

function parseKernelCpuListFrom(text: string, from: number, opts: KernelCpuListOptions): CpuListResult {
  const nbits = validNrCpus(opts.nrCpus);
  const len = text.length;
  const elements: CpuListElement[] = [];
  const bits = new BitBuilder();
  let unresolved: { token: 'N' | 'all'; start: number; end: number } | undefined;
  let ignored: Range | undefined;
  // The user sees `0-3:1/2x` as one element even though the kernel starts a new region at `x`.
  let wordStart = from;
  let i = from;

  for (;;) {
    const before = i;
    while (i < len && isKernelSep(text.charCodeAt(i))) i++;
    if (i >= len) break;
    if (i > before || elements.length === 0) wordStart = i;

    const region = parseKernelRegion(text, i, wordStart);
    if ('kind' in region && region.kind === 'invalid') return region;
    const el = region as CpuListElement;
    elements.push(el);
    i = el.end;

    const r = resolveRegion(el, nbits);
    const problem = checkRegion(el, r, nbits);
    if (problem) return problem;
    if (r.start === undefined || r.end === undefined || r.used === undefined || r.group === undefined) {
      unresolved ??= firstUnresolvedToken(el);
    } else if (!unresolved) {
      if (r.used >= r.group) {
        bits.setRange(r.start, r.end); // no gaps: one run
      } else {
        for (let s = r.start; s <= r.end; s += r.group) {
          const e = Math.min(r.end, s + r.used - 1);
          if (e >= s) bits.setRange(s, e);
        }
      }
    }

    // Without a stride the kernel stops at a newline after the region (end_of_str); after a stride it reads on.
    if (!el.stride && i < len && text.charCodeAt(i) === 10) {
      const rest = text.slice(i + 1);
      if (rest.trim() !== '') ignored = { start: i + 1, end: len };
      break;
    }
  }

  if (unresolved) {
    const what = unresolved.token === 'N' ? "'N' (the last CPU)" : `'${text.slice(unresolved.start, unresolved.end)}' (every CPU)`;
    return {
      ok: false,
      kind: 'unresolved',
      ...unresolved,
      message: `${what} depends on the host's CPU count, which is not known`,
      elements,
    };
  }
  return { ok: true, kind: 'ok', set: bits.toSet(), elements, ignored };
}

function firstUnresolvedToken(el: CpuListElement): { token: 'N' | 'all'; start: number; end: number } {
  if (el.kind === 'all') return { token: 'all', start: el.start, end: el.start + 3 };
  for (const n of [el.first, el.last, el.stride?.used, el.stride?.group]) {
    if (n && n.value === 'N') return { token: 'N', start: n.start, end: n.end };
  }
  return { token: 'N', start: el.start, end: el.end };
}

/** Index of the end of the "word" (run of non-separators) starting at `i`. */
function kernelWordEnd(text: string, i: number): number {
  while (i < text.length && !isKernelSep(text.charCodeAt(i))) i++;
  return i;
}

/** `bitmap_getnum`: `N`, or decimal digits that fit in an unsigned int. */
function kernelNumber(text: string, i: number): CpuListNumber | 'none' | { overflow: CpuListNumber } {
  if (text.charCodeAt(i) === 78 /* N */) return { start: i, end: i + 1, text: 'N', value: 'N' };
  let j = i;
  let v = 0;
  while (j < text.length && isDigit(text.charCodeAt(j))) {
    if (v <= 0xffffffff) v = v * 10 + (text.charCodeAt(j) - 48);
    j++;
  }
  if (j === i) return 'none';
  const num: CpuListNumber = { start: i, end: j, text: text.slice(i, j), value: v };
  return v > 0xffffffff ? { overflow: num } : num;
}

function parseKernelRegion(text: string, at: number, wordStart: number): CpuListElement | CpuListInvalid {
  const len = text.length;
  const word = (): [number, number] => [wordStart, kernelWordEnd(text, at)];
  const fail = (code: string, message: string): CpuListInvalid => invalid(code, message, ...word());
  const endOfRegion = (p: number): boolean => p >= len || isKernelSep(text.charCodeAt(p));

  let first: CpuListNumber | undefined;
  let last: CpuListNumber | undefined;
  let kind: CpuListElement['kind'];
  let p: number;

  const num = (q: number, what: string): CpuListNumber | CpuListInvalid => {
    const n = kernelNumber(text, q);
    if (n === 'none') {
      const found = q >= len || isKernelSep(text.charCodeAt(q)) ? 'nothing' : showChar(text[q]!);
      return fail('cpulist-expected-number', `expected ${what}, found ${found}`);
    }
    if ('overflow' in n) return fail('cpulist-number-too-large', `number ${n.overflow.text} is too large (the kernel reads 32-bit numbers)`);
    return n;
  };

  if (text.slice(at, at + 3).toLowerCase() === 'all') {
    kind = 'all';
    p = at + 3;
  } else {
    const c = text.charCodeAt(at);
    if (c === 94 /* ^ */) return fail('cpulist-exclusion', "'^' exclusions are libvirt cpuset syntax: the kernel's cpu-list has none");
    if (c === 110 /* n */) return fail('cpulist-expected-number', "'n' is not a CPU number: the last-CPU token is an uppercase 'N'");
    if (c === 45 /* - */) return fail('cpulist-expected-number', "a range needs a first CPU before '-'");
    const a = num(at, 'a CPU number');
    if ('kind' in a) return a;
    first = a;
    p = a.end;
    if (endOfRegion(p)) {
      return { start: at, end: p, text: text.slice(at, p), kind: 'single', first, last: first, stride: undefined };
    }
    if (text.charCodeAt(p) === 58 /* : */) {
      return fail('cpulist-stride-on-single', `a stride needs a range: '${text.slice(at, kernelWordEnd(text, at))}' applies it to the single CPU ${a.text}`);
    }
    if (text.charCodeAt(p) !== 45 /* - */) return fail('cpulist-unexpected-char', `unexpected ${showChar(text[p]!)} after CPU ${a.text}`);
    const b = num(p + 1, "a CPU number after '-'");
    if ('kind' in b) return b;
    last = b;
    kind = 'range';
    p = b.end;
  }

  if (endOfRegion(p)) return { start: at, end: p, text: text.slice(at, p), kind, first, last, stride: undefined };
  if (text.charCodeAt(p) !== 58 /* : */) {
    const after = kind === 'all' ? `'${text.slice(at, at + 3)}'` : `range ${text.slice(at, p)}`;
    return fail('cpulist-unexpected-char', `unexpected ${showChar(text[p]!)} after ${after}`);
  }
  const strideStart = p;
  const used = num(p + 1, "the number of CPUs to use after ':' (as in ':2/4')");
  if ('kind' in used) return used;
  p = used.end;
  if (text.charCodeAt(p) !== 47 /* / */) {
    const found = p >= len ? 'nothing' : showChar(text[p]!);
    return fail('cpulist-unexpected-char', `a stride is ':used/group': expected '/' after ':${used.text}', found ${found}`);
  }
  const group = num(p + 1, "the group size after '/'");
  if ('kind' in group) return group;
  p = group.end;
  const stride: CpuListStride = { start: strideStart, end: p, text: text.slice(strideStart, p), used, group };
  return { start: at, end: p, text: text.slice(at, p), kind, first, last, stride };
}

function resolveRegion(el: CpuListElement, nbits: number | undefined): Resolved {
  const val = (n: CpuListNumber): number | undefined => (n.value === 'N' ? (nbits === undefined ? undefined : nbits - 1) : n.value);
  const start = el.kind === 'all' ? (nbits === undefined ? undefined : 0) : val(el.first!);
  const end = el.kind === 'all' ? (nbits === undefined ? undefined : nbits - 1) : val(el.last!);
  if (!el.stride) {
    // No stride: the kernel uses used = group = end + 1, which always passes.
    const whole = end === undefined ? undefined : end + 1;
    return { start, end, used: whole, group: whole };
  }
  return { start, end, used: val(el.stride.used), group: val(el.stride.group) };
}

/** `bitmap_check_region`, on the values that are known; the order of checks is the kernel's. */
function checkRegion(el: CpuListElement, r: Resolved, nbits: number | undefined): CpuListInvalid | undefined {
  const at = (code: string, message: string): CpuListInvalid => invalid(code, message, el.start, el.end);
  const nNote = (n: CpuListNumber | undefined) => (n?.value === 'N' && nbits !== undefined ? ` (N is ${nbits - 1} with ${nbits} CPUs)` : '');
  if (r.start !== undefined && r.end !== undefined && r.start > r.end) {
    const note = nNote(el.first) || nNote(el.last);
    return at('cpulist-backwards', `range ${el.first!.text}-${el.last!.text} is backwards${note}: the first CPU is larger than the last`);
  }
  if (el.stride) {
    const { used, group } = el.stride;
    if (r.group === 0) return at('cpulist-stride-group-zero', `stride ${used.text}/${group.text} has a group size of 0`);
    if (r.used !== undefined && r.group !== undefined && r.used > r.group) {
      return at('cpulist-stride-used-exceeds-group', `stride ${used.text}/${group.text} takes more CPUs than the group has (${r.used} of ${r.group})`);
    }
  }
  const limit = nbits ?? CPU_ID_LIMIT;
  for (const [v, n] of [
    [r.end, el.last],
    [r.start, el.first],
  ] as const) {
    if (v === undefined || v < limit) continue;
    const shown = n?.text ?? String(v);
    return nbits !== undefined
      ? at('cpulist-out-of-range', `CPU ${shown} is beyond the last CPU of this host (${nbits - 1}; ${nbits} CPUs)`)
      : at('cpulist-out-of-range', `CPU ${shown} is beyond ${CPU_ID_LIMIT - 1}, higher than any Linux build supports`);
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// libvirt cpuset (catalog 2.2; src/util/virbitmap.c virBitmapParseInternal)

export interface LibvirtCpusetOptions {
  /** Highest id accepted; default CPU_ID_LIMIT - 1 (16383). Older libvirt releases used 1023. Capped at 2^20 - 1. */
  maxId?: number;
}

/** One element of a libvirt cpuset: `5`, `2-7` (spaces allowed around '-'), or `^5`. */
export interface LibvirtCpusetElement extends Range {
  text: string;
  kind: 'single' | 'range' | 'exclude';
  /** The number (after '^' for an exclusion). */
  first: CpuListNumber;
  /** End of a range; equal to `first` otherwise. */
  last: CpuListNumber;
}

export type LibvirtCpusetResult =
  | {
      ok: true;
      set: CpuSet;
      /** Parsed but all-clear (`0,^0`): vcpupin and emulatorpin reject it; rules decide. */
      empty: boolean;
      elements: LibvirtCpusetElement[];
    }
  | CpuListInvalid;

/** libvirt skips C `isspace` characters: space, \t, \n, \v, \f, \r. */
const isLibvirtSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * Parse a libvirt cpuset exactly as `virBitmapParseInternal` does: elements
 * separated by ',' with optional whitespace around elements and around '-',
 * `^n` clears one id from what the elements to its left set, one trailing ','
 * is allowed; an empty value, a leading or doubled ',', `^a-b`, a backwards
 * range and ids above `maxId` are errors. (libvirt also accepts a sign on the
 * end of a range, `0-+3`, because that number goes through strtol; so do we.)
 */
export function parseLibvirtCpuset(text: string, opts: LibvirtCpusetOptions = {}): LibvirtCpusetResult {
  const maxId = Math.min(opts.maxId !== undefined && Number.isInteger(opts.maxId) && opts.maxId >= 0 ? opts.maxId : CPU_ID_LIMIT - 1, (1 << 20) - 1);
  const len = text.length;
  const bits = new BitBuilder();
  const elements: LibvirtCpusetElement[] = [];
  const skipSpaces = (p: number): number => {
    while (p < len && isLibvirtSpace(text.charCodeAt(p))) p++;
    return p;
  };
  // The offending element: from its start to the next ',' (or the end), without trailing spaces.
  const elementEnd = (p: number): number => {
    let e = text.indexOf(',', p);
    if (e < 0) e = len;
    while (e > p && isLibvirtSpace(text.charCodeAt(e - 1))) e--;
    return e;
  };
  const fail = (code: string, message: string, start: number, end = elementEnd(start)): CpuListInvalid => invalid(code, message, start, Math.max(end, start));

  let i = skipSpaces(0);
  if (i >= len) return fail('cpuset-empty', 'empty cpuset: libvirt needs at least one CPU number', 0, len);

  while (i < len) {
    const elStart = i;
    const neg = text.charCodeAt(i) === 94; /* ^ */
    if (neg) i++;
    const c = text.charCodeAt(i);
    if (!isDigit(c)) {
      if (neg) return fail('cpuset-expected-number', `'^' must be followed directly by a CPU number, found ${i >= len ? 'nothing' : showChar(text[i]!)}`, elStart);
      if (c === 44 /* , */) {
        return elements.length === 0
          ? fail('cpuset-empty-element', "cpuset starts with ','", i, i + 1)
          : fail('cpuset-empty-element', "empty element between two ','", i, i + 1);
      }
      if (c === 78 /* N */ || text.slice(i, i + 3).toLowerCase() === 'all') {
        return fail('cpuset-kernel-syntax', `'${c === 78 ? 'N' : text.slice(i, i + 3)}' is kernel cpu-list syntax: libvirt cpusets take numbers only`, elStart);
      }
      return fail('cpuset-expected-number', `expected a CPU number, found ${showChar(text[i]!)}`, elStart);
    }
    const first = libvirtNumber(text, i, false);
    if (first.overflow) return fail('cpuset-number-too-large', `number ${first.num.text} is too large`, elStart);
    i = skipSpaces(first.num.end);
    let last = first.num;
    let kind: LibvirtCpusetElement['kind'] = neg ? 'exclude' : 'single';

    if (i < len && text.charCodeAt(i) === 45 /* - */) {
      if (neg) return fail('cpuset-exclude-range', `'^' excludes one CPU, not a range: '${text.slice(elStart, elementEnd(elStart))}'`, elStart);
      const afterDash = skipSpaces(i + 1);
      const second = libvirtNumber(text, afterDash, true);
      if (second.none) return fail('cpuset-expected-number', `a range needs a last CPU after '-', found ${afterDash >= len ? 'nothing' : showChar(text[afterDash]!)}`, elStart);
      if (second.overflow) return fail('cpuset-number-too-large', `number ${second.num.text} is too large`, elStart);
      last = second.num;
      kind = 'range';
      i = skipSpaces(last.end);
      if ((last.value as number) < (first.num.value as number)) {
        return fail('cpuset-backwards', `range ${first.num.text}-${last.text} is backwards: the first CPU is larger than the last`, elStart, last.end);
      }
    }
    const elEnd = last.end;
    if (i < len && text.charCodeAt(i) !== 44 /* , */) {
      return fail('cpuset-unexpected-char', `unexpected ${showChar(text[i]!)} after ${text.slice(elStart, elEnd)}: elements are separated by ','`, elStart);
    }
    const hi = last.value as number;
    if (hi > maxId) {
      return fail('cpuset-out-of-range', `CPU ${hi} is above libvirt's limit of ${maxId}`, elStart, elEnd);
    }
    if (kind === 'exclude') bits.clear(first.num.value as number);
    else bits.setRange(first.num.value as number, hi);
    elements.push({ start: elStart, end: elEnd, text: text.slice(elStart, elEnd), kind, first: first.num, last });
    if (i < len) i = skipSpaces(i + 1); // past ','; a trailing ',' ends the loop here
  }

  const set = bits.toSet();
  return { ok: true, set, empty: set.isEmpty(), elements };
}

/** Decimal digits as `virStrToLong_i` reads them (an int); `signed` allows strtol's leading '+'/'-'. */
function libvirtNumber(text: string, i: number, signed: boolean): { num: CpuListNumber; overflow: boolean; none: boolean } {
  let j = i;
  let negative = false;
  if (signed && (text[j] === '+' || text[j] === '-')) {
    negative = text[j] === '-';
    j++;
  }
  const digits = j;
  let v = 0;
  while (j < text.length && isDigit(text.charCodeAt(j))) {
    if (v <= 0x7fffffff) v = v * 10 + (text.charCodeAt(j) - 48);
    j++;
  }
  const none = j === digits;
  const value = negative ? -v : v;
  const num: CpuListNumber = { start: i, end: none ? i : j, text: none ? '' : text.slice(i, j), value: value === 0 ? 0 : value };
  // int range: -2^31..2^31-1
  const overflow = negative ? v > 0x80000000 : v > 0x7fffffff;
  return { num, overflow, none };
}

// ---------------------------------------------------------------------------
// isolcpus= (catalog 2.4; kernel/sched/isolation.c housekeeping_isolcpus_setup)

export type IsolcpusFlagName = 'nohz' | 'domain' | 'managed_irq';

export interface IsolcpusFlag extends Range {
  /** The flag as written, without its ','. */
  text: string;
  /** The flag it sets; undefined for a flag the kernel skips as unknown. */
  known: IsolcpusFlagName | undefined;
}

export interface IsolcpusResult {
  /**
   * - `ok`: the list parsed;
   * - `unresolved`: the list needs the CPU count (see `list`);
   * - `invalid-list`: the list is invalid, so the kernel ignores the parameter;
   * - `invalid-flag`: a flag has a character other than letters and '_', so the kernel ignores the parameter;
   * - `list-lost`: the value ends inside the flags (`N`, `all`, `domain,all`, `nohz`): no list is read.
   */
  status: 'ok' | 'unresolved' | 'invalid-list' | 'invalid-flag' | 'list-lost';
  /** Flags as written, in order, including the unknown ones the kernel skips. */
  flags: IsolcpusFlag[];
  /** The flags in effect: the known ones written, or `domain` when there are none. */
  effectiveFlags: IsolcpusFlagName[];
  /** Where the cpu-list starts; `text.slice(0, listStart)` is the flag prefix (with its trailing ','). */
  listStart: number;
  /** The flag prefix, for rewriting the list while keeping the flags. */
  flagText: string;
  /** The cpu-list, with ranges into the whole isolcpus value; undefined when no list is read. */
  list: CpuListResult | undefined;
  /** Unknown flags (warnings), and why the value fails (errors). */
  problems: ParseProblem[];
}

const KNOWN_FLAGS: readonly IsolcpusFlagName[] = ['nohz', 'domain', 'managed_irq'];

const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Parse an `isolcpus=` value as `housekeeping_isolcpus_setup` does: while the
 * next character is a letter, read a flag up to ','. `nohz,`, `domain,` and
 * `managed_irq,` set flags, other all-letter (and '_') flags are skipped, and
 * a flag with any other character makes the kernel ignore the parameter.
 * What follows is a kernel cpu-list. The trap: a list that starts with `N` or
 * `all` is read as a flag, so `isolcpus=N` and `isolcpus=domain,all` lose
 * their list.
 */
export function parseIsolcpus(text: string, opts: KernelCpuListOptions = {}): IsolcpusResult {
  const flags: IsolcpusFlag[] = [];
  const problems: ParseProblem[] = [];
  const len = text.length;
  let i = 0;

  const done = (status: IsolcpusResult['status'], listStart: number, list: CpuListResult | undefined): IsolcpusResult => {
    const known = KNOWN_FLAGS.filter((f) => flags.some((x) => x.known === f));
    return { status, flags, effectiveFlags: known.length > 0 ? known : ['domain'], listStart, flagText: text.slice(0, listStart), list, problems };
  };

  while (i < len && isAsciiLetter(text.charCodeAt(i))) {
    const known = KNOWN_FLAGS.find((f) => text.startsWith(`${f},`, i));
    if (known) {
      flags.push({ start: i, end: i + known.length, text: known, known });
      i += known.length + 1;
      continue;
    }
    const start = i;
    let bad = -1;
    while (i < len && text.charCodeAt(i) !== 44 /* , */) {
      const c = text.charCodeAt(i);
      if (bad < 0 && !isAsciiLetter(c) && c !== 95 /* _ */) bad = i;
      i++;
    }
    const token = text.slice(start, i);
    flags.push({ start, end: i, text: token, known: undefined });
    if (bad >= 0) {
      const hint =
        token.toLowerCase().replace(/-/g, '_') === 'managed_irq'
          ? " (the flag is spelt 'managed_irq')"
          : /^(?:N|[Aa][Ll][Ll])[-:]/.test(token)
            ? ' (a CPU list that starts with N or all is read as a flag: start it with a number)'
            : '';
      problems.push({
        start,
        end: i,
        severity: 'error',
        code: 'isolcpus-invalid-flag',
        message: `flag '${token}' contains ${showChar(text[bad]!)}, but flags are letters and '_' only${hint}: the kernel ignores the whole isolcpus parameter`,
      });
      return done('invalid-flag', i, undefined);
    }
    const atEnd = i >= len;
    problems.push(unknownFlagProblem(token, start, i, atEnd));
    if (atEnd) return done('list-lost', len, undefined);
    i++; // past ','
  }

  const list = parseKernelCpuListFrom(text, i, opts);
  if (list.kind === 'invalid') {
    problems.push({ start: list.start, end: list.end, severity: 'error', code: list.code, message: `${list.message}: the kernel ignores the whole isolcpus parameter` });
    return done('invalid-list', i, list);
  }
  if (list.kind === 'ok' && list.elements.length === 0) {
    problems.push({ start: i, end: len, severity: 'warning', code: 'isolcpus-empty-list', message: 'isolcpus has no CPUs after its flags: nothing is isolated' });
  }
  return done(list.kind === 'ok' ? 'ok' : 'unresolved', i, list);
}

function unknownFlagProblem(token: string, start: number, end: number, atEnd: boolean): ParseProblem {
  const lost = 'so the CPU list is lost (the kernel reads on past the value)';
  const listWord = token === 'N' || token.toLowerCase() === 'all';
  if (atEnd) {
    let message: string;
    if (listWord) {
      message = `'${token}' at the start of the CPU list is read as an isolcpus flag, ${lost}: write it as '0-N'`;
    } else if ((KNOWN_FLAGS as readonly string[]).includes(token)) {
      message = `flag '${token}' must be followed by ',' and the CPU list; as written it is an unknown flag and ${lost}`;
    } else {
      message = `'${token}' is read as an unknown isolcpus flag and no CPU list follows, ${lost}`;
    }
    return { start, end, severity: 'error', code: 'isolcpus-list-lost', message };
  }
  let message: string;
  if (listWord) message = `'${token}' at the start of the CPU list is read as an unknown isolcpus flag and skipped: start the list with a number`;
  else if ((KNOWN_FLAGS as readonly string[]).includes(token.toLowerCase())) message = `unknown isolcpus flag '${token}' is skipped: flags are lowercase ('${token.toLowerCase()}')`;
  else if (token === 'nohz_full') message = "unknown isolcpus flag 'nohz_full' is skipped: the flag is 'nohz'";
  else message = `unknown isolcpus flag '${token}' is skipped`;
  return { start, end, severity: 'warning', code: 'isolcpus-unknown-flag', message };
}
