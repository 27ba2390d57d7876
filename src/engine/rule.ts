import type { Loc, RelatedLocation } from '../core/range.js';
import type { Fix, Suggestion } from './fix.js';
import type { Machine, DomainInput, InputKind } from '../model/machine.js';

export type { Loc, RelatedLocation } from '../core/range.js';

export type Severity = 'error' | 'warning' | 'info';
export type Category = 'correctness' | 'performance' | 'security' | 'stability' | 'style';

/** One input a rule needs, or a choice: `{ anyOf: ['cmdline', 'modprobe'] }` is met by either. */
export type Requirement = InputKind | { anyOf: InputKind[] };

interface RuleMetaBase {
  id: string;
  description: string;
  category: Category;
  severity: Severity;
  /** `safe`: `--fix` applies it. `suggest`: offered, applied only on request. */
  fixable?: 'safe' | 'suggest';
  /** Inputs without which the rule cannot say anything true; the rule is skipped (and the result says so) when one is missing. */
  requires: Requirement[];
  /** Inputs the rule reads when present, to be more precise. Documentation only. */
  optional?: InputKind[];
  /** Message templates; `{name}` placeholders are filled from `data`. */
  messages: Record<string, string>;
  /** Off in the `recommended` preset (on in `all`). Default: on. */
  recommended?: boolean;
  /** The rule's documentation page. Built-in rules leave it out (theirs is docs/rules/<id>.md); custom rules may set one. */
  docs?: string;
  /** Where the facts come from: the one list; a built-in rule's docs page shows it (`npm run rules:update` writes it there). */
  sources?: string[];
}

/** `check` runs once per domain XML, with `ctx.domain` set. */
export interface DomainRuleMeta extends RuleMetaBase {
  scope: 'domain';
}

/** `check` runs once over everything given. */
export interface MachineRuleMeta extends RuleMetaBase {
  scope: 'machine';
}

export type RuleMeta = DomainRuleMeta | MachineRuleMeta;

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

export interface MachineContext {
  machine: Machine;
  /** Options from the configuration for this rule (`{}` when none). */
  options: Record<string, unknown>;
  report(report: Report): void;
}

export interface DomainContext extends MachineContext {
  /** The domain this run of `check` is about. */
  domain: DomainInput;
}

/** What `check` gets: a domain rule's context always has its domain. */
export type RuleContext = MachineContext & { domain?: DomainInput };

/**
 * A rule. Annotating a custom rule with `Rule` types `ctx.domain` as optional; `defineRule` types it by
 * the scope instead (present for `scope: 'domain'`).
 */
export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export interface DomainRule extends Rule {
  meta: DomainRuleMeta;
  check(ctx: DomainContext): void;
}

export interface MachineRule extends Rule {
  meta: MachineRuleMeta;
  check(ctx: MachineContext): void;
}

/** Type a rule (a no-op at run time): `defineRule({ meta: { scope: 'domain', ... }, check(ctx) { ctx.domain... } })` types `ctx` by the scope. */
export function defineRule(rule: DomainRule): DomainRule;
export function defineRule(rule: MachineRule): MachineRule;
export function defineRule(rule: Rule): Rule {
  return rule;
}

export function isDomainRule(rule: Rule): rule is DomainRule {
  return rule.meta.scope === 'domain';
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
