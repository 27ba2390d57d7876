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

/** The pages of one size guests can have, and where that number comes from. */
export interface HugepageCapacity {
  size: number;
  /** Persistent pages: the configured pool, else (nothing configured) the running kernel's persistent pool. */
  pages: number;
  /** Surplus pages the kernel may add on demand (`vm.nr_overcommit_hugepages`, or the running kernel's limit). */
  overcommit: number;
  /** Pages per host NUMA node where exactly known: `hugepages=0:N,1:M`, or the running kernel's nodes when they hold the pool counted. */
  nodes: ReadonlyMap<number, number> | undefined;
  /** The configured pool (its token, its sysctl line or parameter); undefined when the count is the running kernel's. */
  pool: HugepagePool | undefined;
  /** For messages: `vm.nr_hugepages = 8192`, `the kernel command line (/etc/default/grub)`, `the running kernel`. */
  what: string;
}

/**
 * How many pages of one size (undefined: the default size) the host has for guests: the pool the
 * configured boot reserves, or, when nothing configured reserves one, the running kernel's pool.
 * undefined when neither is known.
 */
export function hugepageCapacity(host: HostModel, size: number | undefined): HugepageCapacity | undefined {
  const supply = hugepageSupply(host, size);
  const over = supply.overcommit ? Number(supply.overcommit.value.trim()) : 0;
  const live = supply.live && supply.live.total !== null ? supply.live.total - (supply.live.surplus ?? 0) : undefined;
  const pool = supply.configured;
  if (pool) {
    // The running kernel's nodes describe this pool only when it has exactly the pages configured.
    const nodes = pool.nodes ?? (live === pool.pages && supply.liveNodes && supply.liveNodes.size > 0 ? supply.liveNodes : undefined);
    return { size: supply.size, pages: pool.pages, overcommit: over, nodes, pool, what: describePool(host, pool) };
  }
  if (live === undefined) return undefined;
  const nodes = supply.liveNodes && supply.liveNodes.size > 0 ? supply.liveNodes : undefined;
  return { size: supply.size, pages: live, overcommit: Math.max(over, supply.live?.overcommit ?? 0), nodes, pool: undefined, what: 'the running kernel' };
}

/** A configured pool in words: its sysctl line, or the command line it is on. */
export function describePool(host: HostModel, pool: HugepagePool): string {
  if (pool.sysctl) return `${pool.sysctl.key} = ${pool.sysctl.value}`;
  const param = pool.param ? `${pool.param.name}=${pool.param.value ?? ''}` : 'hugepages=';
  return host.boot ? `${param} on the kernel command line (${host.boot.label})` : `${param} on the kernel command line`;
}
