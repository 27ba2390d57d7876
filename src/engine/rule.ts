import type { Range } from '../core/range.js';
import type { Fix, Suggestion } from './fix.js';
import type { Machine, DomainInput, InputKind } from '../model/machine.js';

export type Severity = 'error' | 'warning' | 'info';
export type Category = 'correctness' | 'performance' | 'security' | 'stability' | 'style';

/** A place in one input file. Every fact in the model carries one. */
export interface Loc extends Range {
  path: string;
}

export interface RelatedLocation extends Loc {
  message: string;
}

export interface RuleMeta {
  id: string;
  description: string;
  category: Category;
  severity: Severity;
  /** `safe`: `--fix` applies it. `suggest`: offered, applied only on request. */
  fixable?: 'safe' | 'suggest';
  /**
   * `domain`: `check` runs once per domain XML with `ctx.domain` set.
   * `machine`: `check` runs once over everything given.
   */
  scope: 'domain' | 'machine';
  /** Inputs without which the rule cannot say anything true; the rule is skipped (and the result says so) when one is missing. */
  requires: InputKind[];
  /** Inputs the rule reads when present, to be more precise. Documentation only. */
  optional?: InputKind[];
  /** Message templates; `{name}` placeholders are filled from `data`. */
  messages: Record<string, string>;
  /** Off in the `recommended` preset (on in `all`). Default: on. */
  recommended?: boolean;
  /** The rule's documentation page. Built-in rules leave it out (theirs is in docs/rules); custom rules may set one. */
  docs?: string;
  /** Where the facts come from (shown in docs and `explain`). */
  sources?: string[];
}

export interface Report {
  messageId: string;
  data?: Record<string, string | number>;
  at: Loc;
  /** Overrides the configured severity for this finding only (e.g. a sub-check that is advice). */
  severity?: Severity;
  related?: RelatedLocation[];
  fix?: Fix;
  suggestions?: Suggestion[];
}

export interface RuleContext {
  machine: Machine;
  /** Set for `scope: 'domain'` rules. */
  domain?: DomainInput;
  /** Options from the configuration for this rule (`{}` when none). */
  options: Record<string, unknown>;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

const BUILTIN_DOCS = 'https://github.com/vfio-lint/vfio-lint/blob/main/docs/rules/';

/** Where a built-in rule's page is published (docs/rules/<id>.md in the repository). */
export function builtinDocsUrl(id: string): string {
  return `${BUILTIN_DOCS}${id}.md`;
}

export function fillTemplate(template: string, data: Record<string, string | number> | undefined): string {
  if (!data) return template;
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}
