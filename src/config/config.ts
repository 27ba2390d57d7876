import type { Rule, Severity } from '../engine/rule.js';
import type { ResolvedRule } from '../engine/run.js';
import { didYouMean } from './suggest.js';
import { ConfigError } from './config-error.js';
import { DISCOVERY_KEYS, validateDiscoveryConfig, type DiscoveryConfig } from './discovery.js';
import { checkGlob, GlobError } from './glob.js';

/** Rule options are small records; deeper nesting is a mistake (or an attack on whatever walks them recursively). */
const MAX_OPTION_DEPTH = 32;

/** Whether `value` nests objects or arrays deeper than `max`, found without recursion. */
function tooDeep(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** A glob the matcher cannot take is a config mistake, said when the config is read. */
function checkGlobs(globs: readonly string[], where: string): void {
  for (const g of globs) {
    try {
      checkGlob(g);
    } catch (err) {
      if (err instanceof GlobError) throw new ConfigError(`${where}: ${err.message}`);
      throw err;
    }
  }
}

export type SeveritySetting = Severity | 'warn' | 'off' | 0 | 1 | 2;
export type RuleSetting = SeveritySetting | [SeveritySetting] | [SeveritySetting, Record<string, unknown>];

export interface MachineConfig {
  name?: string;
  /** Domain XML files or globs, relative to the config file. */
  domains?: string[];
  /** A host tree (root with etc/, or an etc directory), relative to the config file. */
  host?: string;
  /** `virsh capabilities` output for this machine. */
  capabilities?: string;
  /** Single host files that are not in a tree. */
  files?: string[];
}

export interface Override {
  files: string[];
  rules: Record<string, RuleSetting>;
}

/** The configuration file's shape (vfio-lint.config.json or .vfio-lintrc.json). */
export interface Config extends DiscoveryConfig {
  /** `recommended` (the default) turns on the recommended rules at their default severity; `all` turns on every rule. */
  extends?: 'recommended' | 'all';
  rules?: Record<string, RuleSetting>;
  overrides?: Override[];
  machines?: MachineConfig[];
  /** Report suppression comments that silenced nothing (default true). */
  reportUnusedSuppressions?: boolean;
  /** Modules (paths relative to the config file, or package names) that export `rules` and `formatters`. */
  plugins?: string[];
}

export { ConfigError };

/** Parse a severity the ways ESLint users write it. */
export function parseSeverity(value: unknown, where: string): Severity | 'off' {
  switch (value) {
    case 'error':
    case 2:
      return 'error';
    case 'warn':
    case 'warning':
    case 1:
      return 'warning';
    case 'info':
      return 'info';
    case 'off':
    case 0:
      return 'off';
    default:
      throw new ConfigError(`${where}: severity must be one of "error", "warn", "info", "off" (got ${JSON.stringify(value)})`);
  }
}

export interface RuleState {
  severity: Severity | 'off';
  explicit: boolean;
  options: Record<string, unknown>;
}

function settingOf(setting: RuleSetting, where: string): { severity: Severity | 'off'; options: Record<string, unknown> | undefined } {
  if (Array.isArray(setting)) {
    // JSON can hold any array; the tuple type is what it should be.
    const arr = setting as unknown[];
    if (arr.length === 0 || arr.length > 2) throw new ConfigError(`${where}: expected [severity] or [severity, options]`);
    const options = arr[1] as Record<string, unknown> | undefined;
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) throw new ConfigError(`${where}: rule options must be an object`);
    if (options !== undefined && tooDeep(options, MAX_OPTION_DEPTH)) throw new ConfigError(`${where}: rule options nest deeper than ${MAX_OPTION_DEPTH} levels`);
    return { severity: parseSeverity(arr[0], where), options };
  }
  return { severity: parseSeverity(setting, where), options: undefined };
}

/** Validate the parsed JSON of a config file; `where` names the file in messages. */
export function validateConfig(raw: unknown, where: string, known: ReadonlyMap<string, Rule>): Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${where}: the configuration must be a JSON object`);
  const obj = raw as Record<string, unknown>;
  const allowed = new Set(['$schema', 'extends', 'plugins', 'rules', 'overrides', 'machines', 'reportUnusedSuppressions', ...DISCOVERY_KEYS]);
  for (const key of Object.keys(obj)) if (!allowed.has(key)) throw new ConfigError(`${where}: unknown key "${key}" (allowed: ${[...allowed].filter((k) => k !== '$schema').join(', ')})`);
  if (obj.extends !== undefined && obj.extends !== 'recommended' && obj.extends !== 'all') throw new ConfigError(`${where}: "extends" must be "recommended" or "all"`);
  const checkRules = (rules: unknown, at: string) => {
    if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) throw new ConfigError(`${where}: "${at}" must be an object of rule id to severity`);
    for (const [id, setting] of Object.entries(rules)) {
      if (!known.has(id)) throw new ConfigError(`${where}: ${at}: unknown rule "${id}"${suggestId(id, known)}`);
      settingOf(setting as RuleSetting, `${where}: ${at}.${id}`);
    }
  };
  if (obj.rules !== undefined) checkRules(obj.rules, 'rules');
  if (obj.overrides !== undefined) {
    if (!Array.isArray(obj.overrides)) throw new ConfigError(`${where}: "overrides" must be an array`);
    obj.overrides.forEach((o, i) => {
      const ov = o as Record<string, unknown>;
      if (typeof ov !== 'object' || ov === null || !Array.isArray(ov.files) || !ov.files.every((f) => typeof f === 'string')) throw new ConfigError(`${where}: overrides[${i}].files must be an array of globs`);
      checkGlobs(ov.files as string[], `${where}: overrides[${i}].files`);
      checkRules(ov.rules ?? {}, `overrides[${i}].rules`);
    });
  }
  if (obj.machines !== undefined) {
    if (!Array.isArray(obj.machines)) throw new ConfigError(`${where}: "machines" must be an array`);
    obj.machines.forEach((m, i) => {
      const mc = m as Record<string, unknown>;
      if (typeof mc !== 'object' || mc === null) throw new ConfigError(`${where}: machines[${i}] must be an object`);
      for (const key of Object.keys(mc)) if (!['name', 'domains', 'host', 'capabilities', 'files'].includes(key)) throw new ConfigError(`${where}: machines[${i}]: unknown key "${key}"`);
      for (const key of ['domains', 'files']) if (mc[key] !== undefined && !(Array.isArray(mc[key]) && (mc[key] as unknown[]).every((x) => typeof x === 'string'))) throw new ConfigError(`${where}: machines[${i}].${key} must be an array of paths`);
      for (const key of ['name', 'host', 'capabilities']) if (mc[key] !== undefined && typeof mc[key] !== 'string') throw new ConfigError(`${where}: machines[${i}].${key} must be a string`);
      for (const key of ['domains', 'files']) if (mc[key] !== undefined) checkGlobs(mc[key] as string[], `${where}: machines[${i}].${key}`);
    });
  }
  validateDiscoveryConfig(obj, where);
  if (obj.reportUnusedSuppressions !== undefined && typeof obj.reportUnusedSuppressions !== 'boolean') throw new ConfigError(`${where}: "reportUnusedSuppressions" must be true or false`);
  return obj as Config;
}

function suggestId(id: string, known: ReadonlyMap<string, Rule>): string {
  const close = didYouMean(id, known.keys());
  // `plugin/rule` is how a plugin's rules are named: the plugin is the likely thing missing.
  return close !== '' || !id.includes('/') ? close : ' (a rule from a plugin needs the plugin in "plugins")';
}

/** The state of every rule after presets, the config's `rules` and command-line `--rule` settings. */
export function resolveRuleStates(rules: readonly Rule[], config: Config, cli: Record<string, RuleSetting> = {}, cliName = 'the rules option'): Map<string, RuleState> {
  const states = new Map<string, RuleState>();
  for (const r of rules) {
    const on = config.extends === 'all' || r.meta.recommended !== false;
    states.set(r.meta.id, { severity: on ? r.meta.severity : 'off', explicit: false, options: {} });
  }
  const apply = (settings: Record<string, RuleSetting> | undefined, where: string) => {
    for (const [id, setting] of Object.entries(settings ?? {})) {
      const state = states.get(id);
      if (!state) throw new ConfigError(`${where}: unknown rule "${id}"${didYouMean(id, states.keys())}`);
      const s = settingOf(setting, `${where}: ${id}`);
      states.set(id, { severity: s.severity, explicit: true, options: s.options ?? state.options });
    }
  };
  apply(config.rules, 'configuration');
  apply(cli, cliName);
  return states;
}

export function enabledRules(rules: readonly Rule[], states: ReadonlyMap<string, RuleState>): ResolvedRule[] {
  const out: ResolvedRule[] = [];
  for (const rule of rules) {
    const s = states.get(rule.meta.id);
    if (!s || s.severity === 'off') continue;
    out.push({ rule, severity: s.severity, explicit: s.explicit, options: s.options });
  }
  return out;
}
