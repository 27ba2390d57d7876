import type { HugepagePool, SysctlFact } from './facts.js';
import type { HostModel } from './model.js';
import type { HugepagePool as LivePool } from '../live/types.js';

/** What the host has of one huge page size: the configured pool, on-demand pages, and the running pool. */
export interface HugepageSupply {
  /** Page size in bytes. */
  size: number;
  /** The pool the configured boot (command line, then sysctl) reserves; undefined: none of this size. */
  configured: HugepagePool | undefined;
  /** `vm.nr_overcommit_hugepages` above 0: surplus pages of the default size can be taken from free memory on demand. */
  overcommit: SysctlFact | undefined;
  /** The running kernel's pool of this size (`--live` or a snapshot); undefined when not read or the kernel has no such size. */
  live: LivePool | undefined;
  /** Pages per NUMA node in the running kernel, when read. */
  liveNodes: ReadonlyMap<number, number> | undefined;
}

/** One huge page size as the host supplies it. `size` undefined means the default size. */
export function hugepageSupply(host: HostModel, size: number | undefined): HugepageSupply {
  const bytes = size ?? host.hugepages.defaultSize;
  const over = host.sysctl.values.get('vm.nr_overcommit_hugepages');
  const overcommit = bytes === host.hugepages.defaultSize && over && /^\d+$/.test(over.value.trim()) && Number(over.value.trim()) > 0 ? over : undefined;
  const kib = bytes / 1024;
  const live = host.live?.hugepages?.pool(kib);
  let liveNodes: Map<number, number> | undefined;
  if (host.live?.hugepages && host.live.hugepages.nodes.length > 0) {
    liveNodes = new Map();
    for (const n of host.live.hugepages.nodes) {
      const p = n.hugepages.find((h) => h.sizeKiB === kib);
      if (p?.total != null) liveNodes.set(n.id, p.total);
    }
  }
  return { size: bytes, configured: host.hugepages.pools.get(bytes), overcommit, live, liveNodes };
}

/** Where reservations were looked for, in words for messages; empty when the host gave nothing that could reserve huge pages. */
export function reservationSources(host: HostModel): Array<{ kind: 'cmdline' | 'sysctl' | 'live'; text: string }> {
  const out: Array<{ kind: 'cmdline' | 'sysctl' | 'live'; text: string }> = [];
  const cmdline = host.boot;
  if (cmdline) out.push({ kind: 'cmdline', text: `the kernel command line (${cmdline.label})` });
  const n = host.sysctl.effective.length;
  if (n > 0) out.push({ kind: 'sysctl', text: n === 1 ? `the sysctl file ${host.sysctl.effective[0]!.systemPath}` : `the ${n} sysctl files` });
  if (host.live?.hugepages) out.push({ kind: 'live', text: 'the running kernel' });
  return out;
}
