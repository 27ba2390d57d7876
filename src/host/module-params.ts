import type { Machine } from '../model/machine.js';
import type { SourceFile } from '../core/source.js';
import type { KernelParamFact, ModprobeFact } from './facts.js';

/** A module parameter as set in modprobe.d (`options m p=v`) or on a configured kernel command line (`m.p=v`). */
export interface ModuleParamSetting {
  param: KernelParamFact;
  /** The `options` line it is on; undefined on a command line. */
  options: ModprobeFact | undefined;
  /** The file it is written in. */
  source: SourceFile;
  /** `p=v` as written (the bare name for the flag form). */
  token: string;
  /** How a message names it: `options m p=v` or `m.p=v`. */
  written: string;
}

/**
 * Every place that sets `module.param`, in the order the kernel applies them
 * (modprobe.d first, the command line last: kmod appends those). Names match
 * with `-` read as `_`. /proc/cmdline is left out: it is what the last boot had.
 */
export function moduleParamSettings(machine: Machine, module: string, param: string): ModuleParamSetting[] {
  const out: ModuleParamSetting[] = [];
  for (const f of machine.host.modprobe.facts) {
    if (f.keyword !== 'options' || f.module !== module) continue;
    for (const p of f.options) if (p.key === param) out.push({ param: p, options: f, source: f.file.source, token: paramToken(p), written: `options ${module} ${paramToken(p)}` });
  }
  for (const cmdline of machine.host.cmdlines) {
    if (cmdline.kind === 'proc-cmdline') continue;
    for (const p of cmdline.params) {
      if (p.key !== `${module}.${param}`) continue;
      const source = machine.files.find((f) => f.source.path === p.loc.path)!.source;
      out.push({ param: p, options: undefined, source, token: paramToken(p), written: paramToken(p) });
    }
  }
  return out;
}

/** A parameter as written: `name=value`, or the bare name of the flag form. */
export function paramToken(p: KernelParamFact): string {
  return p.value === undefined ? p.name : `${p.name}=${p.value}`;
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
