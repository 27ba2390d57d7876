import { CpuSet, parseLibvirtCpuset } from '../core/cpuset.js';
import { parseLibvirtScaled } from '../core/units.js';
import { attr, childElements, firstChild, textContent, type XmlElement } from '../parsers/xml/index.js';
import type { CapabilitiesView } from '../host/capabilities.js';

/**
 * The facts a CPU topology map is drawn from, whatever read them. Today they come from
 * capabilities XML (`factsFromCapabilities`); a live host or a snapshot fills the same shape
 * from /sys/devices/system/cpu (topology/*, cache/index*), /sys/devices/system/node and
 * /sys/bus/pci/devices/<addr>/numa_node. Every field a source cannot tell is left undefined.
 */
export interface TopologyFacts {
  /** Where the facts come from, for the map's heading and for disagreements. */
  source: 'capabilities' | 'sysfs' | 'snapshot';
  /** The file or directory they were read from. */
  label: string;
  cpus: TopologyCpuFact[];
  /** Cache banks (capabilities `<cache><bank>`, sysfs `cache/index*`): each shared by `cpus`. */
  caches: CacheFact[];
  /** NUMA nodes with their CPUs and memory. */
  nodes: NodeFact[];
  /** PCI address (`0000:01:00.0`, lower case) to its NUMA node; capabilities XML has none. */
  pciNodes: Map<string, number>;
  /** The CPU model, for the heading. */
  model: string | undefined;
}

export interface TopologyCpuFact {
  id: number;
  socketId: number | undefined;
  dieId: number | undefined;
  clusterId: number | undefined;
  coreId: number | undefined;
  /** The CPUs sharing this one's core (the kernel's thread_siblings_list). */
  siblings: CpuSet | undefined;
  /** The NUMA node (capabilities: the `<cell>` listing it). */
  node: number | undefined;
  /** Hybrid parts: `performance` (cpu_core) or `efficiency` (cpu_atom); sysfs only. */
  coreType: 'performance' | 'efficiency' | undefined;
}

export interface CacheFact {
  level: number;
  /** The bank id (sysfs cache/index*\/id). */
  id: number | undefined;
  /** `both`, `data`, `code` (capabilities) or `Unified`... (sysfs), as written. */
  type: string | undefined;
  bytes: number | undefined;
  cpus: CpuSet;
}

export interface NodeFact {
  id: number;
  cpus: CpuSet;
  memoryBytes: number | undefined;
}

/** A value libvirt writes as `65535` (or -1 in sysfs) when the kernel does not know it. */
const UNKNOWN_IDS = new Set([65535, 4294967295]);

/**
 * The topology facts in capabilities XML: `<host><topology><cells>` (each `<cell>` a NUMA node, each
 * `<cpu>` with socket_id, die_id, cluster_id, core_id and siblings) and `<host><cache>` (banks of
 * every level libvirt lists, with their CPUs). Repeated CPU ids (some files list a CPU in every
 * cell) keep their first cell.
 */
export function factsFromCapabilities(caps: CapabilitiesView, label: string): TopologyFacts {
  const host = firstChild(caps.root, 'host');
  const cpus = new Map<number, TopologyCpuFact>();
  const nodes: NodeFact[] = [];
  const cells = host && firstChild(host, 'topology') && firstChild(firstChild(host, 'topology')!, 'cells');
  for (const cell of cells ? childElements(cells, 'cell') : []) {
    const node = intAttr(cell, 'id');
    const ids: number[] = [];
    const list = firstChild(cell, 'cpus');
    for (const c of list ? childElements(list, 'cpu') : []) {
      const id = intAttr(c, 'id');
      if (id === undefined || cpus.has(id)) continue;
      ids.push(id);
      const sib = attr(c, 'siblings')?.value;
      const parsed = sib === undefined ? undefined : parseLibvirtCpuset(sib);
      cpus.set(id, {
        id,
        socketId: intAttr(c, 'socket_id'),
        dieId: intAttr(c, 'die_id'),
        clusterId: intAttr(c, 'cluster_id'),
        coreId: intAttr(c, 'core_id'),
        siblings: parsed?.ok ? parsed.set : undefined,
        node,
        coreType: undefined,
      });
    }
    if (node !== undefined) {
      const mem = firstChild(cell, 'memory');
      const size = mem ? parseLibvirtScaled(textContent(mem).trim(), attr(mem, 'unit')?.value, 'KiB') : undefined;
      nodes.push({ id: node, cpus: CpuSet.of(...ids), memoryBytes: size?.ok ? size.bytes : undefined });
    }
  }
  const caches: CacheFact[] = [];
  const cache = host && firstChild(host, 'cache');
  for (const bank of cache ? childElements(cache, 'bank') : []) {
    const level = intAttr(bank, 'level');
    const set = parseLibvirtCpuset(attr(bank, 'cpus')?.value ?? '');
    if (level === undefined || !set.ok) continue;
    const size = parseLibvirtScaled(attr(bank, 'size')?.value ?? '', attr(bank, 'unit')?.value, 'B');
    caches.push({ level, id: intAttr(bank, 'id'), type: attr(bank, 'type')?.value, bytes: size.ok ? size.bytes : undefined, cpus: set.set });
  }
  return { source: 'capabilities', label, cpus: [...cpus.values()].sort((a, b) => a.id - b.id), caches, nodes, pciNodes: new Map(), model: caps.model };
}

function intAttr(el: XmlElement, name: string): number | undefined {
  const v = attr(el, name)?.value;
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return UNKNOWN_IDS.has(n) ? undefined : n;
}
