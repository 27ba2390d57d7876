import { parseKernelSize } from '../core/units.js';
import type { CmdlineSource, HugepageConfig, HugepagePool, KernelParamFact, SysctlFact } from './facts.js';

const MiB2 = 2 * 1024 * 1024;

/** Huge page sizes an x86-64 kernel accepts (1 GiB needs the pdpe1gb CPU flag). */
const X86_SIZES = new Set([MiB2, 1024 * 1024 * 1024]);

/**
 * The persistent huge page pools the configured boot sets up: the command line's
 * `hugepagesz=`/`hugepages=` walk, then `vm.nr_hugepages` from sysctl for the default size.
 */
export function hugepageConfig(boot: CmdlineSource | undefined, nrHugepages: SysctlFact | undefined): HugepageConfig {
  const defaultSize = boot ? defaultHugepageSize(boot) : MiB2;
  const pools = boot ? bootPools(boot, defaultSize) : new Map<number, HugepagePool>();
  // vm.nr_hugepages (the last assignment wins) resizes the default size's pool at run time.
  if (nrHugepages && /^\d+$/.test(nrHugepages.value.trim())) {
    pools.set(defaultSize, { size: defaultSize, pages: Number(nrHugepages.value.trim()), at: nrHugepages.valueLoc, sysctl: nrHugepages });
  }
  return { defaultSize, pools };
}

/** `default_hugepagesz=` if valid (the first one counts), else 2 MiB as on x86. */
function defaultHugepageSize(source: CmdlineSource): number {
  const p = source.get('default_hugepagesz');
  const size = p ? parseKernelSize(p.value!) : undefined;
  return size?.ok && X86_SIZES.has(size.bytes) ? size.bytes : MiB2;
}

/**
 * Walk `hugepagesz=`, `default_hugepagesz=` and `hugepages=` in order, as
 * mm/hugetlb.c does (catalog 3.5, checked against hugetlbpage.rst): a count
 * applies to the size named just before it (by hugepagesz or
 * default_hugepagesz), or the default size; a second count for a size is
 * ignored; a count after an invalid size is ignored.
 */
function bootPools(source: CmdlineSource, defaultSize: number): Map<number, HugepagePool> {
  const pools = new Map<number, HugepagePool>();
  let size: number | undefined = defaultSize;
  let counted = false;
  for (const p of source.params) {
    if (p.afterDashDash || p.value === undefined) continue;
    if (p.key === 'hugepagesz' || p.key === 'default_hugepagesz') {
      const s = parseKernelSize(p.value);
      size = s.ok && X86_SIZES.has(s.bytes) ? s.bytes : undefined;
      counted = false;
    } else if (p.key === 'hugepages') {
      if (counted || size === undefined || pools.has(size)) continue;
      const count = countPages(p);
      if (count !== undefined) pools.set(size, { size, pages: count.pages, at: p.valueLoc ?? p.loc, sysctl: undefined, param: p, nodes: count.nodes });
      counted = true;
    } else if (p.key === 'sysctl.vm.nr_hugepages' && /^\d+$/.test(p.value)) {
      pools.set(defaultSize, { size: defaultSize, pages: Number(p.value), at: p.valueLoc ?? p.loc, sysctl: undefined, param: p });
    }
  }
  return pools;
}

/** `hugepages=N`, or the per-node form `hugepages=0:N,1:M` (its total, and the count per node). */
function countPages(p: KernelParamFact): { pages: number; nodes: Map<number, number> | undefined } | undefined {
  const v = p.value!;
  if (/^\d+$/.test(v)) return { pages: Number(v), nodes: undefined };
  const parts = v.split(',').map((part) => /^(\d+):(\d+)$/.exec(part));
  if (!parts.every(Boolean)) return undefined;
  const nodes = new Map<number, number>();
  for (const m of parts) nodes.set(Number(m![1]), (nodes.get(Number(m![1])) ?? 0) + Number(m![2]));
  return { pages: [...nodes.values()].reduce((a, b) => a + b, 0), nodes };
}
