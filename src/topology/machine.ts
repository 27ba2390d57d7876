import { CpuSet } from '../core/cpuset.js';
import type { Machine } from '../model/machine.js';
import { factsFromCapabilities, type TopologyFacts } from './facts.js';
import { buildLayout, type TopologyLayout } from './layout.js';
import type { HostModel } from '../host/model.js';
import { planPins, type PinPlan } from './plan.js';
import { pinningMap, type PinningMap } from './usage.js';

/** One machine's topology map, ready to draw, with a proposed layout per domain where one fits. */
export interface MachineTopology {
  map: PinningMap | undefined;
  /** Proposed layouts, by domain index (see `PinningMap.domains`). */
  plans: Map<number, PinPlan>;
  /** Why there is no map, or what the sources disagree on. */
  notes: string[];
}

/**
 * The topology of one machine: from `live` facts (a live host or a snapshot, read by its own source)
 * when given, else from the capabilities XML. When both are there the live facts win, and where the
 * two disagree (the CPUs, a CPU's core, the L3 banks) it is said in `notes`.
 */
export function machineTopology(machine: Machine, live?: TopologyFacts, show: (path: string) => string = (p) => p): MachineTopology {
  const caps = machine.host.capabilities;
  const fromCaps = caps ? factsFromCapabilities(caps, show(machine.host.capabilitiesFile!.source.path)) : undefined;
  const facts = live ?? fromCaps;
  const notes: string[] = [];
  if (!facts) {
    notes.push('no host topology: give the host\'s capabilities XML (virsh capabilities > capabilities.xml)');
    return { map: undefined, plans: new Map(), notes };
  }
  if (live && fromCaps) notes.push(...disagreements(live, fromCaps));
  const map = pinningMap(buildLayout(facts), machine.domains, machine.host.boot);
  // A layout is proposed for a domain that is unpinned or has a conflict, around the vCPUs of the
  // domains that are fine and the layouts already proposed.
  const plans = new Map<number, PinPlan>();
  const needs = (i: number) => map.domains[i]!.unpinned || map.conflicts.some((c) => c.domain === i);
  let taken = CpuSet.EMPTY;
  map.domains.forEach((d, i) => {
    if (!needs(i)) taken = taken.union(d.vcpuCpus);
  });
  map.domains.forEach((d, i) => {
    if (d.vcpuCount === 0 || !needs(i)) return;
    const plan = planPins(map.layout, d.vcpuCount, taken);
    if (!plan) return;
    plans.set(i, plan);
    taken = taken.union(CpuSet.of(...plan.vcpuCpus));
  });
  return { map, plans, notes: [...notes, ...map.notes] };
}

/** Where two sources of topology facts differ, in words (the first wins). */
export function disagreements(a: TopologyFacts, b: TopologyFacts): string[] {
  const out: string[] = [];
  const ids = (f: TopologyFacts) => f.cpus.map((c) => c.id).join(',');
  if (ids(a) !== ids(b)) out.push(`${a.label} and ${b.label} list different CPUs; ${a.label} is used`);
  const bById = new Map(b.cpus.map((c) => [c.id, c] as const));
  const differ = a.cpus.filter((c) => {
    const o = bById.get(c.id);
    return o && c.siblings && o.siblings && !c.siblings.equals(o.siblings);
  });
  if (differ.length > 0) out.push(`${a.label} and ${b.label} disagree on the SMT siblings of CPU${differ.length > 1 ? 's' : ''} ${differ.slice(0, 8).map((c) => c.id).join(', ')}; ${a.label} is used`);
  const l3 = (f: TopologyFacts) => f.caches.filter((c) => c.level === 3).map((c) => `${c.cpus.format()}:${c.bytes ?? '?'}`).sort().join(' ');
  if (l3(a) !== '' && l3(b) !== '' && l3(a) !== l3(b)) out.push(`${a.label} and ${b.label} disagree on the L3 caches; ${a.label} is used`);
  return out;
}

const layouts = new WeakMap<HostModel, TopologyLayout | null>();

/** The host's layout from its capabilities XML, built once per host model (rules ask per domain). */
export function hostLayout(host: HostModel): TopologyLayout | undefined {
  let l = layouts.get(host);
  if (l === undefined) {
    l = host.capabilities && host.capabilitiesFile ? buildLayout(factsFromCapabilities(host.capabilities, host.capabilitiesFile.source.path)) : null;
    layouts.set(host, l);
  }
  return l ?? undefined;
}
