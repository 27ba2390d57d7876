import { CpuSet } from '../core/cpuset.js';
import type { CapabilitiesView } from './capabilities.js';
import type { HostModel } from './model.js';

/** One physical core of the host: the CPUs (SMT threads) that share it. */
export interface HostCore {
  /** Lowest CPU id of the core: a stable name for messages. */
  first: number;
  socketId: number | undefined;
  coreId: number | undefined;
  cpus: CpuSet;
}

/**
 * The host's physical cores from capabilities XML (catalog 0.4 siblings(c)). A CPU's `siblings`
 * attribute decides its core when given (it is the kernel's thread_siblings_list); without it, CPUs
 * with the same socket_id and core_id share a core. Numbering is never assumed (siblings are often
 * i and i+N/2, but not always).
 */
export function hostCores(caps: CapabilitiesView): HostCore[] {
  return coresOf(caps.cpus.values());
}

/** What deciding a CPU's core needs: the same facts from capabilities XML or from sysfs. */
export interface CoreCpuFacts {
  id: number;
  socketId: number | undefined;
  coreId: number | undefined;
  siblings: CpuSet | undefined;
}

/** The cores of any list of CPUs, by the rule above (shared by the topology map and vcpupin-smt-layout). */
export function coresOf(cpus: Iterable<CoreCpuFacts>): HostCore[] {
  const byKey = new Map<string, { socketId: number | undefined; coreId: number | undefined; ids: number[] }>();
  for (const cpu of cpus) {
    const key = cpu.siblings && cpu.siblings.has(cpu.id)
      ? `s:${cpu.siblings.format()}`
      : cpu.coreId !== undefined
        ? `c:${cpu.socketId ?? '?'}:${cpu.coreId}`
        : `u:${cpu.id}`;
    const entry = byKey.get(key) ?? { socketId: cpu.socketId, coreId: cpu.coreId, ids: [] };
    entry.ids.push(cpu.id);
    byKey.set(key, entry);
  }
  return [...byKey.values()]
    .map((e) => ({ first: Math.min(...e.ids), socketId: e.socketId, coreId: e.coreId, cpus: CpuSet.of(...e.ids) }))
    .sort((a, b) => a.first - b.first);
}

/** Which core each host CPU belongs to. */
export interface HostTopology {
  cores: HostCore[];
  coreOf(cpu: number): HostCore | undefined;
  /** True when some core has more than one CPU: the host runs with SMT. */
  smt: boolean;
}

export function hostTopology(caps: CapabilitiesView): HostTopology {
  return topologyOf(hostCores(caps));
}

function topologyOf(cores: HostCore[]): HostTopology {
  const index = new Map<number, HostCore>();
  for (const core of cores) for (const c of core.cpus.toArray()) index.set(c, core);
  return { cores, coreOf: (cpu) => index.get(cpu), smt: cores.some((c) => c.cpus.size > 1) };
}

const topologies = new WeakMap<HostModel, HostTopology | null>();

/**
 * The host's cores, one answer for every rule, live first: the running host's (or snapshot's)
 * thread_siblings_list from sysfs, which is what the booted kernel schedules by, else capabilities XML.
 * Undefined when neither says.
 */
export function hostCpuTopology(host: HostModel): HostTopology | undefined {
  let t = topologies.get(host);
  if (t === undefined) {
    const live = host.live?.cpus;
    const cpus = live
      ? (host.live!.facts.cpu.cpus.map((c) => ({ id: c.id, socketId: c.packageId ?? undefined, coreId: c.coreId ?? undefined, siblings: live.siblings(c.id) })) satisfies CoreCpuFacts[])
      : host.capabilities && host.capabilities.cpus.size > 0
        ? [...host.capabilities.cpus.values()]
        : undefined;
    t = cpus ? topologyOf(coresOf(cpus)) : null;
    topologies.set(host, t);
  }
  return t ?? undefined;
}
