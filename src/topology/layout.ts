import { CpuSet } from '../core/cpuset.js';
import { coresOf } from '../host/topology.js';
import type { CacheFact, TopologyFacts } from './facts.js';

/**
 * The host's CPUs as a tree a person (or an editor, or the web page) can draw:
 * package > NUMA node > L3 cache (a CCD/CCX on AMD) > core > SMT thread.
 * Built from `TopologyFacts` alone, so it is the same whichever source read them.
 */
export interface TopologyLayout {
  source: TopologyFacts['source'];
  label: string;
  model: string | undefined;
  packages: PackageGroup[];
  /** Every L3 group, in drawing order; `index` is its place here. */
  l3s: L3Group[];
  /** Every core, in drawing order. */
  cores: CoreGroup[];
  cpus: CpuSet;
  /** True when some core has more than one thread. */
  smt: boolean;
  /** True when L3 groups have different sizes (a dual-CCD X3D part). */
  l3SizesDiffer: boolean;
  /** What the facts do not say, in words, and what was drawn instead. */
  missing: string[];
  /** NUMA node of a PCI device by address, where the source says (sysfs does, capabilities XML does not). */
  pciNodes: Map<string, number>;
  /** The NUMA node ids, ascending. */
  nodeIds: number[];
  coreOf(cpu: number): CoreGroup | undefined;
  l3Of(cpu: number): L3Group | undefined;
  nodeOf(cpu: number): number | undefined;
}

export interface PackageGroup {
  id: number | undefined;
  nodes: NodeGroup[];
}

export interface NodeGroup {
  /** undefined when the facts name no node. */
  id: number | undefined;
  memoryBytes: number | undefined;
  l3s: L3Group[];
}

export interface L3Group {
  index: number;
  /** The bank id the source gives; undefined when it gives none or there is no L3 data. */
  id: number | undefined;
  /** False when the facts have no L3 bank for these CPUs: the group is the node's (or package's) CPUs. */
  known: boolean;
  bytes: number | undefined;
  /** The largest L3 on a host whose L3 sizes differ. */
  largest: boolean;
  cpus: CpuSet;
  cores: CoreGroup[];
  node: number | undefined;
  packageId: number | undefined;
}

export interface CoreGroup {
  /** Lowest CPU id: the name used in messages. */
  first: number;
  /** Its threads, ascending. */
  threads: number[];
  cpus: CpuSet;
  coreId: number | undefined;
  socketId: number | undefined;
  kind: 'performance' | 'efficiency' | undefined;
  /** The CPUs sharing this core's L2 when it is shared by more than one core (an E-core cluster). */
  sharedL2: CpuSet | undefined;
}

export function buildLayout(facts: TopologyFacts): TopologyLayout {
  const missing: string[] = [];
  const byId = new Map(facts.cpus.map((c) => [c.id, c] as const));
  const caps = facts.source === 'capabilities';
  if (facts.cpus.length === 0) missing.push(`${facts.label} lists no host CPUs (${caps ? 'no <cpu> in <host><topology><cells>' : 'no cpuN in /sys/devices/system/cpu'}): there is nothing to draw`);
  else if (facts.cpus.every((c) => c.siblings === undefined && c.coreId === undefined)) missing.push(`${facts.label} gives no siblings or core_id for the CPUs: each CPU is drawn as a core of its own`);
  const cores = coresOf(facts.cpus).map((c): CoreGroup => {
    const threads = c.cpus.toArray();
    const kinds = new Set(threads.map((t) => byId.get(t)?.coreType));
    return { first: c.first, threads, cpus: c.cpus, coreId: c.coreId, socketId: c.socketId, kind: kinds.size === 1 ? [...kinds][0] : undefined, sharedL2: undefined };
  });
  const coreIndex = new Map<number, CoreGroup>();
  for (const core of cores) for (const t of core.threads) coreIndex.set(t, core);

  // An L2 shared by several cores (Intel E-core clusters) is worth showing; a per-core L2 is not.
  for (const bank of facts.caches.filter((b) => b.level === 2)) {
    const under = new Set(bank.cpus.toArray().map((c) => coreIndex.get(c)).filter((c) => c !== undefined));
    if (under.size > 1) for (const core of under) core.sharedL2 = bank.cpus;
  }

  const l3Banks = uniqueBanks(facts.caches.filter((b) => b.level === 3));
  if (facts.cpus.length > 0 && l3Banks.length === 0) missing.push(`${facts.label} has no L3 cache banks (${caps ? '<host><cache>, libvirt 3.1 and later with a kernel that reports them' : 'no level 3 in cpuN/cache/index*: a virtual machine often has none'}): the CPUs are grouped by NUMA node, not by L3`);
  const bankOf = (cpu: number) => l3Banks.find((b) => b.cpus.has(cpu));
  const sizes = new Set(l3Banks.map((b) => b.bytes).filter((b) => b !== undefined));
  const l3SizesDiffer = sizes.size > 1;
  const maxSize = Math.max(0, ...[...sizes]);

  // Package, then node, then L3 bank: each level keyed in order of the lowest CPU it holds.
  const packages = new Map<string, PackageGroup>();
  const nodes = new Map<string, NodeGroup>();
  const l3Map = new Map<string, L3Group>();
  const l3s: L3Group[] = [];
  const l3ByCpu = new Map<number, L3Group>();
  for (const core of cores) {
    const f = byId.get(core.first)!;
    const pkgKey = String(f.socketId ?? '?');
    let pkg = packages.get(pkgKey);
    if (!pkg) packages.set(pkgKey, (pkg = { id: f.socketId, nodes: [] }));
    const nodeKey = `${pkgKey}/${f.node ?? '?'}`;
    let node = nodes.get(nodeKey);
    if (!node) {
      node = { id: f.node, memoryBytes: facts.nodes.find((n) => n.id === f.node)?.memoryBytes, l3s: [] };
      nodes.set(nodeKey, node);
      pkg.nodes.push(node);
    }
    const bank = bankOf(core.first);
    const l3Key = `${nodeKey}/${bank ? l3Banks.indexOf(bank) : '?'}`;
    let l3 = l3Map.get(l3Key);
    if (!l3) {
      l3 = { index: 0, id: bank?.id, known: bank !== undefined, bytes: bank?.bytes, largest: l3SizesDiffer && bank?.bytes === maxSize, cpus: CpuSet.of(), cores: [], node: f.node, packageId: f.socketId };
      l3Map.set(l3Key, l3);
      node.l3s.push(l3);
    }
    l3.cores.push(core);
    l3.cpus = l3.cpus.union(core.cpus);
  }
  const pkgList = [...packages.values()].sort((a, b) => (a.id ?? Infinity) - (b.id ?? Infinity));
  for (const pkg of pkgList) {
    pkg.nodes.sort((a, b) => (a.id ?? Infinity) - (b.id ?? Infinity));
    for (const node of pkg.nodes) {
      for (const l3 of node.l3s) {
        l3.index = l3s.length;
        l3s.push(l3);
        for (const c of l3.cpus.toArray()) l3ByCpu.set(c, l3);
      }
    }
  }
  const cpus = CpuSet.of(...facts.cpus.map((c) => c.id));
  return {
    source: facts.source,
    label: facts.label,
    model: facts.model,
    packages: pkgList,
    l3s,
    cores: l3s.flatMap((l) => l.cores),
    cpus,
    smt: cores.some((c) => c.threads.length > 1),
    l3SizesDiffer,
    missing,
    pciNodes: facts.pciNodes,
    nodeIds: [...new Set(facts.cpus.map((c) => c.node).filter((n) => n !== undefined))].sort((a, b) => a - b),
    coreOf: (cpu) => coreIndex.get(cpu),
    l3Of: (cpu) => l3ByCpu.get(cpu),
    nodeOf: (cpu) => byId.get(cpu)?.node,
  };
}

/** Banks with the same CPUs are one cache for grouping (a source may repeat one); the first is kept. */
function uniqueBanks(banks: CacheFact[]): CacheFact[] {
  const out: CacheFact[] = [];
  for (const b of banks) if (!out.some((o) => o.cpus.equals(b.cpus))) out.push(b);
  return out;
}

/** `96 MiB`, `1.25 MiB`, `512 KiB`. */
/** One L3's cores split where the shared L2 changes, so an E-core cluster is drawn (text or SVG) as its own run. */
export function l2Runs(cores: readonly CoreGroup[]): CoreGroup[][] {
  const runs: CoreGroup[][] = [];
  const key = (x: CoreGroup) => x.sharedL2?.format() ?? '';
  for (const c of cores) {
    const last = runs.at(-1);
    if (last && key(last[0]!) === key(c)) last.push(c);
    else runs.push([c]);
  }
  return runs;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1 && v % 1 === 0) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(2).replace(/0+$/, '')} ${units[i]}`;
}
