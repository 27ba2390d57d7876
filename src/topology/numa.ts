import { CpuSet } from '../core/cpuset.js';
import type { DomainView } from '../domain/view.js';
import { numaMemory, type NumaMemory } from '../domain/numatune.js';
import type { TopologyLayout } from './layout.js';

/** Where a domain's vCPUs, memory and passed-through PCI devices sit among the host's NUMA nodes. */
export interface DomainNuma {
  /** Nodes of the host CPUs the pinned vCPUs may run on. */
  vcpuNodes: CpuSet;
  memory: NumaMemory | undefined;
  /** Passed-through PCI devices whose node the facts give. */
  devices: Array<{ address: string; node: number }>;
  /** The guest has `<cpu><numa>` cells: spanning nodes may then be meant (and mirrored to the guest). */
  guestNuma: boolean;
}

/** Undefined on a host with one NUMA node (or none known): nothing can be misaligned there. */
export function domainNuma(layout: TopologyLayout, view: DomainView, vcpuCpus: CpuSet): DomainNuma | undefined {
  if (layout.nodeIds.length < 2) return undefined;
  const nodes = vcpuCpus.toArray().map((c) => layout.nodeOf(c)).filter((n) => n !== undefined);
  const devices: DomainNuma['devices'] = [];
  for (const h of view.hostdevs) {
    const node = h.pciAddress ? layout.pciNodes.get(h.pciAddress) : undefined;
    if (h.pciAddress && node !== undefined && node >= 0) devices.push({ address: h.pciAddress, node });
  }
  const cpu = view.cpu?.element;
  const guestNuma = cpu !== undefined && cpu.children.some((c) => c.type === 'element' && c.name === 'numa');
  return { vcpuNodes: CpuSet.of(...nodes), memory: numaMemory(view), devices, guestNuma };
}

/** The misalignments, in words (the rule numa-misaligned reports the same ones at their tokens). */
export function numaProblems(n: DomainNuma): Array<{ kind: 'vcpus-span' | 'memory-elsewhere' | 'device-elsewhere'; text: string }> {
  const out: Array<{ kind: 'vcpus-span' | 'memory-elsewhere' | 'device-elsewhere'; text: string }> = [];
  if (n.vcpuNodes.size > 1 && !n.guestNuma) out.push({ kind: 'vcpus-span', text: `the vCPUs run on NUMA nodes ${n.vcpuNodes.format()}, and the guest has no <numa> cells to know it` });
  if (n.memory?.nodes && n.vcpuNodes.size > 0 && !n.memory.nodes.overlaps(n.vcpuNodes)) out.push({ kind: 'memory-elsewhere', text: `memory is bound to node ${n.memory.nodes.format()} (numatune mode ${n.memory.mode}), the vCPUs run on node ${n.vcpuNodes.format()}` });
  for (const d of n.devices) if (n.vcpuNodes.size > 0 && !n.vcpuNodes.has(d.node)) out.push({ kind: 'device-elsewhere', text: `PCI device ${d.address} is on node ${d.node}, the vCPUs on node ${n.vcpuNodes.format()}` });
  return out;
}
