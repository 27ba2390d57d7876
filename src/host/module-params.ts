import type { HostModel } from './model.js';
import type { KernelParamFact, ModprobeFact } from './facts.js';

/** A module parameter as set in modprobe.d (`options m p=v`) or on a configured kernel command line (`m.p=v`). */
export interface ModuleParamSetting {
  param: KernelParamFact;
  /** The `options` line it is on; undefined on a command line. */
  options: ModprobeFact | undefined;
}

/**
 * Every place that sets `module.param`, in the order the kernel applies them
 * (modprobe.d first, the command line last: kmod appends those). Names match
 * with `-` read as `_`. /proc/cmdline is left out: it is what the last boot had.
 */
export function moduleParamSettings(host: HostModel, module: string, param: string): ModuleParamSetting[] {
  const out: ModuleParamSetting[] = [];
  for (const f of host.modprobe.facts) {
    if (f.keyword !== 'options' || f.module !== module) continue;
    for (const p of f.options) if (p.key === param) out.push({ param: p, options: f });
  }
  for (const source of host.cmdlines) {
    if (source.kind === 'proc-cmdline') continue;
    for (const p of source.params) if (p.key === `${module}.${param}`) out.push({ param: p, options: undefined });
  }
  return out;
}

/** The kernel's bool parsing (kstrtobool): y/Y/1/t/T/on true, n/N/0/f/F/off false, no value true. */
export function kernelBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return true;
  const v = value.toLowerCase();
  if (v === 'on') return true;
  if (v === 'off') return false;
  if ('y1t'.includes(v[0] ?? '')) return true;
  if ('n0f'.includes(v[0] ?? '')) return false;
  return undefined;
}
