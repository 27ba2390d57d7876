import { CpuSet } from '../core/cpuset.js';
import { formatBytes, type CoreGroup, type L3Group, type TopologyLayout } from './layout.js';

/** A concrete pin layout for one domain on this host. */
export interface PinPlan {
  l3: L3Group;
  /** Host CPU for vCPU i, in vCPU order. */
  vcpuCpus: number[];
  /** The cores the vCPUs get whole (isolated together, so no host task shares them). */
  vcpuCores: CoreGroup[];
  /** The housekeeping core for the emulator and iothreads. */
  housekeeping: CoreGroup;
  /** The kernel parameters that isolate the vCPUs' cores. */
  cmdline: string;
  /** Host threads per core in the plan: what `<topology threads=…>` should say. */
  threads: number;
  /** The NUMA node of the chosen L3, on a host with more than one: where `<numatune>` should bind memory. */
  node: number | undefined;
}

/**
 * Propose where a domain of `vcpus` vCPUs should run: whole cores of one L3 cache (the largest when
 * the sizes differ, else the first), never the core of CPU 0, which keeps the kernel's housekeeping
 * and takes the emulator and iothreads. vCPU i goes to thread i % t of the (i / t)-th core, so with
 * `<topology threads='t'>` the guest's cores are the host's. Cores touching `taken` (other domains'
 * vCPUs) are left alone. Undefined when no L3 has room.
 */
export function planPins(layout: TopologyLayout, vcpus: number, taken: CpuSet = CpuSet.EMPTY): PinPlan | undefined {
  if (vcpus < 1 || layout.cores.length < 2) return undefined;
  const housekeeping = layout.coreOf(0) ?? layout.cores[0]!;
  const candidates = layout.l3s
    .map((l3) => {
      // Cores with the most threads first (P-cores before E-cores on hybrid parts), then in CPU order.
      const cores = l3.cores.filter((c) => c !== housekeeping && !c.cpus.overlaps(taken)).sort((a, b) => b.threads.length - a.threads.length || a.first - b.first);
      const picked: CoreGroup[] = [];
      let room = 0;
      for (const c of cores) {
        if (room >= vcpus) break;
        if (picked.length > 0 && c.threads.length !== picked[0]!.threads.length) break;
        picked.push(c);
        room += c.threads.length;
      }
      return { l3, picked, room };
    })
    .filter((c) => c.room >= vcpus);
  if (candidates.length === 0) return undefined;
  candidates.sort((a, b) => (b.l3.bytes ?? 0) - (a.l3.bytes ?? 0) || a.l3.index - b.l3.index);
  const best = candidates[0]!;
  const threads = best.picked[0]!.threads.length;
  const vcpuCpus = Array.from({ length: vcpus }, (_, i) => best.picked[Math.floor(i / threads)]!.threads[i % threads]!);
  const isolated = CpuSet.of(...best.picked.flatMap((c) => c.threads)).format();
  return {
    l3: best.l3,
    vcpuCpus,
    vcpuCores: best.picked,
    housekeeping,
    cmdline: `isolcpus=managed_irq,domain,${isolated} nohz_full=${isolated} rcu_nocbs=${isolated}`,
    threads,
    node: layout.nodeIds.length > 1 ? best.l3.node : undefined,
  };
}

/** The plan in a few lines: which CPUs, which L3, where the emulator goes, the kernel parameters. */
export function describePlan(plan: PinPlan): string[] {
  const l3 = plan.l3.known ? `L3 #${plan.l3.index}${plan.l3.bytes !== undefined ? ` (${formatBytes(plan.l3.bytes)}${plan.l3.largest ? ', the largest' : ''})` : ''}` : 'one NUMA node';
  return [
    `vCPUs 0-${plan.vcpuCpus.length - 1} on CPUs ${plan.vcpuCpus.join(',')} (whole cores of ${l3}${plan.threads > 1 ? `; <topology threads='${plan.threads}'>` : ''})`,
    `emulator and iothreads on CPUs ${plan.housekeeping.cpus.format()} (the housekeeping core, with CPU 0)`,
    `kernel command line: ${plan.cmdline}`,
    ...(plan.node !== undefined ? [`memory on the same node: <numatune><memory mode='strict' nodeset='${plan.node}'/></numatune>`] : []),
  ];
}
