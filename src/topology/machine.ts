import { CpuSet } from '../core/cpuset.js';
import type { DomainInput, Machine } from '../model/machine.js';
import { factsFromCapabilities, type TopologyFacts } from './facts.js';
import { factsFromSnapshot } from './live-facts.js';
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
 * when given, else from the capabilities XML. It reads the domains' views (`buildMachine` keeps them). When both are there the live facts win, and where the
 * two disagree (the CPUs, a CPU's core, the L3 banks) it is said in `notes`.
 */
export function machineTopology({ machine, domains }: { machine: Machine; domains: readonly DomainInput[] }, given?: TopologyFacts, show: (path: string) => string = (p) => p): MachineTopology {
  const fromCaps = capabilitiesFacts(machine.host, show);
  const live = given ?? liveTopologyFacts(machine.host, show);
  const facts = live ?? fromCaps;
  const notes: string[] = [];
  if (!facts) {
    notes.push(machine.host.live
      ? `no host topology: ${machine.host.live.origin === 'live' ? 'the running host' : 'the snapshot'} has no CPU facts (see what could not be read), and no capabilities XML was given`
      : 'no host topology: give the host\'s capabilities XML (virsh capabilities > capabilities.xml), or --live');
    return { map: undefined, plans: new Map(), notes };
  }
  if (live && fromCaps) {
    const differ = disagreements(live, fromCaps);
    if (differ.length > 0) notes.push(`${live.label} and ${fromCaps.label} disagree (${live.label} is used): ${differ.join('; ')}`);
  }
  const map = pinningMap(buildLayout(facts), domains, machine.host.boot);
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

/** What two sources of topology facts differ on, in words (`machineTopology` joins them into one line; the first source wins). */
export function disagreements(a: TopologyFacts, b: TopologyFacts): string[] {
  const out: string[] = [];
  const set = (f: TopologyFacts) => CpuSet.of(...f.cpus.map((c) => c.id));
  if (!set(a).equals(set(b))) out.push(`the CPUs (${set(a).format()} against ${set(b).format()})`);
  const bById = new Map(b.cpus.map((c) => [c.id, c] as const));
  const cpus = (pick: (c: TopologyFacts['cpus'][number], o: TopologyFacts['cpus'][number]) => boolean) =>
    a.cpus.filter((c) => {
      const o = bById.get(c.id);
      return o !== undefined && pick(c, o);
    }).map((c) => c.id);
  const list = (ids: number[]) => `CPU${ids.length > 1 ? 's' : ''} ${CpuSet.of(...ids).format()}`;
  const siblings = cpus((c, o) => c.siblings !== undefined && o.siblings !== undefined && !c.siblings.equals(o.siblings));
  if (siblings.length > 0) out.push(`the SMT siblings of ${list(siblings)}`);
  const nodes = cpus((c, o) => c.node !== undefined && o.node !== undefined && c.node !== o.node);
  if (nodes.length > 0) out.push(`the NUMA node of ${list(nodes)}`);
  const l3 = (f: TopologyFacts) => f.caches.filter((c) => c.level === 3).map((c) => `${c.cpus.format()}:${c.bytes ?? '?'}`).sort().join(' ');
  if (l3(a) !== '' && l3(b) !== '' && l3(a) !== l3(b)) out.push('the L3 caches');
  return out;
}

const layouts = new WeakMap<HostModel, TopologyLayout | null>();

/**
 * The host's layout, built once per host model (rules ask per domain): from the running host or a
 * snapshot when their CPU facts were read (they say what the host is, capabilities XML what libvirt
 * saw when it was written), else from the capabilities XML.
 */
export function hostLayout(host: HostModel): TopologyLayout | undefined {
  let l = layouts.get(host);
  if (l === undefined) {
    const facts = liveTopologyFacts(host) ?? capabilitiesFacts(host);
    l = facts ? buildLayout(facts) : null;
    layouts.set(host, l);
  }
  return l ?? undefined;
}

/** The live host's (or snapshot's) topology facts, when its CPUs were read. */
export function liveTopologyFacts(host: HostModel, show: (path: string) => string = (p) => p): TopologyFacts | undefined {
  const live = host.live;
  if (!live?.cpus) return undefined;
  return live.origin === 'live'
    ? factsFromSnapshot(live.facts, 'sysfs', live.where === '/' ? '/sys' : `${live.where} (--root)`)
    : factsFromSnapshot(live.facts, 'snapshot', `snapshot ${show(live.where)}`);
}

function capabilitiesFacts(host: HostModel, show: (path: string) => string = (p) => p): TopologyFacts | undefined {
  return host.capabilities && host.capabilitiesFile ? factsFromCapabilities(host.capabilities, show(host.capabilitiesFile.source.path)) : undefined;
}
