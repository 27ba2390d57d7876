import { defineRule } from '../../engine/rule.js';
import type { Loc } from '../../engine/rule.js';
import { CpuSet } from '../../core/cpuset.js';
import { domainPins, type ThreadPin } from '../../domain/pins.js';
import { onlineVcpus } from '../../domain/vcpus.js';
import { numaMemory } from '../../domain/numatune.js';
import { firstChild } from '../../parsers/xml/index.js';
import { hostLayout } from '../../topology/machine.js';
import { sysfsLoc } from '../../host/vfio-targets.js';
import { tagLoc } from '../locate.js';

type PinnedVcpu = ThreadPin & { placement: { kind: 'set'; set: CpuSet; loc: Loc } };

export const rule = defineRule({
  meta: {
    id: 'gpu-numa-locality',
    description: 'A passed-through GPU should be on a NUMA node the domain\'s pinned vCPUs run on (known from the running host or a snapshot).',
    category: 'performance',
    severity: 'warning',
    scope: 'domain',
    requires: ['domain', 'live'],
    messages: {
      remote: 'GPU {device} is on NUMA node {gpuNode} (numa_node in sysfs), but every vCPU is pinned to CPUs on {vcpus}: the guest driver\'s accesses to the GPU and the GPU\'s interrupts cross the link between nodes{memory}. Pin the vCPUs to node {gpuNode}\'s CPUs ({nodeCpus}){andMemory}',
    },
    sources: [
      'Linux `Documentation/ABI/testing/sysfs-bus-pci` (numa_node: the node the device is attached to, -1 when unknown): https://www.kernel.org/doc/Documentation/ABI/testing/sysfs-bus-pci',
      'Linux `Documentation/ABI/stable/sysfs-devices-node` (nodeN/cpulist: the CPUs of node N): https://www.kernel.org/doc/Documentation/ABI/stable/sysfs-devices-node',
      'libvirt, Domain XML format, "CPU Tuning" (vcpupin, `<vcpu cpuset>`) and "NUMA Node Tuning" (`<numatune><memory>`): https://libvirt.org/formatdomain.html#cpu-tuning',
      "libvirt src/qemu/qemu_process.c, qemuProcessSetupPid (a vCPU's CPUs: its own vcpupin, else numad's advice with placement='auto', else `<vcpu cpuset>`): https://gitlab.com/libvirt/libvirt/-/blob/master/src/qemu/qemu_process.c",
      'Red Hat Enterprise Linux 7, Virtualization Tuning and Optimization Guide, 9.3.2 "NUMA vCPU Pinning" (a guest doing I/O does best with its vCPUs and memory pinned to the socket the I/O adapter is attached to; vcpupin together with numatune): https://docs.redhat.com/en/documentation/red_hat_enterprise_linux/7/html/virtualization_tuning_and_optimization_guide/sect-virtualization_tuning_optimization_guide-numa-vcpu_pinning',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const host = ctx.machine.host;
    // Stryker disable next-line OptionalChaining: requires 'live', and the machine has that input exactly when host.live is set (model/build.ts)
    const pci = host.live?.pci;
    const layout = hostLayout(host);
    if (!pci || !layout || layout.nodeIds.length < 2) return;
    const pins = domainPins(d.view);
    if (pins.invalid) return;
    const online = onlineVcpus(d.view);
    const vcpus = pins.vcpus.filter((v) => online.has(v.id));
    // Only when every vCPU is pinned is where they run known: an unpinned one may run next to the GPU. With
    // placement='auto' only a vCPU's own <vcpupin> holds (numad places the others; libvirt's qemuProcessSetupPid).
    // (No vCPU at all gives no node, which the isEmpty() below returns on.)
    if (vcpus.some((v) => v.placement.kind !== 'set' || (pins.indeterminate && v.from !== 'pin'))) return;
    const pinned = vcpus as PinnedVcpu[];
    const nodesOf = (cpus: CpuSet) => CpuSet.of(...cpus.toArray().map((c) => layout.nodeOf(c)).filter((n) => n !== undefined));
    const vcpuNodes = pinned.reduce((acc, v) => acc.union(nodesOf(v.placement.set)), CpuSet.EMPTY);
    if (vcpuNodes.isEmpty()) return;
    const memory = numaMemory(d.view);
    for (const h of d.view.hostdevs) {
      const dev = h.pciAddress ? pci.get(h.pciAddress) : undefined;
      // Display controllers only (VGA 0300, 3D 0302): the audio function follows its GPU and is not named twice.
      if (!dev || !dev.class?.startsWith('03') || dev.numaNode === null || vcpuNodes.has(dev.numaNode)) continue;
      const gpuNode = dev.numaNode;
      const nodeCpus = CpuSet.of(...layout.cpus.toArray().filter((c) => layout.nodeOf(c) === gpuNode));
      const memElsewhere = memory?.nodes !== undefined && !memory.nodes.has(gpuNode);
      const source = firstChild(h.element, 'source');
      ctx.report({
        messageId: 'remote',
        data: {
          device: `${dev.address} (${dev.vendor ?? '?'}:${dev.device ?? '?'})`,
          gpuNode,
          vcpus: `node${vcpuNodes.size > 1 ? 's' : ''} ${vcpuNodes.format()}`,
          memory: memory?.nodes === undefined ? '' : memElsewhere ? `; the memory is bound to node${memory.nodes.size > 1 ? 's' : ''} ${memory.nodes.format()} as well, so the GPU's DMA crosses it too` : memory.nodes.size > 1 ? `; the memory is bound to nodes ${memory.nodes.format()}, the GPU's among them` : `; the memory is bound to node ${gpuNode}, with the GPU`,
          nodeCpus: nodeCpus.format(),
          andMemory: memElsewhere ? ` and bind the memory there (<numatune><memory nodeset='${gpuNode}'/>)` : '',
        },
        at: tagLoc(d.view.path, (source && firstChild(source, 'address')) ?? h.element),
        related: [
          { ...sysfsLoc(dev.address, 'numa_node'), message: `the running host puts ${dev.address} on node ${gpuNode}` },
          { ...pinned[0]!.placement.loc, message: `vCPU ${pinned[0]!.id} runs on node${nodesOf(pinned[0]!.placement.set).size > 1 ? 's' : ''} ${nodesOf(pinned[0]!.placement.set).format()}` },
          ...(memory?.nodes !== undefined ? [{ ...memory.loc, message: `the memory is bound to node${memory.nodes.size > 1 ? 's' : ''} ${memory.nodes.format()}` }] : []),
        ],
      });
    }
  },
});
