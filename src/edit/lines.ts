import type { SourceFile } from '../core/source.js';
import type { Range } from '../core/range.js';
import type { TextEdit } from '../engine/fix.js';
import { eolOf } from './xml.js';

/** Delete the whole line(s) holding `range`, line ending included. */
export function deleteLine(source: SourceFile, range: Range): TextEdit {
  const text = source.text;
  let start = range.start;
  while (start > 0 && text[start - 1] !== '\n') start--;
  let end = range.end;
  while (end < text.length && text[end] !== '\n') end++;
  if (end < text.length) end++;
  else if (start > 0) start -= text[start - 2] === '\r' ? 2 : 1; // last line: take the break before it instead
  return { path: source.path, start, end, text: '' };
}

/**
 * Delete several whole lines, as `deleteLine` does each, joined into one edit where they overlap: deleting a
 * last line without a final newline takes the break before it, which deleting the line above also takes.
 */
export function deleteLines(lines: ReadonlyArray<{ source: SourceFile; range: Range }>): TextEdit[] {
  const out: TextEdit[] = [];
  const each = lines.map((l) => deleteLine(l.source, l.range));
  for (const d of each.sort((x, y) => (x.path === y.path ? x.start - y.start : x.path < y.path ? -1 : 1))) {
    const prev = out.at(-1);
    if (prev && prev.path === d.path && d.start < prev.end) prev.end = Math.max(prev.end, d.end);
    else out.push(d);
  }
  return out;
}

/** Append lines at the end of a file, adding a line break first when the file lacks a final one. */
export function appendLines(source: SourceFile, lines: readonly string[]): TextEdit {
  const text = source.text;
  const eol = eolOf(text);
  const lead = text === '' || text.endsWith('\n') ? '' : eol;
  return { path: source.path, start: text.length, end: text.length, text: lead + lines.map((l) => l + eol).join('') };
}
