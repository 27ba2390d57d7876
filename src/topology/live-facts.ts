import { CpuSet, parseKernelCpuList } from '../core/cpuset.js';
import type { HostSnapshot } from '../live/types.js';
import type { CacheFact, NodeFact, TopologyCpuFact, TopologyFacts } from './facts.js';

/**
 * The topology facts of a running host or a snapshot (src/live/cpu.ts, memory.ts, pci.ts): each CPU's
 * package, die, cluster, core and thread siblings from /sys/devices/system/cpu/cpuN/topology, its L3
 * from cache/index*, its node from /sys/devices/system/node/nodeN/cpulist, hybrid core types, and each
 * PCI device's numa_node. An offline CPU has no topology directory: it keeps only its node.
 */
export function factsFromSnapshot(host: HostSnapshot, source: 'sysfs' | 'snapshot', label: string): TopologyFacts {
  const nodeOf = new Map<number, number>();
  const nodes: NodeFact[] = [];
  for (const n of host.numa) {
    const set = cpuList(n.cpus) ?? CpuSet.EMPTY;
    for (const c of set.toArray()) nodeOf.set(c, n.id);
    // sysfs gives the node's memory in meminfo, which the snapshot does not keep.
    nodes.push({ id: n.id, cpus: set, memoryBytes: undefined });
  }
  const cpus: TopologyCpuFact[] = host.cpu.cpus.map((c) => ({
    id: c.id,
    socketId: c.packageId ?? undefined,
    dieId: c.dieId ?? undefined,
    clusterId: c.clusterId ?? undefined,
    coreId: c.coreId ?? undefined,
    siblings: cpuList(c.threadSiblings),
    node: nodeOf.get(c.id),
    coreType: c.coreType === 'core' ? 'performance' : c.coreType === 'atom' ? 'efficiency' : undefined,
  }));
  // Every CPU names its L3; CPUs naming the same one (same id and shared list) are one bank.
  const caches: CacheFact[] = [];
  const seen = new Set<string>();
  for (const c of host.cpu.cpus) {
    const l3 = c.l3;
    const shared = l3 ? cpuList(l3.sharedCpus) : undefined;
    if (!l3 || !shared) continue;
    const key = `${l3.id ?? '?'}:${shared.format()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    caches.push({ level: 3, id: l3.id ?? undefined, type: 'Unified', bytes: kernelSize(l3.size), cpus: shared });
  }
  const pciNodes = new Map<string, number>();
  for (const d of host.pci) if (d.numaNode !== null && d.numaNode >= 0) pciNodes.set(d.address.toLowerCase(), d.numaNode);
  return { source, label, cpus, caches, nodes, pciNodes, model: host.cpu.modelName ?? undefined };
}

function cpuList(text: string | null): CpuSet | undefined {
  if (text === null) return undefined;
  const r = parseKernelCpuList(text.trim());
  return r.ok ? r.set : undefined;
}

/** sysfs cache sizes: `32768K`, `1M` (the kernel prints K). */
function kernelSize(text: string | null): number | undefined {
  const m = text?.trim().match(/^(\d+)([KMG]?)$/);
  if (!m) return undefined;
  return Number(m[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2] as '' | 'K' | 'M' | 'G'];
}
