import { defineRule } from '../../engine/rule.js';
import type { Loc, RelatedLocation } from '../../engine/rule.js';
import { CpuSet } from '../../core/cpuset.js';
import { domainPins, type ThreadPin } from '../../domain/pins.js';
import { onlineVcpus } from '../../domain/vcpus.js';
import { numaMemory } from '../../domain/numatune.js';
import { guestCells, memnodes } from '../../domain/numa-cells.js';
import { hostLayout } from '../../topology/machine.js';
import type { TopologyLayout } from '../../topology/layout.js';
import { setAttribute } from '../../edit/xml.js';
import { attr } from '../../parsers/xml/index.js';
import type { HostModel } from '../../host/model.js';

type PinnedVcpu = ThreadPin & { placement: { kind: 'set'; set: CpuSet; loc: Loc } };

export const rule = defineRule({
  meta: {
    id: 'numa-misaligned',
    description: 'On a host with several NUMA nodes, a domain\'s vCPUs should run on one node (or the guest should see the nodes) and its memory should be bound where its vCPUs run.',
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    // The host's NUMA nodes come from the running host, a snapshot or capabilities XML; without any, it stays quiet.
    optional: ['capabilities', 'live'],
    messages: {
      vcpusSpan: 'The vCPUs are pinned to CPUs on NUMA nodes {nodes} ({where}), and the guest has no <numa> cells to know it: it cannot keep a thread\'s memory on that thread\'s node, so memory accesses cross the link between nodes, though its {count} host CPUs fit in node {fit} ({size} CPUs){gpu}',
      memoryElsewhere: 'The memory is bound to NUMA {memory} (numatune mode {mode}), but the vCPUs are pinned to CPUs on {vcpus}: every memory access of the guest crosses the link between nodes{gpu}',
      memnodeElsewhere: 'Guest NUMA cell {cell} has its memory bound to host {memory} (numatune memnode), but its vCPUs {cellVcpus} are pinned to CPUs on {vcpus}: the guest is told the memory is local when it is not',
    },
    sources: [
      'libvirt, Domain XML format, "NUMA Node Tuning" (`<numatune>`, `<memory mode nodeset>`, `<memnode cellid mode nodeset>`; mode defaults to strict): https://libvirt.org/formatdomain.html#numa-node-tuning',
      'libvirt, Domain XML format, "CPU Tuning" (vcpupin, `<vcpu cpuset>`) and "NUMA topology" (`<cpu><numa><cell id cpus memory>`): https://libvirt.org/formatdomain.html#cpu-tuning',
      'libvirt, Capabilities XML format, host `<topology><cells>` (one `<cell>` per NUMA node with its CPUs): https://libvirt.org/formatcaps.html',
      'Linux `Documentation/admin-guide/mm/numa_memory_policy.rst` (the default policy allocates on the node of the CPU that faults the page; bind/preferred/interleave): https://docs.kernel.org/admin-guide/mm/numa_memory_policy.html',
      'Red Hat Enterprise Linux 7, Virtualization Tuning and Optimization Guide, 9.3 "libvirt NUMA Tuning" (best performance when a guest fits the resources of one NUMA node; vCPU pinning and numatune configured together) and 9.3.2: https://docs.redhat.com/en/documentation/red_hat_enterprise_linux/7/html/virtualization_tuning_and_optimization_guide/sect-virtualization_tuning_optimization_guide-numa-numa_and_libvirt',
      'Linux `Documentation/ABI/stable/sysfs-devices-node` (nodeN/cpulist) and `Documentation/ABI/testing/sysfs-bus-pci` (numa_node of a PCI device): https://www.kernel.org/doc/Documentation/ABI/testing/sysfs-bus-pci',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const layout = hostLayout(ctx.machine.host);
    if (!layout || layout.nodeIds.length < 2) return;
    const pins = domainPins(d.view);
    if (pins.indeterminate || pins.invalid) return;
    const online = onlineVcpus(d.view);
    const vcpus = pins.vcpus.filter((v) => online.has(v.id));
    const pinned = vcpus.filter((v): v is PinnedVcpu => v.placement.kind === 'set');
    if (pinned.length === 0) return;
    const nodesOf = (cpus: CpuSet) => CpuSet.of(...cpus.toArray().map((c) => layout.nodeOf(c)).filter((n) => n !== undefined));
    const vcpuNodes = pinned.reduce((acc, v) => acc.union(nodesOf(v.placement.set)), CpuSet.EMPTY);
    if (vcpuNodes.isEmpty()) return;
    // Only when every vCPU is pinned is where they run known (an unpinned one may run on any node).
    const allPinned = pinned.length === vcpus.length;
    const gpu = gpuWords(layout, ctx.machine.host, d.view.hostdevs.map((h) => h.pciAddress));
    const cells = guestCells(d.view);

    // 1. The vCPUs span nodes the guest does not know about. Only a layout of node-bound pins counts: a vCPU
    // whose own set spans nodes is a floating pool (often `<vcpu cpuset>`), whose intent is not a layout.
    const nodeBound = pinned.every((v) => nodesOf(v.placement.set).size === 1);
    if (vcpuNodes.size > 1 && cells.length === 0 && nodeBound) {
      const used = pinned.reduce((acc, v) => acc.union(v.placement.set), CpuSet.EMPTY);
      const fits = layout.nodeIds.map((n) => ({ n, size: cpusOfNode(layout, n).size })).filter((x) => x.size >= used.size);
      if (fits.length > 0) {
        const byNode = vcpuNodes.toArray().map((n) => ({ n, vcpus: pinned.filter((v) => nodesOf(v.placement.set).has(n)) }));
        byNode.sort((a, b) => b.vcpus.length - a.vcpus.length || a.n - b.n);
        const main = byNode[0]!.n;
        const first = pinned.find((v) => !nodesOf(v.placement.set).equals(CpuSet.of(main)))!;
        const fit = fits.find((x) => x.n === main) ?? fits[0]!;
        ctx.report({
          messageId: 'vcpusSpan',
          data: {
            nodes: vcpuNodes.format(),
            where: byNode.map((x) => `node ${x.n}: CPUs ${used.intersect(cpusOfNode(layout, x.n)).format()}`).join('; '),
            count: used.size,
            fit: fit.n,
            size: fit.size,
            gpu: gpu.text,
          },
          at: first.placement.loc,
          related: byNode.map((x) => ({ ...x.vcpus[0]!.placement.loc, message: `vCPU ${x.vcpus[0]!.id} runs on node ${x.n}` })),
        });
      }
    }

    // 2. The memory is bound away from every node the vCPUs run on.
    const memory = numaMemory(d.view);
    if (allPinned && memory?.nodes && !memory.nodes.isEmpty() && !memory.nodes.overlaps(vcpuNodes)) {
      const related: RelatedLocation[] = [{ ...pinned[0]!.placement.loc, message: `vCPU ${pinned[0]!.id} runs on ${nodeWords(nodesOf(pinned[0]!.placement.set))}` }];
      // Stryker disable next-line MethodExpression: with one node, its min() is its max()
      const target = vcpuNodes.size === 1 ? String(vcpuNodes.min()) : undefined;
      const nodeset = attr(memory.element, 'nodeset');
      ctx.report({
        messageId: 'memoryElsewhere',
        data: { memory: nodeWords(memory.nodes), mode: memory.mode, vcpus: nodeWords(vcpuNodes), gpu: gpu.text },
        at: memory.loc,
        related,
        // Which side should move is the user's choice: the memory to the vCPUs is one answer.
        suggestions: target !== undefined && nodeset
          ? [{ description: `Bind the memory to node ${target}, where the vCPUs run (or pin the vCPUs to node ${memory.nodes.format()}'s CPUs instead: ${cpusOfNode(layout, memory.nodes.min()!).format()})`, fix: { edits: [setAttribute(d.file.source.path, d.file.source.text, memory.element, 'nodeset', target)] } }]
          : [],
      });
    }

    // 3. A guest cell's memory on another host node than the vCPUs the guest puts in that cell.
    for (const m of memnodes(d.view)) {
      if (m.cellid === undefined || !m.nodes || m.nodes.isEmpty()) continue;
      const cell = cells.find((c) => c.id === m.cellid);
      if (!cell?.vcpus) continue;
      const inCell = vcpus.filter((v) => cell.vcpus!.has(v.id));
      if (inCell.length === 0 || inCell.some((v) => v.placement.kind !== 'set')) continue;
      const cellPinned = inCell as PinnedVcpu[];
      const nodes = cellPinned.reduce((acc, v) => acc.union(nodesOf(v.placement.set)), CpuSet.EMPTY);
      if (nodes.isEmpty() || m.nodes.overlaps(nodes)) continue;
      ctx.report({
        messageId: 'memnodeElsewhere',
        data: { cell: m.cellid, memory: nodeWords(m.nodes), cellVcpus: cell.vcpus.format(), vcpus: nodeWords(nodes) },
        at: m.loc,
        related: [{ ...cellPinned[0]!.placement.loc, message: `vCPU ${cellPinned[0]!.id} of cell ${m.cellid} runs on ${nodeWords(nodesOf(cellPinned[0]!.placement.set))}` }],
      });
    }
  },
});

function cpusOfNode(layout: TopologyLayout, node: number): CpuSet {
  return CpuSet.of(...layout.cpus.toArray().filter((c) => layout.nodeOf(c) === node));
}

function nodeWords(nodes: CpuSet): string {
  return nodes.size === 1 ? `node ${nodes.format()}` : `nodes ${nodes.format()}`;
}

/**
 * Where the passed-through GPUs sit, when the running host says (sysfs numa_node and class): named so the
 * user knows which node to choose. Whether a GPU is on the vCPUs' node is gpu-numa-locality's finding.
 */
function gpuWords(layout: TopologyLayout, host: HostModel, addresses: Array<string | undefined>): { text: string } {
  const known = addresses
    .filter((a): a is string => a !== undefined && layout.pciNodes.has(a) && host.live?.pci?.get(a)?.class?.startsWith('03') === true)
    .map((a) => `${a} on node ${layout.pciNodes.get(a)}`);
  if (known.length === 0) return { text: '' };
  return { text: `. The passed-through GPU${known.length > 1 ? 's are' : ' is'} ${known.join(', ')}` };
}
