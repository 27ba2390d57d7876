import type { TextEdit } from '../engine/fix.js';
import type { SourceFile } from '../core/source.js';
import type { KernelParamFact, ModprobeFact } from '../host/facts.js';
import { paramToken } from '../host/params.js';
import { deleteLine } from './lines.js';

/**
 * Remove one parameter: the whole `options` line when it is the line's only
 * parameter, else the token with the blank before it. Undefined when the token
 * is not written verbatim (inside an evaluated shell value, across a continuation).
 */
export function removeParam(param: KernelParamFact, options: ModprobeFact | undefined, source: SourceFile): TextEdit | undefined {
  const text = source.text;
  if (text.slice(param.loc.start, param.loc.end) !== paramToken(param)) return undefined;
  if (options && options.options.length === 1) return deleteLine(source, options.loc);
  let start = param.loc.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  // A first token keeps its place: drop the blanks after it instead.
  if (start === param.loc.start || text[start - 1] === '"' || text[start - 1] === "'" || text[start - 1] === '\n') {
    let end = param.loc.end;
    while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
    return { path: source.path, start: param.loc.start, end, text: '' };
  }
  return { path: source.path, start, end: param.loc.end, text: '' };
}
