/**
 * Unified diffs for `--fix-dry-run`, in the form `patch -p1` and `git apply`
 * accept. Lines keep their terminators, so CRLF files diff (and patch) as they
 * are and a missing final newline is marked the standard way.
 *
 * Cost: the common prefix and suffix are found by comparing characters (one
 * pass), only the lines around the change are split, and only the changed
 * middle goes through Myers' O((N+M)D) algorithm; when that middle
 * differs too much (D over a bound) it is emitted as one replace block, which
 * is a larger but still exact diff. A 50 MB file with one edit is linear.
 */

export interface DiffOptions {
  /** Unchanged lines shown around each change (default 3). */
  context?: number;
  /** The file does not exist yet (`before` is empty): the old side is `/dev/null`. */
  created?: boolean;
}

/** Myers' edit distance bound; its trace costs about D² integers. */
const MAX_EDIT_DISTANCE = 2000;

/** A maximal run of changed lines: `[aStart, aEnd)` of the old file becomes `[bStart, bEnd)` of the new. */
export interface DiffBlock {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/** `path` is shown as `a/path` and `b/path`; give it relative, with `/` separators. Empty when nothing changed. */
export function unifiedDiff(path: string, before: string, after: string, options: DiffOptions = {}): string {
  if (before === after) return '';
  const context = Math.max(0, Math.floor(options.context ?? 3));
  const w = changedWindow(before, after, context);
  const a = splitLines(before.slice(w.start, w.aEnd));
  const b = splitLines(after.slice(w.start, w.bEnd));
  const blocks = diffLines(a, b);
  if (blocks.length === 0) return '';

  const created = options.created === true && before === '';
  let out = `--- ${created ? '/dev/null' : headerName(`a/${path}`)}\n+++ ${headerName(`b/${path}`)}\n`;
  for (let i = 0; i < blocks.length; ) {
    // Blocks closer than twice the context share one hunk.
    let j = i;
    while (j + 1 < blocks.length && blocks[j + 1]!.aStart - blocks[j]!.aEnd <= 2 * context) j++;
    out += hunk(a, b, blocks.slice(i, j + 1), context, w.linesBefore);
    i = j + 1;
  }
  return out;
}

/**
 * The part of both texts worth splitting into lines: from `context` lines before
 * the line of the first difference to `context` lines after the line of the last
 * one. Outside it the texts are equal, so the hunks come out the same as from the
 * whole files; `linesBefore` numbers the window's first line. Found by comparing
 * characters (in chunks), so a huge file with one edit costs one pass.
 */
function changedWindow(a: string, b: string, context: number): { start: number; aEnd: number; bEnd: number; linesBefore: number } {
  const pre = commonPrefix(a, b);
  const suf = commonSuffix(a, b, Math.min(a.length, b.length) - pre);
  // Cut at line boundaries that are boundaries in both texts: the start of the line
  // holding the first difference, and the end of the line holding the last one
  // (that newline lies in the common suffix, so it is at the same place in `b`).
  let start = pre === 0 ? 0 : a.lastIndexOf('\n', pre - 1) + 1;
  const nl = a.indexOf('\n', a.length - suf);
  let aEnd = nl < 0 ? a.length : nl + 1;
  const shift = b.length - a.length;
  for (let k = 0; k < context && start > 0; k++) start = start < 2 ? 0 : a.lastIndexOf('\n', start - 2) + 1;
  for (let k = 0; k < context && aEnd < a.length; k++) {
    const next = a.indexOf('\n', aEnd);
    aEnd = next < 0 ? a.length : next + 1;
  }
  let linesBefore = 0;
  for (let i = a.indexOf('\n'); i >= 0 && i < start; i = a.indexOf('\n', i + 1)) linesBefore++;
  return { start, aEnd, bEnd: aEnd + shift, linesBefore };
}

const CHUNK = 4096;

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  // Whole chunks first: a string comparison is far faster than a loop over characters.
  while (i + CHUNK <= n && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function commonSuffix(a: string, b: string, max: number): number {
  let i = 0;
  while (i + CHUNK <= max && a.slice(a.length - i - CHUNK, a.length - i) === b.slice(b.length - i - CHUNK, b.length - i)) i += CHUNK;
  while (i < max && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/** Lines with their `\n` kept (a `\r` before it stays part of the line); the last may have none. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let at = 0;
  while (at < text.length) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) {
      lines.push(text.slice(at));
      break;
    }
    lines.push(text.slice(at, nl + 1));
    at = nl + 1;
  }
  return lines;
}

/** The changed blocks between two line lists, in order. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffBlock[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const aEnd = a.length - suf;
  const bEnd = b.length - suf;
  if (pre === aEnd && pre === bEnd) return [];
  if (pre === aEnd || pre === bEnd) return [{ aStart: pre, aEnd, bStart: pre, bEnd }];
  return myers(a, b, pre, aEnd, pre, bEnd) ?? [{ aStart: pre, aEnd, bStart: pre, bEnd }];
}

/**
 * Myers' greedy shortest edit script over a[a0, a1) and b[b0, b1), as blocks.
 * Lines are interned to integers first so each comparison is O(1).
 * Returns undefined when the edit distance exceeds MAX_EDIT_DISTANCE.
 */
function myers(a: readonly string[], b: readonly string[], a0: number, a1: number, b0: number, b1: number): DiffBlock[] | undefined {
  const ids = new Map<string, number>();
  const intern = (s: string) => {
    let id = ids.get(s);
    if (id === undefined) {
      id = ids.size;
      ids.set(s, id);
    }
    return id;
  };
  const n = a1 - a0;
  const m = b1 - b0;
  const x = new Int32Array(n);
  const y = new Int32Array(m);
  for (let i = 0; i < n; i++) x[i] = intern(a[a0 + i]!);
  for (let i = 0; i < m; i++) y[i] = intern(b[b0 + i]!);

  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds V after step d for k in [-d, d], so backtracking can replay the path.
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    for (let k = -d; k <= d; k += 2) {
      let xi: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) xi = v[offset + k + 1]!; // down: insertion
      else xi = v[offset + k - 1]! + 1; // right: deletion
      let yi = xi - k;
      while (xi < n && yi < m && x[xi] === y[yi]) {
        xi++;
        yi++;
      }
      v[offset + k] = xi;
      if (xi >= n && yi >= m) {
        found = d;
        break;
      }
    }
    trace.push(v.slice(offset - d, offset + d + 1));
  }
  if (found < 0) return undefined;

  // Walk back from (n, m), collecting each step's one-line edit; equal diagonals separate blocks.
  const blocks: DiffBlock[] = [];
  let xi = n;
  let yi = m;
  let open: DiffBlock | undefined;
  const mark = (ax: number, ay: number, bx: number, by: number) => {
    // Extend the open block backwards, or start a new one if an equal run separated them.
    if (open && open.aStart === bx && open.bStart === by) {
      open.aStart = ax;
      open.bStart = ay;
    } else {
      open = { aStart: ax, aEnd: bx, bStart: ay, bEnd: by };
      blocks.push(open);
    }
  };
  for (let d = found; d > 0; d--) {
    const prev = trace[d - 1]!;
    const at = (k: number) => prev[k + d - 1]!; // prev covers k in [-(d-1), d-1]
    const k = xi - yi;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const pk = down ? k + 1 : k - 1;
    const px = at(pk);
    const py = px - pk;
    // Snake back along the diagonal to the end of the edit step.
    const sx = down ? px : px + 1;
    const sy = down ? py + 1 : py;
    if (xi !== sx || yi !== sy) open = undefined;
    mark(px, py, sx, sy);
    xi = px;
    yi = py;
  }
  blocks.reverse();
  for (const bl of blocks) {
    bl.aStart += a0;
    bl.aEnd += a0;
    bl.bStart += b0;
    bl.bEnd += b0;
  }
  return blocks;
}

/** One hunk; `base` is the number of file lines before `a[0]` (and `b[0]`). */
function hunk(a: readonly string[], b: readonly string[], blocks: readonly DiffBlock[], context: number, base: number): string {
  const first = blocks[0]!;
  const last = blocks[blocks.length - 1]!;
  const lead = Math.min(context, first.aStart);
  const trail = Math.min(context, a.length - last.aEnd);
  const aLo = first.aStart - lead;
  const bLo = first.bStart - lead;
  const aCount = last.aEnd + trail - aLo;
  const bCount = last.bEnd + trail - bLo;
  let out = `@@ -${range(base + aLo, aCount)} +${range(base + bLo, bCount)} @@\n`;
  let at = aLo;
  for (const bl of blocks) {
    for (let i = at; i < bl.aStart; i++) out += line(' ', a[i]!);
    for (let i = bl.aStart; i < bl.aEnd; i++) out += line('-', a[i]!);
    for (let i = bl.bStart; i < bl.bEnd; i++) out += line('+', b[i]!);
    at = bl.aEnd;
  }
  for (let i = at; i < last.aEnd + trail; i++) out += line(' ', a[i]!);
  return out;
}

/** `start,count` as diff writes it: 1-based, `,1` left out, and an empty range names the line before it. */
function range(start: number, count: number): string {
  if (count === 0) return `${start},0`;
  return count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

function line(prefix: string, text: string): string {
  return text.endsWith('\n') ? `${prefix}${text}` : `${prefix}${text}\n\\ No newline at end of file\n`;
}

/**
 * A file name for the `---`/`+++` lines. Names with control characters, `"` or
 * `\` are C-quoted as git does (GNU patch reads that too); a name with a space
 * gets a trailing tab, which tells GNU patch where the name ends.
 */
function headerName(name: string): string {
  if (/[\u0000-\u001f"\\\u007f]/.test(name)) return quoteC(name);
  return name.includes(' ') ? `${name}\t` : name;
}

const ESCAPES: Record<string, string> = { '\u0007': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\u000b': '\\v', '\f': '\\f', '\r': '\\r', '"': '\\"', '\\': '\\\\' };

function quoteC(name: string): string {
  let out = '"';
  for (const ch of name) {
    const esc = ESCAPES[ch];
    if (esc) out += esc;
    else if (ch < ' ' || ch === '\u007f') out += `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
