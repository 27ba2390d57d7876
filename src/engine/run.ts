import type { SourceFile } from '../core/source.js';
import type { DomainInput, InputKind, Machine, ParsedFile } from '../model/machine.js';
import { compareDiagnostics, createDiagnostic, type Diagnostic } from './diagnostic.js';
import { builtinDocsUrl, fillTemplate, isDomainRule, type Requirement, type Rule, type Report, type Severity } from './rule.js';
import { collectDirectives, suppressedBy, unusedRules, type Directive } from './suppressions.js';

/** A rule as configured for one run. */
export interface ResolvedRule {
  rule: Rule;
  /** The configured severity. */
  severity: Severity;
  /** True when the user set the severity: then it wins over a rule's per-finding severity. */
  explicit: boolean;
  options: Record<string, unknown>;
}

export interface SkippedRule {
  ruleId: string;
  reason: string;
  /**
   * True when the only thing missing is the running host (`--live` or a snapshot). A static run is the
   * user's choice, not a gap in what they gave, so text reports leave these out; machine-readable ones keep them.
   */
  liveOnly?: boolean;
}

export interface RuleFailure {
  ruleId: string;
  message: string;
  stack: string | undefined;
}

export interface MachineLint {
  /** Findings per file path, sorted by position; every input file has an entry. */
  diagnostics: Map<string, Diagnostic[]>;
  skipped: SkippedRule[];
  /** Rules that threw. The CLI treats these as a fatal failure of the run. */
  failures: RuleFailure[];
}

export interface LintMachineOptions {
  /** Report directives that silenced nothing (on by default). */
  reportUnusedSuppressions?: Severity | 'off';
  /** Severity for non-fatal syntax problems, or 'off'. */
  syntax?: Severity | 'off';
  /** Every rule id there is (built-in and custom), to tell an unknown id in a directive from a rule that is off. */
  knownRuleIds?: ReadonlySet<string>;
}

const INPUT_NAMES: Record<InputKind, string> = {
  domain: 'a libvirt domain XML',
  capabilities: 'host capabilities XML (`virsh capabilities > caps.xml`)',
  cmdline: 'a kernel command line source (/etc/default/grub, /etc/kernel/cmdline, a loader entry or /proc/cmdline)',
  modprobe: 'modprobe configuration (/etc/modprobe.d)',
  sysctl: 'sysctl configuration (/etc/sysctl.conf, /etc/sysctl.d)',
  initramfs: 'an initramfs configuration (mkinitcpio, dracut or initramfs-tools)',
  live: 'the running host (`--live`, or a snapshot folder from `vfio-lint snapshot`)',
  'initramfs-image': "the running kernel's initramfs image and the times of the /etc files that go into it (read by `--live`; a snapshot records them from format version 2 on)",
};

/**
 * One machine's lint, fed as the machine is built (issue 21): `addFile` for every parsed file (its
 * parse problems; its source and comments are kept for findings and suppressions, never its tree),
 * `checkDomain` for each domain as soon as it is parsed (the domain rules run on it then, so the
 * caller can drop its tree), and `finish` once every domain is in: the machine rules, which read
 * `machine.domains` (facts, no trees), then suppressions.
 */
export interface MachineLinter {
  addFile(file: ParsedFile): void;
  checkDomain(domain: DomainInput): void;
  finish(): MachineLint;
}

/** What the engine keeps of a file until the end of the lint. */
interface KeptFile {
  source: SourceFile;
  comments: ParsedFile['comments'];
  fatal: boolean;
}

export function startMachineLint(machine: Machine, rules: readonly ResolvedRule[], options: LintMachineOptions = {}): MachineLinter {
  const files = new Map<string, KeptFile>();
  const diagnostics = new Map<string, Diagnostic[]>();
  const lookup = (path: string) => files.get(path)?.source;
  const failed = new Map<Rule, RuleFailure>();

  const reporter = (resolved: ResolvedRule) => {
    const { rule } = resolved;
    return (r: Report) => {
      const source = lookup(r.at.path);
      if (!source) throw new Error(`rule ${rule.meta.id} reported on a file that is not an input: ${r.at.path}`);
      const template = rule.meta.messages[r.messageId];
      if (template === undefined) throw new Error(`rule ${rule.meta.id} has no message '${r.messageId}'`);
      const severity = resolved.explicit ? resolved.severity : (r.severity ?? resolved.severity);
      diagnostics.get(r.at.path)!.push(
        createDiagnostic(
          source,
          {
            message: fillTemplate(template, r.data),
            ruleId: rule.meta.id,
            messageId: r.messageId,
            severity,
            range: r.at,
            url: rule.meta.docs,
            fix: r.fix,
            suggestions: r.suggestions,
            related: r.related,
          },
          lookup,
        ),
      );
    };
  };
  const runCheck = (resolved: ResolvedRule, report: (r: Report) => void, domain: DomainInput | undefined) => {
    try {
      mustBeSync(resolved.rule.check(domain ? { machine, domain, options: resolved.options, report } : { machine, options: resolved.options, report }));
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      // A rule that throws on one domain is stopped there, as when it ran over every domain in one call.
      failed.set(resolved.rule, { ruleId: resolved.rule.meta.id, message: e.message, stack: e.stack });
    }
  };
  // A domain rule runs on a domain, so a domain is there; what else it needs is known from the host files.
  const withDomains = inputsOf(machine) | bit('domain');
  const domainRules = rules.filter((r) => isDomainRule(r.rule) && !skipFor(r.rule, withDomains)).map((r) => ({ resolved: r, report: reporter(r) }));

  return {
    addFile(f) {
      if (!files.has(f.source.path)) files.set(f.source.path, { source: f.source, comments: f.comments, fatal: f.fatal });
      let list = diagnostics.get(f.source.path);
      if (!list) diagnostics.set(f.source.path, (list = []));
      for (const p of f.problems) {
        if (p.severity === 'fatal') {
          list.push(createDiagnostic(f.source, { message: p.message, ruleId: undefined, severity: 'error', range: p, parseFailure: true }));
        } else if (options.syntax !== 'off') {
          list.push(
            createDiagnostic(f.source, {
              message: p.message,
              ruleId: 'syntax',
              messageId: p.code,
              severity: options.syntax ?? p.severity,
              range: p,
              url: builtinDocsUrl('syntax'),
            }),
          );
        }
      }
    },
    checkDomain(domain) {
      for (const { resolved, report } of domainRules) if (!failed.has(resolved.rule)) runCheck(resolved, report, domain);
    },
    finish() {
      const skipped: SkippedRule[] = [];
      // Domains have come in since the start.
      const inputs = inputsOf(machine);
      for (const resolved of rules) {
        const { rule } = resolved;
        const skip = skipFor(rule, inputs);
        if (skip) {
          skipped.push({ ...skip });
          continue;
        }
        if (!isDomainRule(rule)) runCheck(resolved, reporter(resolved), undefined);
      }
      // In the rules' order, as they ran.
      const failures: RuleFailure[] = [];
      for (const r of rules) {
        const failure = failed.get(r.rule);
        if (failure) failures.push(failure);
      }
      suppress(files, diagnostics, rules, skipped, options);
      return { diagnostics, skipped, failures };
    },
  };
}

/** Applies each file's suppression directives to its findings, adds the unused ones, and sorts each file's list. */
function suppress(files: ReadonlyMap<string, KeptFile>, diagnostics: Map<string, Diagnostic[]>, rules: readonly ResolvedRule[], skipped: readonly SkippedRule[], options: LintMachineOptions): void {
  const unusedSeverity = options.reportUnusedSuppressions ?? 'warning';
  // A directive for a rule that is off or was skipped silenced nothing, but it is not stale: it stays
  // unreported. Made only for a file with directives, which most are not.
  let ran: Set<string> | undefined;
  const ranIds = () => (ran ??= ranRuleIds(rules, skipped, options.syntax !== 'off'));
  for (const [path, f] of files) {
    const list = diagnostics.get(path)!;
    const directives = f.comments.length === 0 || f.fatal ? [] : collectDirectives(f.source, f.comments);
    if (directives.length === 0) {
      list.sort(compareDiagnostics);
      continue;
    }
    // Only parse failures lack a rule id, and a file with one is fatal, so it has no directives.
    const kept = list.filter((d) => !suppressedBy(directives, d.ruleId!, d.range.start));
    if (unusedSeverity !== 'off') kept.push(...unusedDirectiveDiagnostics(f, directives, unusedSeverity, ranIds(), options.knownRuleIds));
    kept.sort(compareDiagnostics);
    diagnostics.set(path, kept);
  }
}

/**
 * Rules run synchronously. An `async check` returns a promise whose findings would come too late and
 * whose error would crash the process as an unhandled rejection: it fails the rule instead (and its
 * promise is settled quietly).
 */
function mustBeSync(returned: unknown): void {
  if (typeof (returned as PromiseLike<unknown> | undefined)?.then !== 'function') return;
  Promise.resolve(returned).catch(() => {});
  throw new Error('check returned a promise: rules run synchronously, so an async check cannot report (remove `async`)');
}

const INPUT_KINDS = Object.keys(INPUT_NAMES) as InputKind[];
const bit = (kind: InputKind): number => 1 << INPUT_KINDS.indexOf(kind);

/** Which kinds of input the machine has: bit i for INPUT_KINDS[i]. */
function inputsOf(machine: Machine): number {
  let bits = 0;
  for (const kind of INPUT_KINDS) if (machine.has(kind)) bits |= bit(kind);
  return bits;
}

// Worked out once per rule and set of inputs (null: the rule runs): the language server and the library
// lint one domain at a time, and building each skipped rule's reason anew was about a fifth of what a
// lone domain's lint allocated (issue 21).
const skips = new WeakMap<Rule, Map<number, SkippedRule | null>>();

/** Why a rule does not run on a machine with these inputs (inputsOf), or null when it runs. */
function skipFor(rule: Rule, inputs: number): SkippedRule | null {
  let byInputs = skips.get(rule);
  if (!byInputs) skips.set(rule, (byInputs = new Map()));
  let skip = byInputs.get(inputs);
  if (skip === undefined) byInputs.set(inputs, (skip = judge(rule.meta, inputs)));
  return skip;
}

function judge(meta: Rule['meta'], inputs: number): SkippedRule | null {
  const has = (kind: InputKind) => (inputs & bit(kind)) !== 0;
  const missing = meta.requires.filter((r) => !(typeof r === 'string' ? has(r) : r.anyOf.some(has)));
  if (missing.length === 0) return null;
  // Without the running host, the parts of it a rule needs are missing too: the host is named once.
  const said = missing.includes('live') ? missing.filter((r) => r !== 'initramfs-image') : missing;
  const liveOnly = said.every((r) => r === 'live');
  return { ruleId: meta.id, reason: `needs ${said.map(describeRequirement).join(' and ')}`, ...(liveOnly ? { liveOnly } : {}) };
}

function describeRequirement(r: Requirement): string {
  return typeof r === 'string' ? (INPUT_NAMES[r] ?? r) : r.anyOf.map((k) => INPUT_NAMES[k] ?? k).join(' or ');
}

function ranRuleIds(rules: readonly ResolvedRule[], skipped: readonly SkippedRule[], syntax: boolean): Set<string> {
  const skippedIds = new Set(skipped.map((s) => s.ruleId));
  const ran = new Set(rules.map((r) => r.rule.meta.id).filter((id) => !skippedIds.has(id)));
  if (syntax) ran.add('syntax');
  return ran;
}

function unusedDirectiveDiagnostics(f: KeptFile, directives: readonly Directive[], severity: Severity, ran: ReadonlySet<string>, known: ReadonlySet<string> | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of directives) {
    for (const id of unusedRules(d)) {
      const unknown = id !== '*' && known !== undefined && !known.has(id);
      if (!unknown && id !== '*' && !ran.has(id)) continue;
      const what = unknown ? `anything: there is no rule named ${id}` : id === '*' ? 'any finding' : `a finding of ${id}`;
      out.push(
        createDiagnostic(f.source, {
          message: `This vfio-lint-${d.kind} directive did not silence ${what}; remove it`,
          ruleId: 'unused-suppression',
          messageId: 'unused',
          severity,
          range: d.comment,
          url: builtinDocsUrl('unused-suppression'),
        }),
      );
    }
  }
  return out;
}
