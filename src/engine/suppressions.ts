import type { Range } from '../core/range.js';
import type { SourceFile } from '../core/source.js';

/**
 * Inline suppression directives, read from comments:
 *
 *   vfio-lint-disable-next-line RULE[, RULE] -- reason   the line after the comment
 *   vfio-lint-disable-next-element RULE -- reason        XML: the next element, with everything inside it
 *   vfio-lint-disable RULE -- reason                     until `vfio-lint-enable RULE`, or (XML) the end of
 *                                                        the enclosing element, or the end of the file
 *   vfio-lint-enable RULE
 *   vfio-lint-disable-file RULE -- reason                the whole file
 *
 * No rule list means every rule. The reason follows ` -- ` (ESLint's form) in
 * conf files; XML forbids `--` inside a comment, so there the reason follows
 * ` - ` (a dash with spaces, which no rule id contains) or `: `.
 */
export type DirectiveKind = 'disable-next-line' | 'disable-next-element' | 'disable' | 'enable' | 'disable-file';

export interface Directive {
  kind: DirectiveKind;
  /** Empty means all rules. */
  ruleIds: string[];
  reason: string | undefined;
  /** The comment that holds it. */
  comment: Range;
  /** The span of text whose findings it silences (by start offset). */
  covers: Range;
  /** Rule ids this directive actually silenced a finding of. */
  usedBy: Set<string>;
}

/** What the file's parser knows about a comment's surroundings (XML only). */
import type { CommentContext } from '../core/comments.js';
export type { CommentContext };

/**
 * What an `enable`, or a `disable-next-element` with no element after it, covers: no offset at all.
 */
// Stryker disable next-line ObjectLiteral: {} covers no offset either (every comparison with its undefined start is false)
const NOTHING: Range = Object.freeze({ start: 0, end: 0 });

const DIRECTIVE = /^\s*vfio-lint-(disable-next-line|disable-next-element|disable-file|disable|enable)(?=\s|$)([^\n]*)$/s;

export function parseDirective(body: string): { kind: DirectiveKind; ruleIds: string[]; reason: string | undefined } | undefined {
  const m = DIRECTIVE.exec(body.trim());
  if (!m) return undefined;
  // A separator may end the comment (`X --` with the reason left out): the body is trimmed first.
  const sep = /\s--(?:\s|$)|\s-(?:\s|$)|:\s|:$/.exec(m[2]!);
  const head = sep ? m[2]!.slice(0, sep.index) : m[2]!;
  const reason = sep ? m[2]!.slice(sep.index + sep[0].length).trim() || undefined : undefined;
  const ruleIds = head.split(/[\s,]/).filter((s) => s !== '');
  return { kind: m[1] as DirectiveKind, ruleIds, reason };
}

export function collectDirectives(source: SourceFile, comments: readonly CommentContext[]): Directive[] {
  const out: Directive[] = [];
  const open: Directive[] = [];
  const textEnd = source.text.length;
  for (const c of comments) {
    const parsed = parseDirective(c.body);
    if (!parsed) continue;
    const base = { ruleIds: parsed.ruleIds, reason: parsed.reason, comment: { start: c.start, end: c.end }, usedBy: new Set<string>() };
    switch (parsed.kind) {
      case 'disable-file':
        out.push({ ...base, kind: parsed.kind, covers: { start: 0, end: textEnd } });
        break;
      case 'disable-next-line': {
        // After the last line the span is empty, at the end of the text.
        const line = source.lines.point(c.end).line + 1;
        const start = source.lines.offset(line, 1) ?? textEnd;
        out.push({ ...base, kind: parsed.kind, covers: { start, end: source.lines.offset(line + 1, 1) ?? textEnd } });
        break;
      }
      case 'disable-next-element':
        out.push({ ...base, kind: parsed.kind, covers: c.nextElement ?? NOTHING });
        break;
      case 'disable': {
        const d: Directive = { ...base, kind: parsed.kind, covers: { start: c.end, end: c.parentElement?.end ?? textEnd } };
        out.push(d);
        open.push(d);
        break;
      }
      case 'enable': {
        // Close the most recent open `disable` whose rules this names (or all, for a bare enable).
        for (let i = open.length - 1; i >= 0; i--) {
          const d = open[i]!;
          const matches = parsed.ruleIds.length === 0 || d.ruleIds.length === 0 || d.ruleIds.some((r) => parsed.ruleIds.includes(r));
          if (matches && d.covers.end > c.start) {
            d.covers = { start: d.covers.start, end: c.start };
            open.splice(i, 1);
            if (parsed.ruleIds.length !== 0) break;
          }
        }
        out.push({ ...base, kind: parsed.kind, covers: NOTHING });
        break;
      }
    }
  }
  return out;
}

/** Find the directive that silences a finding of `ruleId` starting at `offset`, marking it used. */
export function suppressedBy(directives: readonly Directive[], ruleId: string, offset: number): Directive | undefined {
  for (const d of directives) {
    if (d.ruleIds.length > 0 && !d.ruleIds.includes(ruleId)) continue;
    if (offset >= d.covers.start && offset < d.covers.end) {
      d.usedBy.add(ruleId);
      return d;
    }
  }
  return undefined;
}

/** The rule ids a directive names but never silenced (`['*']` for a bare directive that silenced nothing). */
export function unusedRules(d: Directive): string[] {
  if (d.kind === 'enable') return [];
  if (d.ruleIds.length === 0) return d.usedBy.size === 0 ? ['*'] : [];
  return d.ruleIds.filter((r) => !d.usedBy.has(r));
}
