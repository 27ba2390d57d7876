import { listIds } from '../words.js';
import { defineRule } from '../../engine/rule.js';
import type { Loc, RelatedLocation } from '../../engine/rule.js';
import type { Fix } from '../../engine/fix.js';
import { CpuSet } from '../../core/cpuset.js';
import { domainPins, resolvePlacement } from '../../domain/pins.js';
import type { KernelParamFact } from '../../host/facts.js';
import type { KernelList } from '../../host/cpulists.js';
import { hostCpuTopology } from '../../host/topology.js';

/** The boot CPU on x86; it cannot be a nohz_full CPU (catalog 3.4 e). */
const BOOT_CPU = 0;

export const rule = defineRule({
  meta: {
    id: 'isolcpus-mismatch',
    description: 'The CPUs isolated on the kernel command line (isolcpus, nohz_full, rcu_nocbs) should be exactly the ones the VMs\' threads are pinned to.',
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'machine',
    requires: ['cmdline'],
    optional: ['domain', 'capabilities'],
    messages: {
      invalid: '{param}={value} is not a valid CPU list ({reason}): the kernel ignores it whole, so {consequence}',
      unresolved: '{param}={value} uses {token}, which depends on the host\'s CPU count: give capabilities XML to check it against the pins',
      notIsolated: '{domain}: vCPU{s} {vcpus} {are} pinned to host CPU{cs} {cpus}, which {param}={value} does not isolate',
      idle: 'Host CPU{s} {cpus} {are} isolated by {param}={value} but no pinned VM thread of {domains} runs there: the scheduler leaves {them} idle',
      nohzMismatch: 'isolcpus has the nohz flag and nohz_full={value} names different CPUs ({other}): the kernel keeps whichever comes first and ignores the other{dropped}',
      rcuDiffers: 'rcu_nocbs={value} differs from nohz_full={other}: nohz_full CPUs are offloaded anyway, so the union ({union}) is what takes effect',
      bootCpuNohz: 'nohz_full={value} includes CPU 0, the boot CPU, which the kernel keeps for timekeeping: kernels built with CONFIG_PM_SLEEP_SMP (distribution kernels are) clear it from nohz_full at boot',
      bootCpuIsolated: 'isolcpus={value} includes CPU 0, the boot CPU: it still takes housekeeping work and interrupts, so it makes a poor VM CPU',
      everyCpu: '{param}={value} covers every host CPU: the kernel puts the boot CPU back into housekeeping',
      smtSplit: '{param}={value} isolates CPU{s} {cpus} but not {their} SMT sibling{s} {siblings}: host tasks on a sibling share the core with the VM',
      multiPin: '{domain}: {thread} is pinned to {count} isolated CPUs ({cpus}); isolated CPUs are not load-balanced, so it stays on one of them: pin 1:1',
      irqOnVcpus: 'irqaffinity={value} lets interrupts land on host CPU{s} {cpus}, where vCPUs run: add the managed_irq flag to isolcpus and set irqaffinity to the housekeeping CPUs',
    },
    sources: [
      'Linux `kernel/sched/isolation.c` (`housekeeping_isolcpus_setup`, `housekeeping_setup`), `kernel/time/tick-sched.c` (`tick_nohz_init`), `kernel/rcu/tree_nocb.h` (`rcu_nocb_setup`), `kernel/irq/irqdesc.c` (`irq_affinity_setup`): https://github.com/torvalds/linux',
      'Linux `Documentation/admin-guide/kernel-parameters.txt`: https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'libvirt, KVM Real Time Guest Config: https://libvirt.org/kbase/kvm-realtime.html',
    ],
  },
  check(ctx) {
    const { machine } = ctx;
    const topology = hostCpuTopology(machine.host);
    const host = machine.host.cpus?.all;

    // Everything the domains pin, per domain and all together (catalog 3.4 step 3).
    const domains = machine.domains.map((d) => ({ d, pins: domainPins(d.pinning) })).filter((x) => !x.pins.indeterminate && !x.pins.invalid);
    let used = CpuSet.of();
    let vcpuCpus = CpuSet.of();
    for (const { pins } of domains) {
      for (const t of [...pins.vcpus, pins.emulator, ...pins.iothreads]) {
        if (t.placement.kind !== 'set') continue;
        used = used.union(t.placement.set);
        if (pins.vcpus.includes(t)) vcpuCpus = vcpuCpus.union(t.placement.set);
      }
    }
    const domainNames = domains.filter((x) => x.pins.pinned).map((x) => x.d.name ?? x.d.path);

    for (const source of machine.host.cmdlines) {
      // Which occurrence counts and what each list means is the host model's answer (first isolcpus and nohz_full, last of the others).
      const { isolcpus: isoParsed, nohzFull, rcuNocbs, irqaffinity } = source.cpuLists;
      const iso = isoParsed?.param;
      const nohz = nohzFull?.param;
      const rcu = rcuNocbs?.param;
      const irq = irqaffinity?.param;
      if (!iso && !nohz && !rcu) continue;

      const lists = new Map<KernelParamFact, KernelList>();
      for (const l of [isoParsed, nohzFull, rcuNocbs, irqaffinity]) if (l) lists.set(l.param, l.list);

      let usable = true;
      for (const [p, list] of lists) {
        if (list.kind === 'invalid') {
          const consequence = p.key === 'rcu_nocbs' ? 'it offloads RCU callbacks from all CPUs' : p.key === 'irqaffinity' ? 'the default interrupt affinity is not what it says' : 'no CPU is isolated';
          ctx.report({ messageId: 'invalid', data: { param: p.name, value: p.value!, reason: list.message, consequence }, at: listLoc(p, list), severity: 'error' });
          usable = false;
        } else if (list.kind === 'unresolved') {
          ctx.report({ messageId: 'unresolved', data: { param: p.name, value: p.value!, token: list.token }, at: p.valueLoc ?? p.loc, severity: 'info' });
          usable = false;
        }
      }
      if (!usable) continue;
      const setOf = (p: KernelParamFact | undefined) => {
        const l = p ? lists.get(p) : undefined;
        return l?.kind === 'ok' ? l.set : undefined;
      };
      const isoSet = setOf(iso);
      const nohzSet = setOf(nohz);
      const rcuSet = setOf(rcu);
      const irqSet = setOf(irq);
      const at = (p: KernelParamFact): Loc => p.valueLoc ?? p.loc;

      // c: isolcpus=nohz,... and nohz_full= must agree.
      if (iso && nohz && isoSet && nohzSet && isoParsed!.flags.includes('nohz') && !isoSet.equals(nohzSet)) {
        // The second of the two is the one the kernel drops (kernel/sched/isolation.c).
        const isoFirst = source.params.indexOf(iso) < source.params.indexOf(nohz);
        const dropped = isoFirst ? ': here nohz_full is ignored' : ': here isolcpus is ignored, domain isolation included';
        ctx.report({ messageId: 'nohzMismatch', data: { value: nohz.value!, other: isoSet.format(), dropped }, at: at(isoFirst ? nohz : iso), severity: 'error', related: [{ ...at(isoFirst ? iso : nohz), message: isoFirst ? 'isolcpus is set here' : 'nohz_full is set here' }] });
      }
      // d: rcu_nocbs vs nohz_full.
      if (nohz && rcu && nohzSet && rcuSet && !nohzSet.equals(rcuSet)) {
        ctx.report({ messageId: 'rcuDiffers', data: { value: rcu.value!, other: nohz.value!, union: nohzSet.union(rcuSet).format() }, at: at(rcu), severity: 'info' });
      }
      // e: the boot CPU.
      if (nohz && nohzSet?.has(BOOT_CPU)) ctx.report({ messageId: 'bootCpuNohz', data: { value: nohz.value! }, at: at(nohz) });
      for (const p of [iso, nohz]) {
        const s = setOf(p);
        if (p && s && host && host.isSubsetOf(s)) ctx.report({ messageId: 'everyCpu', data: { param: p.name, value: p.value! }, at: at(p) });
      }
      if (iso && isoSet?.has(BOOT_CPU) && !(host && host.isSubsetOf(isoSet))) ctx.report({ messageId: 'bootCpuIsolated', data: { value: iso.value! }, at: at(iso), severity: 'info' });

      // a, b, f, g are about scheduler isolation: only isolcpus with the domain flag takes CPUs out of load balancing.
      const isolation = iso && isoParsed!.flags.includes('domain') ? iso : undefined;
      const isolationSet = setOf(isolation);
      // f: a core half isolated (needs the siblings: the running host's, else capabilities XML).
      if (isolation && isolationSet && topology) {
        const half: number[] = [];
        const others: number[] = [];
        for (const c of isolationSet.toArray()) {
          const sib = topology.coreOf(c)?.cpus;
          const missing = sib?.toArray().filter((s) => s !== c && !isolationSet.has(s)) ?? [];
          if (missing.length > 0) {
            half.push(c);
            others.push(...missing);
          }
        }
        if (half.length > 0) {
          const many = half.length > 1;
          ctx.report({ messageId: 'smtSplit', data: { param: isolation.name, value: isolation.value!, s: many ? 's' : '', cpus: CpuSet.of(...half).format(), their: many ? 'their' : 'its', siblings: CpuSet.of(...others).format() }, at: at(isolation) });
        }
      }

      // a, b, g need the domains.
      if (isolation && isolationSet && domainNames.length > 0) {
        for (const { d, pins } of domains) {
          const outside: number[] = [];
          let outsideCpus = CpuSet.of();
          const related: RelatedLocation[] = [];
          for (const v of pins.vcpus) {
            if (v.placement.kind !== 'set') continue;
            const out = v.placement.set.minus(isolationSet);
            if (out.isEmpty()) continue;
            outside.push(v.id);
            outsideCpus = outsideCpus.union(out);
            if (related.length < 8) related.push({ ...v.placement.loc, message: `vCPU ${v.id} is pinned here` });
          }
          if (outside.length > 0) {
            ctx.report({
              messageId: 'notIsolated',
              data: { domain: d.name ?? d.path, s: outside.length > 1 ? 's' : '', vcpus: listIds(outside), are: outside.length > 1 ? 'are' : 'is', cs: outsideCpus.size > 1 ? 's' : '', cpus: outsideCpus.format(), param: isolation.name, value: isolation.value! },
              at: at(isolation),
              related,
              ...retarget([iso, nohz, rcu], isoParsed?.flagText ?? '', vcpuCpus),
            });
          }
          for (const t of [...pins.vcpus.map((v) => ({ t: v, name: `vCPU ${v.id}` })), { t: pins.emulator, name: 'the emulator' }]) {
            const set = resolvePlacement(t.t.placement, host);
            if (t.t.from !== 'pin' || !set || set.size < 2 || !set.isSubsetOf(isolationSet) || t.t.placement.kind !== 'set') continue;
            ctx.report({ messageId: 'multiPin', data: { domain: d.name ?? d.path, thread: t.name, count: set.size, cpus: set.format() }, at: t.t.placement.loc, severity: 'info' });
          }
        }
        const idle = isolationSet.minus(used).intersect(host ?? isolationSet);
        if (!idle.isEmpty()) {
          const many = idle.size > 1;
          ctx.report({
            messageId: 'idle',
            data: { s: many ? 's' : '', cpus: idle.format(), are: many ? 'are' : 'is', param: isolation.name, value: isolation.value!, domains: domainNames.join(', '), them: many ? 'them' : 'it' },
            at: at(isolation),
          });
        }
      }
      // i: interrupts on vCPU CPUs.
      if (irq && irqSet && !vcpuCpus.isEmpty()) {
        const hit = irqSet.intersect(vcpuCpus);
        if (!hit.isEmpty()) ctx.report({ messageId: 'irqOnVcpus', data: { value: irq.value!, s: hit.size > 1 ? 's' : '', cpus: hit.format() }, at: at(irq), severity: 'info' });
      }
    }
  },
});

function listLoc(p: KernelParamFact, list: Extract<KernelList, { kind: 'invalid' }>): Loc {
  const v = p.valueLoc;
  if (v && v.end - v.start === (p.value ?? '').length) return { path: v.path, start: v.start + list.start, end: v.start + Math.max(list.end, list.start + 1) };
  return v ?? p.loc;
}

/** Suggest isolating exactly the vCPUs' CPUs: rewrite each of isolcpus, nohz_full and rcu_nocbs that is present, keeping isolcpus' flags. */
function retarget(params: Array<KernelParamFact | undefined>, flagText: string, cpus: CpuSet): { suggestions?: Array<{ description: string; fix: Fix }> } {
  // Pins on the boot CPU are the domain's problem, not the isolation's: isolating CPU 0 is what bootCpuIsolated warns of.
  if (cpus.isEmpty() || cpus.has(BOOT_CPU)) return {};
  const edits = [];
  for (const p of params) {
    if (!p) continue;
    if (!p.valueLoc || p.valueLoc.end - p.valueLoc.start !== (p.value ?? '').length) return {};
    edits.push({ path: p.valueLoc.path, start: p.valueLoc.start, end: p.valueLoc.end, text: (p.key === 'isolcpus' ? flagText : '') + cpus.format() });
  }
  return { suggestions: [{ description: `Isolate exactly the CPUs the vCPUs are pinned to (${cpus.format()})`, fix: { edits } }] };
}
