import { CpuSet } from '../core/cpuset.js';
import { domainPins, type ThreadPin } from '../domain/pins.js';
import { onlineVcpus } from '../domain/vcpus.js';
import type { CmdlineSource } from '../host/facts.js';
import type { KernelList } from '../host/cpulists.js';
import type { DomainInput } from '../model/machine.js';
import type { TopologyLayout } from './layout.js';
import { domainNuma, numaProblems } from './numa.js';

/** What runs on one host CPU. */
export type CpuRole =
  | { kind: 'vcpu'; domain: number; vcpu: number }
  | { kind: 'emulator'; domain: number }
  | { kind: 'iothread'; domain: number; iothread: number };

export interface CpuUse {
  cpu: number;
  roles: CpuRole[];
  /** Taken out of the scheduler's load balancing (isolcpus with the domain flag, the default). */
  isolated: boolean;
  /** nohz_full (tick stopped when one task runs). */
  nohzFull: boolean;
  /** rcu_nocbs (RCU callbacks run elsewhere). */
  rcuNocbs: boolean;
  /** Part of a conflict below. */
  conflict: boolean;
}

export interface PinnedDomain {
  name: string;
  path: string;
  /** Its vCPUs' guest topology: threads per core (1 without `<topology>`). */
  threads: number;
  vcpuCount: number;
  /** Every host CPU a pinned vCPU may run on. */
  vcpuCpus: CpuSet;
  emulatorCpus: CpuSet | undefined;
  /** Nothing of it is pinned: its threads may run on any CPU. */
  unpinned: boolean;
}

export type ConflictKind = 'emulator-shares-core' | 'shared-cpu' | 'split-pair' | 'spans-l3' | 'numa';

export interface Conflict {
  kind: ConflictKind;
  domain: number;
  cpus: CpuSet;
  /** One sentence a person can check against the XML. */
  text: string;
}

/** The layout with every domain's pinning and the kernel's isolation laid on it. */
export interface PinningMap {
  layout: TopologyLayout;
  domains: PinnedDomain[];
  uses: Map<number, CpuUse>;
  conflicts: Conflict[];
  /** The command line the isolation comes from, when there is one. */
  isolation: { label: string; isolcpus: string | undefined; nohzFull: string | undefined; rcuNocbs: string | undefined } | undefined;
  notes: string[];
}

/**
 * Lay the domains' effective pinning (src/domain/pins.ts) and the boot command line's CPU lists on the
 * layout. Only a thread with a pin (or `<vcpu cpuset>`) is drawn: an unpinned one may run anywhere.
 */
export function pinningMap(layout: TopologyLayout, domains: readonly DomainInput[], boot: CmdlineSource | undefined): PinningMap {
  const uses = new Map<number, CpuUse>();
  for (const cpu of layout.cpus.toArray()) uses.set(cpu, { cpu, roles: [], isolated: false, nohzFull: false, rcuNocbs: false, conflict: false });
  const notes: string[] = [];
  const conflicts: Conflict[] = [];
  const lists = boot?.cpuLists;
  const listSet = (l: { list: KernelList } | undefined) => (l?.list.kind === 'ok' ? l.list.set : undefined);
  const isoFlags = lists?.isolcpus?.flags ?? [];
  const isolatedSet = lists?.isolcpus && isoFlags.includes('domain') ? listSet(lists.isolcpus) : undefined;
  const nohzSet = listSet(lists?.nohzFull);
  const rcuSet = listSet(lists?.rcuNocbs);
  for (const u of uses.values()) {
    u.isolated = isolatedSet?.has(u.cpu) ?? false;
    u.nohzFull = nohzSet?.has(u.cpu) ?? false;
    u.rcuNocbs = rcuSet?.has(u.cpu) ?? false;
  }
  const isolation = boot && (lists?.isolcpus || lists?.nohzFull || lists?.rcuNocbs)
    ? { label: boot.label, isolcpus: lists?.isolcpus?.param.value, nohzFull: lists?.nohzFull?.param.value, rcuNocbs: lists?.rcuNocbs?.param.value }
    : undefined;

  const pinned: PinnedDomain[] = [];
  domains.forEach((d, index) => {
    const name = d.view.name ?? d.file.source.path;
    const pins = domainPins(d.view);
    const entry: PinnedDomain = { name, path: d.file.source.path, threads: d.view.cpu?.topology?.threads ?? 1, vcpuCount: pins.vcpus.length, vcpuCpus: CpuSet.of(), emulatorCpus: undefined, unpinned: !pins.pinned };
    pinned.push(entry);
    if (pins.indeterminate) {
      notes.push(`${name}: <vcpu placement='auto'>: numad places it when it starts, so nothing is drawn`);
      return;
    }
    if (pins.invalid) {
      notes.push(`${name}: a cpuset does not parse (see cpuset-invalid), so its pinning is not drawn`);
      return;
    }
    if (!pins.pinned) {
      notes.push(`${name}: nothing is pinned; its ${pins.vcpus.length} vCPU${pins.vcpus.length === 1 ? '' : 's'} and the emulator may run on any host CPU`);
      return;
    }
    const online = onlineVcpus(d.view);
    const mark = (t: ThreadPin, role: CpuRole) => {
      if (t.placement.kind !== 'set') return;
      for (const c of t.placement.set.toArray()) {
        const u = uses.get(c);
        if (u) u.roles.push(role);
        else notes.push(`${name}: ${roleWords(role)} is pinned to CPU ${c}, which the host does not have`);
      }
    };
    for (const v of pins.vcpus) {
      if (!online.has(v.id)) continue;
      mark(v, { kind: 'vcpu', domain: index, vcpu: v.id });
      if (v.placement.kind === 'set') entry.vcpuCpus = entry.vcpuCpus.union(v.placement.set);
    }
    mark(pins.emulator, { kind: 'emulator', domain: index });
    if (pins.emulator.placement.kind === 'set') entry.emulatorCpus = pins.emulator.placement.set;
    for (const io of pins.iothreads) mark(io, { kind: 'iothread', domain: index, iothread: io.id });
    conflicts.push(...domainConflicts(layout, index, name, pins.vcpus.filter((v) => online.has(v.id)), entry, uses));
    const numa = domainNuma(layout, d.view, entry.vcpuCpus);
    // Marked: the vCPU CPUs (the memory and the device have no CPU to mark).
    if (numa) for (const p of numaProblems(numa)) conflicts.push({ kind: 'numa', domain: index, cpus: entry.vcpuCpus, text: `${name}: ${p.text}` });
  });
  for (const c of conflicts) for (const cpu of c.cpus.toArray()) {
    const u = uses.get(cpu);
    if (u) u.conflict = true;
  }
  return { layout, domains: pinned, uses, conflicts, isolation, notes };
}

function roleWords(r: CpuRole): string {
  return r.kind === 'vcpu' ? `vCPU ${r.vcpu}` : r.kind === 'emulator' ? 'the emulator' : `iothread ${r.iothread}`;
}

/** The conflicts one domain's pinning has with the host's layout (the same tests the rules make). */
function domainConflicts(layout: TopologyLayout, index: number, name: string, vcpus: ThreadPin[], entry: PinnedDomain, uses: Map<number, CpuUse>): Conflict[] {
  const out: Conflict[] = [];
  // An emulator CPU on a vCPU's CPU or on a sibling thread of one.
  if (entry.emulatorCpus) {
    const hit: number[] = [];
    for (const c of entry.emulatorCpus.toArray()) {
      const core = layout.coreOf(c);
      const near = core ? core.threads : [c];
      if (near.some((t) => uses.get(t)?.roles.some((r) => r.kind === 'vcpu' && r.domain === index))) hit.push(c);
    }
    if (hit.length > 0) {
      const cores = CpuSet.of(...hit.flatMap((c) => layout.coreOf(c)?.threads ?? [c]));
      out.push({ kind: 'emulator-shares-core', domain: index, cpus: cores, text: `${name}: the emulator may run on CPU${hit.length > 1 ? 's' : ''} ${CpuSet.of(...hit).format()}, on the same core${hit.length > 1 ? 's' : ''} as vCPUs (CPUs ${cores.format()})` });
    }
  }
  // Two vCPUs pinned to one CPU alone.
  const single = new Map<number, number>();
  for (const v of vcpus) if (v.placement.kind === 'set' && v.placement.set.size === 1) single.set(v.id, v.placement.set.min()!);
  const byCpu = new Map<number, number[]>();
  for (const [v, c] of single) byCpu.set(c, [...(byCpu.get(c) ?? []), v]);
  for (const [c, vs] of byCpu) if (vs.length > 1) out.push({ kind: 'shared-cpu', domain: index, cpus: CpuSet.of(c), text: `${name}: vCPUs ${vs.join(', ')} are all pinned to CPU ${c} alone` });
  // A guest core's threads on two host cores.
  if (entry.threads >= 2 && layout.smt) {
    for (let first = 0; first + entry.threads <= entry.vcpuCount; first += entry.threads) {
      const group = Array.from({ length: entry.threads }, (_, i) => first + i);
      if (!group.every((v) => single.has(v))) continue;
      const cores = new Set(group.map((v) => layout.coreOf(single.get(v)!)));
      if (cores.has(undefined) || cores.size === 1) continue;
      const cpus = CpuSet.of(...group.map((v) => single.get(v)!));
      out.push({ kind: 'split-pair', domain: index, cpus, text: `${name}: the guest sees vCPUs ${group.join(',')} as one core, but they run on CPUs ${cpus.format()} of different host cores` });
    }
  }
  // vCPUs over more than one L3.
  const l3s = new Set(entry.vcpuCpus.toArray().map((c) => layout.l3Of(c)).filter((l) => l?.known));
  if (l3s.size > 1) {
    const parts = [...l3s].map((l) => `L3 #${l!.index} (CPUs ${entry.vcpuCpus.intersect(l!.cpus).format()})`);
    // Marked: the CPUs outside the L3 that holds most of them.
    const main = [...l3s].sort((a, b) => entry.vcpuCpus.intersect(b!.cpus).size - entry.vcpuCpus.intersect(a!.cpus).size)[0]!;
    out.push({ kind: 'spans-l3', domain: index, cpus: entry.vcpuCpus.minus(main.cpus), text: `${name}: the vCPUs run on ${l3s.size} L3 caches: ${parts.join(', ')}` });
  }
  return out;
}
