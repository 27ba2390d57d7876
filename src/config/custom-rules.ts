import type { Rule, RuleMeta } from '../engine/rule.js';
import type { InputKind } from '../model/machine.js';

const INPUT_KINDS: ReadonlySet<InputKind> = new Set(['domain', 'capabilities', 'cmdline', 'modprobe', 'sysctl', 'initramfs', 'live', 'initramfs-image']);
const SEVERITIES = new Set(['error', 'warning', 'info']);

/**
 * Checks rules that do not come with vfio-lint (the library's `customRules`, a plugin's `rules`)
 * before any work: a malformed rule is its author's mistake, named by `where` and its id. `taken`
 * holds the ids already in use and gets these added. Returns the message of the first problem.
 */
export function customRuleProblem(custom: unknown, where: string, taken: Set<string>): string | undefined {
  if (!Array.isArray(custom)) return `${where} must be an array of rules`;
  for (const [i, rule] of custom.entries()) {
    const at = `${where}[${i}]`;
    const meta = (rule as Partial<Rule> | undefined)?.meta as Partial<RuleMeta> | undefined;
    if (!meta || typeof meta !== 'object') return `${at}: a rule needs a meta object and a check function`;
    if (typeof meta.id !== 'string' || !/^[a-z0-9][a-z0-9/_-]*$/i.test(meta.id)) return `${at}: meta.id must be a name of letters, digits, '-', '_' and '/' (got ${JSON.stringify(meta.id)})`;
    const name = `${at} (${meta.id})`;
    if (taken.has(meta.id)) return `${name}: there is already a rule with this id`;
    taken.add(meta.id);
    if (typeof (rule as Rule).check !== 'function') return `${name}: check must be a function`;
    if (meta.scope !== 'domain' && meta.scope !== 'machine') return `${name}: meta.scope must be 'domain' or 'machine'`;
    if (!SEVERITIES.has(meta.severity as string)) return `${name}: meta.severity must be 'error', 'warning' or 'info'`;
    if (!Array.isArray(meta.requires) || !meta.requires.every((r) => (typeof r === 'string' ? INPUT_KINDS.has(r) : Array.isArray(r?.anyOf) && r.anyOf.length > 0 && r.anyOf.every((k) => INPUT_KINDS.has(k))))) return `${name}: meta.requires must list inputs among ${[...INPUT_KINDS].join(', ')}, or { anyOf: [...] } of them`;
    if (!meta.messages || typeof meta.messages !== 'object') return `${name}: meta.messages must map message ids to texts`;
    if (meta.fixable !== undefined && meta.fixable !== 'safe' && meta.fixable !== 'suggest') return `${name}: meta.fixable must be 'safe' or 'suggest' when given`;
  }
  return undefined;
}
