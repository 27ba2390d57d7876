import { firstAbove } from './sorted.js';

export type Decoded =
  | { ok: true; text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; bom: boolean }
  | { ok: false; message: string; byteOffset: number };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decode a file's bytes. We sniff the BOM ourselves (no JS XML parser honours
 * `encoding=`), decode strictly and never guess: invalid UTF-8 is an error the
 * caller reports as a fatal diagnostic. A BOM is dropped from `text`; ranges
 * index the text after it, and a writer puts it back (see `encodeLike`).
 */
export function decode(bytes: Uint8Array): Decoded {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes, 'utf-16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes, 'utf-16be');
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { ok: true, text: utf8.decode(body), encoding: 'utf-8', bom };
  } catch {
    return { ok: false, message: 'not valid UTF-8', byteOffset: firstInvalidUtf8(body) + (bom ? 3 : 0) };
  }
}

function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): Decoded {
  if ((bytes.length - 2) % 2 !== 0) return { ok: false, message: `truncated ${encoding.toUpperCase()} text`, byteOffset: bytes.length - 1 };
  try {
    const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2));
    return { ok: true, text, encoding, bom: true };
  } catch {
    return { ok: false, message: `not valid ${encoding.toUpperCase()}`, byteOffset: firstLoneSurrogate(bytes, encoding === 'utf-16le') };
  }
}

/** The byte offset of the first unpaired surrogate (the only way UTF-16 of even length can be invalid), past the BOM. */
function firstLoneSurrogate(bytes: Uint8Array, le: boolean): number {
  const unit = (i: number) => (le ? bytes[i]! | (bytes[i + 1]! << 8) : (bytes[i]! << 8) | bytes[i + 1]!);
  for (let i = 2; i + 1 < bytes.length; i += 2) {
    const u = unit(i);
    if (u >= 0xdc00 && u <= 0xdfff) return i;
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = i + 3 < bytes.length ? unit(i + 2) : -1;
      if (next < 0xdc00 || next > 0xdfff) return i;
      i += 2;
    }
  }
  return 2;
}

/** Encode fixed text back the way the original file was stored. */
export function encodeLike(text: string, original: { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; bom: boolean }): Uint8Array {
  if (original.encoding === 'utf-8') {
    const body = Buffer.from(text, 'utf8');
    return original.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  }
  const le = Buffer.from(text, 'utf16le');
  if (original.encoding === 'utf-16be') le.swap16();
  const bom = original.encoding === 'utf-16le' ? [0xff, 0xfe] : [0xfe, 0xff];
  return Buffer.concat([Buffer.from(bom), le]);
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0 || i + need >= bytes.length + (need === 0 ? 1 : 0)) return i;
    for (let k = 1; k <= need; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return i;
}

export interface Point {
  line: number;
  column: number;
  offset: number;
}

/**
 * Offset <-> line/column for one text, 1-based lines and columns (UTF-16 units), as ESLint reports them.
 * A line ends after "\r\n", "\r" or "\n"; the text after the last break is a line too (empty when the
 * text ends with one).
 */
export class LineIndex {
  // Made on the first question: most files of a large machine have no finding, and the index of
  // every line would be kept for each of them until the end of the lint (issue 21). Kept as 32-bit
  // offsets, one per line (a machine of 13,750 domains keeps an index for nearly every file).
  #ends: Uint32Array | undefined;
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  point(offset: number): Point {
    const clamped = Math.max(0, Math.min(offset, this.#text.length));
    const ends = (this.#ends ??= lineEnds(this.#text));
    // The first line that ends after the offset (the last line ends after the text).
    const line = firstAbove(ends, clamped);
    return { line: line + 1, column: clamped - (line > 0 ? ends[line - 1]! : 0) + 1, offset: clamped };
  }
  /** The offset of a line and column; undefined when the text has no such line, or the line no such column. */
  offset(line: number, column: number): number | undefined {
    if (!Number.isInteger(line) || line < 1 || !(column > 0)) return undefined;
    const ends = (this.#ends ??= lineEnds(this.#text));
    if (line > ends.length) return undefined;
    const offset = (line > 1 ? ends[line - 2]! : 0) + column - 1;
    return offset < ends[line - 1]! ? offset : undefined;
  }
}

/** For each line, the offset just past its end (past its line break; the text's length + 1 for the last line). */
function lineEnds(text: string): Uint32Array {
  const ends: number[] = [];
  // The next "\r" and "\n" at or after `from`, each searched for again only once passed: a text with
  // no "\r" is searched for one once, not once per line.
  const next = (c: string, from: number): number => {
    const i = text.indexOf(c, from);
    return i < 0 ? Infinity : i;
  };
  let cr = next('\r', 0);
  let lf = next('\n', 0);
  for (let from = 0; ; ) {
    if (cr < from) cr = next('\r', from);
    if (lf < from) lf = next('\n', from);
    // A "\r" right before a "\n" is one break with it.
    const eol = cr + 1 === lf ? lf : Math.min(cr, lf);
    if (eol === Infinity) break;
    ends.push(eol + 1);
    from = eol + 1;
  }
  ends.push(text.length + 1);
  return Uint32Array.from(ends);
}

/** One input file's decoded text, with the facts needed to write it back exactly as it was stored. */
export interface SourceFile {
  /** Path as given (or discovered); used for display and for writing fixes. */
  path: string;
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  bom: boolean;
  lines: LineIndex;
}

export function sourceFile(path: string, text: string, stored: { encoding: SourceFile['encoding']; bom: boolean } = { encoding: 'utf-8', bom: false }): SourceFile {
  return { path, text, encoding: stored.encoding, bom: stored.bom, lines: new LineIndex(text) };
}
