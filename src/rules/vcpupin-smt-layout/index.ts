import { defineRule } from '../../engine/rule.js';
import type { Suggestion, TextEdit } from '../../engine/fix.js';
import type { Loc } from '../../engine/rule.js';
import { CpuSet } from '../../core/cpuset.js';
import { domainPins } from '../../domain/pins.js';
import { onlineVcpus } from '../../domain/vcpus.js';
import { hostCpuTopology, type HostCore } from '../../host/topology.js';
import { setAttribute } from '../../edit/xml.js';
import type { DomainInput } from '../../model/machine.js';
import { listIds } from '../words.js';

export const rule = defineRule({
  meta: {
    id: 'vcpupin-smt-layout',
    description: 'Guest thread siblings should be pinned to one host core\'s threads, and no two vCPUs to one host CPU.',
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    // Without capabilities XML it says nothing (and is not reported as skipped): most runs have none.
    optional: ['capabilities'],
    messages: {
      sharedCpu: 'vCPUs {vcpus} are {all} pinned to host CPU {cpu} alone: they take turns on one CPU while the guest counts them as separate processors',
      splitCore: 'The guest sees vCPU pairs {pairs} as one core each (threads=\'{threads}\'), but the host runs each pair on two different cores ({where}): pin each pair to one host core\'s threads{instead}',
      hiddenSmt: 'vCPUs {a} and {b} run on host CPUs {ca} and {cb}, two threads of one host core, but the guest sees them as separate cores (no threads=\'2\' in <topology>): its scheduler may load both as if each had a core of its own',
    },
    sources: [
      'QEMU `include/hw/i386/topology.h` (`x86_topo_ids_from_idx`): smt_id = cpu_index % threads, core_id = cpu_index / threads % cores, so with threads=2 vCPUs (0,1), (2,3), ... are thread siblings in the guest: https://gitlab.com/qemu-project/qemu/-/blob/master/include/hw/i386/topology.h',
      'libvirt, Capabilities XML format, host NUMA topology: each host CPU\'s `siblings`, `core_id`, `socket_id`: https://libvirt.org/formatcaps.html',
      'libvirt, Domain XML format, "CPU Tuning" (vcpupin) and "CPU model and topology" (threads per core): https://libvirt.org/formatdomain.html#cpu-tuning',
      'Linux `Documentation/admin-guide/cputopology.rst`: thread_siblings_list, the CPUs sharing one core: https://docs.kernel.org/admin-guide/cputopology.html',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const pins = domainPins(d.view);
    if (pins.indeterminate || pins.invalid) return;
    const online = onlineVcpus(d.view);
    // 1:1 pins only: a vCPU pinned to one host CPU. A vCPU allowed on several CPUs has no fixed core.
    const single = new Map<number, { cpu: number; loc: Loc }>();
    for (const v of pins.vcpus) {
      if (v.from !== 'pin' || !online.has(v.id)) continue;
      // Stryker disable next-line ConditionalExpression: a vCPU's own pin always has a set (domainPins); the test narrows the type
      if (v.placement.kind !== 'set') continue;
      if (v.placement.set.size !== 1) continue;
      // Stryker disable next-line MethodExpression: a one-CPU set's min is its max
      single.set(v.id, { cpu: v.placement.set.min()!, loc: v.placement.loc });
    }

    // Two vCPUs on one host CPU.
    const byCpu = new Map<number, number[]>();
    for (const [v, p] of single) byCpu.set(p.cpu, [...(byCpu.get(p.cpu) ?? []), v]);
    for (const [cpu, vcpus] of byCpu) {
      if (vcpus.length < 2) continue;
      ctx.report({
        messageId: 'sharedCpu',
        data: { vcpus: listIds(vcpus), all: vcpus.length === 2 ? 'both' : 'all', cpu },
        at: single.get(vcpus[1]!)!.loc,
        related: [{ ...single.get(vcpus[0]!)!.loc, message: `vCPU ${vcpus[0]} is pinned to host CPU ${cpu} here` }],
      });
    }

    // The core checks need the host's layout.
    const host = hostCpuTopology(ctx.machine.host);
    if (!host?.smt) return;
    const topo = d.view.cpu?.topology;
    const threads = topo?.threads ?? 1;

    if (threads >= 2) {
      const split: number[][] = [];
      const where: string[] = [];
      // Stryker disable next-line ArithmeticOperator: a group past the last vCPU has no pins and is skipped
      for (let first = 0; first + threads <= pins.vcpus.length; first += threads) {
        const group = Array.from({ length: threads }, (_, i) => first + i);
        if (!group.every((v) => single.has(v))) continue;
        const cores = new Set(group.map((v) => host.coreOf(single.get(v)!.cpu)));
        if (cores.has(undefined) || cores.size === 1) continue;
        split.push(group);
        where.push(`host CPUs ${group.map((v) => single.get(v)!.cpu).join(' and ')} are on cores ${[...cores].map((c) => `(${c!.cpus.format()})`).join(' and ')}`);
      }
      if (split.length === 0) return;
      const fix = regroup(d, single, threads, host.cores, host.coreOf);
      const shown = split.slice(0, 4);
      ctx.report({
        messageId: 'splitCore',
        data: {
          pairs: shown.map((g) => `(${g.join(',')})`).join(', ') + (split.length > shown.length ? ` and ${split.length - shown.length} more` : ''),
          threads,
          where: where.slice(0, 4).join('; ') + (where.length > 4 ? '; ...' : ''),
          instead: fix ? `: host cores ${fix.cores.map((c) => `(${c.cpus.format()})`).join(', ')}` : '',
        },
        at: single.get(split[0]![0]!)!.loc,
        related: split.slice(0, 8).flatMap((g) => g.slice(1).map((v) => ({ ...single.get(v)!.loc, message: `vCPU ${v}, the guest's sibling of vCPU ${g[0]}` }))),
        suggestions: fix ? [fix.suggestion] : [],
      });
      return;
    }

    // threads=1: two vCPUs on the two threads of one host core look like separate cores to the guest.
    const ids = [...single.keys()]; // in vCPU order: domainPins lists the vCPUs by id
    for (const a of ids) {
      const ca = single.get(a)!.cpu;
      const core = host.coreOf(ca);
      if (!core) continue;
      // An earlier vCPU on this core would have found `a` and returned: the first match is after `a`.
      const b = ids.find((x) => single.get(x)!.cpu !== ca && core.cpus.has(single.get(x)!.cpu));
      if (b === undefined) continue;
      ctx.report({
        messageId: 'hiddenSmt',
        data: { a, b, ca, cb: single.get(b)!.cpu },
        at: single.get(b)!.loc,
        severity: 'info',
        related: [{ ...single.get(a)!.loc, message: `vCPU ${a} on host CPU ${ca}` }],
      });
      return;
    }
  },
});

/**
 * Re-pin the same host CPUs so guest core k gets the k-th host core's threads. Only when the pinned CPUs
 * are exactly whole host cores of `threads` CPUs each, one per guest core; otherwise no suggestion.
 */
function regroup(d: DomainInput, single: Map<number, { cpu: number; loc: Loc }>, threads: number, cores: HostCore[], coreOf: (cpu: number) => HostCore | undefined): { cores: HostCore[]; suggestion: Suggestion } | undefined {
  const vcpus = [...single.keys()]; // in vCPU order: domainPins lists the vCPUs by id
  // One run of whole guest cores (that it fills whole host cores is checked below).
  if (vcpus.some((v, i) => v !== vcpus[0]! + i) || vcpus[0]! % threads !== 0) return undefined;
  const used = CpuSet.of(...vcpus.map((v) => single.get(v)!.cpu));
  // Whole cores only, and as many of their CPUs as vCPUs (two vCPUs on one CPU leave the count short).
  const chosen = cores.filter((c) => !c.cpus.intersect(used).isEmpty());
  if (chosen.some((c) => c.cpus.size !== threads || !c.cpus.isSubsetOf(used)) || chosen.length * threads !== vcpus.length) return undefined;
  // Keep the order the pins visit cores in, so vCPU 0 stays on the first core it used.
  const order: HostCore[] = [];
  for (const v of vcpus) {
    const c = coreOf(single.get(v)!.cpu)!;
    if (!order.includes(c)) order.push(c);
  }
  const path = d.file.source.path;
  const text = d.file.source.text;
  const edits: TextEdit[] = [];
  // Stryker disable next-line OptionalChaining,ArrayDeclaration: a 1:1 pin comes from a <vcpupin>, so <cputune> is there
  const pinEls = d.view.cputune?.vcpupins ?? [];
  vcpus.forEach((v, i) => {
    const cpu = order[Math.floor(i / threads)]!.cpus.toArray()[i % threads]!;
    if (cpu === single.get(v)!.cpu) return;
    // Stryker disable next-line OptionalChaining: every 1:1 pin is the first <vcpupin> of its vCPU (domainPins), which find returns
    const el = pinEls.find((p) => p.vcpu === v)?.element;
    if (el) edits.push(setAttribute(path, text, el, 'cpuset', String(cpu)));
  });
  // A split guest core is why we are here, and putting it on one host core moves one of its vCPUs: edits is never empty.
  return { cores: order, suggestion: { description: `Re-pin vCPUs ${vcpus[0]}-${vcpus.at(-1)} so each guest core gets one host core's ${threads} threads (same host CPUs)`, fix: { edits } } };
}
