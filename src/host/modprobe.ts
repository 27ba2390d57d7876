import type { SourceFile } from '../core/source.js';
import type { CmdlineSource, KernelParamFact, ModprobeFact } from './facts.js';
import { paramToken } from './params.js';

/**
 * modprobe.d as kmod reads it, after drop-in precedence, with kmod's answers to the questions rules
 * ask: kmod keeps only the first `softdep` and the first `install` line of a module.
 */
export interface ModprobeQueries {
  /** The `softdep` kmod uses for `module` (its first). */
  softdep(module: string): ModprobeFact | undefined;
  /** The `install` command kmod uses for `module` (its first; a softdep makes kmod skip it). */
  install(module: string): ModprobeFact | undefined;
  /** The first `blacklist` of `module`. */
  blacklist(module: string): ModprobeFact | undefined;
}

export function modprobeQueries(facts: readonly ModprobeFact[]): ModprobeQueries {
  const first = new Map<string, ModprobeFact>();
  for (const f of facts) {
    // Stryker disable next-line ConditionalExpression: other keywords would only add keys no query asks for
    if (f.keyword !== 'softdep' && f.keyword !== 'install' && f.keyword !== 'blacklist') continue;
    const key = `${f.keyword} ${f.module}`;
    if (!first.has(key)) first.set(key, f);
  }
  return {
    softdep: (m) => first.get(`softdep ${m}`),
    install: (m) => first.get(`install ${m}`),
    blacklist: (m) => first.get(`blacklist ${m}`),
  };
}

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
/** `configured`: the configured command lines (not /proc/cmdline). */
export function moduleParamSettings(facts: readonly ModprobeFact[], configured: readonly CmdlineSource[], module: string, param: string): ModuleParamSetting[] {
  const out: ModuleParamSetting[] = [];
  for (const f of facts) {
    // Stryker disable next-line ConditionalExpression: only options lines have options, so the keyword test changes nothing but speed
    if (f.keyword !== 'options' || f.module !== module) continue;
    for (const p of f.options) if (p.key === param) out.push({ param: p, options: f, source: f.file.source, token: paramToken(p), written: `options ${module} ${paramToken(p)}` });
  }
  for (const cmdline of configured) {
    for (const p of cmdline.params) {
      if (p.key !== `${module}.${param}`) continue;
      out.push({ param: p, options: undefined, source: p.source, token: paramToken(p), written: paramToken(p) });
    }
  }
  return out;
}
