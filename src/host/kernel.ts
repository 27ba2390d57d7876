import type { KernelParamFact, CmdlineBase, CmdlineSource, CpuListParams } from './facts.js';
import { isolcpusValue, kernelList } from './cpulists.js';

/**
 * Parameters whose first occurrence is the one the kernel keeps. For every other name a later
 * occurrence overrides an earlier one (the usual `__setup`/`module_param` behaviour).
 * - isolcpus, nohz_full: kernel/sched/isolation.c ignores a second, differing mask.
 * - default_hugepagesz: mm/hugetlb.c ignores a later one ("default_hugepagesz previously specified").
 */
const FIRST_WINS = new Set(['isolcpus', 'nohz_full', 'default_hugepagesz']);

/** Which occurrence of `key` the kernel uses: only tokens before `--` with a value count. */
export function effectiveParam(occurrences: readonly KernelParamFact[], key: string): KernelParamFact | undefined {
  let found: KernelParamFact | undefined;
  for (const p of occurrences) {
    if (p.value === undefined) continue;
    if (FIRST_WINS.has(key)) return p;
    found = p;
  }
  return found;
}

/** A command line with its index by name and its CPU lists, parsed once. */
export function cmdlineSource(base: CmdlineBase, nrCpus: number | undefined): CmdlineSource {
  const byKey = new Map<string, KernelParamFact[]>();
  for (const p of base.params) {
    if (p.afterDashDash) continue;
    const list = byKey.get(p.key);
    if (list) list.push(p);
    else byKey.set(p.key, [p]);
  }
  const effective = new Map<string, KernelParamFact | undefined>();
  const get = (key: string) => {
    // Stryker disable next-line ConditionalExpression,ArrayDeclaration: a cache (recomputing gives the same), and a missing name and an empty list both give undefined
    if (!effective.has(key)) effective.set(key, effectiveParam(byKey.get(key) ?? [], key));
    return effective.get(key);
  };
  let lists: CpuListParams | undefined;
  return {
    ...base,
    get,
    all: (key) => byKey.get(key) ?? [],
    get cpuLists() {
      return (lists ??= cpuListParams(get, nrCpus));
    },
  };
}

function cpuListParams(get: (key: string) => KernelParamFact | undefined, nrCpus: number | undefined): CpuListParams {
  const iso = get('isolcpus');
  const isoValue = iso && isolcpusValue(iso.value!, nrCpus);
  const list = (key: string) => {
    const param = get(key);
    return param && { param, list: kernelList(param.value!, nrCpus) };
  };
  return {
    // Stryker disable next-line LogicalOperator: isoValue is set exactly when iso is (it is there for the type only)
    isolcpus: iso && isoValue && { param: iso, list: isoValue.list, flags: isoValue.flags, flagText: isoValue.flagText },
    nohzFull: list('nohz_full'),
    rcuNocbs: list('rcu_nocbs'),
    irqaffinity: list('irqaffinity'),
  };
}
