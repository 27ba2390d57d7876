import type { Machine, ParsedFile } from '../model/machine.js';
import { compareDiagnostics, createDiagnostic, type Diagnostic } from './diagnostic.js';
import { builtinDocsUrl, fillTemplate, type Rule, type Report, type Severity } from './rule.js';
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

const INPUT_NAMES: Record<string, string> = {
  domain: 'a libvirt domain XML',
  capabilities: 'host capabilities XML (`virsh capabilities > caps.xml`)',
  cmdline: 'a kernel command line source (/etc/default/grub, /etc/kernel/cmdline, a loader entry or /proc/cmdline)',
  modprobe: 'modprobe configuration (/etc/modprobe.d)',
  sysctl: 'sysctl configuration (/etc/sysctl.conf, /etc/sysctl.d)',
  initramfs: 'an initramfs configuration (mkinitcpio, dracut or initramfs-tools)',
};

export function lintMachine(machine: Machine, rules: readonly ResolvedRule[], options: LintMachineOptions = {}): MachineLint {
  const byPath = new Map<string, ParsedFile>();
  const diagnostics = new Map<string, Diagnostic[]>();
  for (const f of machine.files) {
    byPath.set(f.source.path, f);
    diagnostics.set(f.source.path, []);
  }
  const lookup = (path: string) => byPath.get(path)?.source;
  const skipped: SkippedRule[] = [];
  const failures: RuleFailure[] = [];

  for (const f of machine.files) {
    const list = diagnostics.get(f.source.path)!;
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
  }

  // A directive for a rule that is off or was skipped silenced nothing, but it is not stale: it stays unreported.
  const ran = new Set<string>();
  if (options.syntax !== 'off') ran.add('syntax');
  for (const resolved of rules) {
    const { rule } = resolved;
    if (!rule.meta.requires.every((input) => machine.has(input))) {
      const missing = rule.meta.requires.filter((input) => !machine.has(input));
      skipped.push({ ruleId: rule.meta.id, reason: `needs ${missing.map((m) => INPUT_NAMES[m] ?? m).join(' and ')}` });
      continue;
    }
    ran.add(rule.meta.id);
    const report = (r: Report) => {
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
    try {
      if (rule.meta.scope === 'domain') {
        for (const domain of machine.domains) rule.check({ machine, domain, options: resolved.options, report });
      } else {
        rule.check({ machine, options: resolved.options, report });
      }
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      failures.push({ ruleId: rule.meta.id, message: e.message, stack: e.stack });
    }
  }

  const unusedSeverity = options.reportUnusedSuppressions ?? 'warning';
  for (const f of machine.files) {
    const list = diagnostics.get(f.source.path)!;
    if (f.comments.length === 0 || f.fatal) {
      list.sort(compareDiagnostics);
      continue;
    }
    const directives = collectDirectives(f.source, f.comments);
    const kept = directives.length === 0 ? list : list.filter((d) => d.parseFailure || d.ruleId === undefined || !suppressedBy(directives, d.ruleId, d.range.start));
    if (unusedSeverity !== 'off') kept.push(...unusedDirectiveDiagnostics(f, directives, unusedSeverity, ran, options.knownRuleIds));
    kept.sort(compareDiagnostics);
    diagnostics.set(f.source.path, kept);
  }
  return { diagnostics, skipped, failures };
}

function unusedDirectiveDiagnostics(f: ParsedFile, directives: readonly Directive[], severity: Severity, ran: ReadonlySet<string>, known: ReadonlySet<string> | undefined): Diagnostic[] {
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
