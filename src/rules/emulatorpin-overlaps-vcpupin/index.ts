import { listIds } from '../words.js';
import { defineRule } from '../../engine/rule.js';
import type { Loc } from '../../engine/rule.js';
import type { Fix } from '../../engine/fix.js';
import { CpuSet } from '../../core/cpuset.js';
import { domainPins, resolvePlacement } from '../../domain/pins.js';
import type { CapabilitiesView } from '../../host/capabilities.js';
import { insertLastChild, quoteOf, setAttribute } from '../../edit/xml.js';
import { tagLoc } from '../locate.js';
import type { DomainInput } from '../../model/machine.js';

export const rule = defineRule({
  meta: {
    id: 'emulatorpin-overlaps-vcpupin',
    description: 'The emulator threads should run on host CPUs that no vCPU is pinned to.',
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    optional: ['capabilities'],
    messages: {
      overlap: 'Emulator threads may run on host CPU{s} {cpus}, which also run{verbS} vCPU{vs} {vcpus}: QEMU\'s own threads will preempt those vCPUs',
      unpinned: 'No <emulatorpin>: the emulator threads may run on any host CPU, including {cpus} where vCPUs are pinned; pin them to CPUs the vCPUs do not use',
      smtShared: 'Emulator CPU {cpu} shares a physical core with CPU {sibling}, which runs vCPU {vcpu}: the two compete for one core',
    },
    sources: [
      'libvirt, Domain XML format, "CPU Allocation" and "CPU Tuning": https://libvirt.org/formatdomain.html#cpu-tuning (`docs/formatdomain.rst`)',
      'libvirt, KVM Real Time Guest Config, "CPU configuration": https://libvirt.org/kbase/kvm-realtime.html (`docs/kbase/kvm-realtime.rst`)',
      'Looking Glass, libvirt/QEMU Installation, "Additional tuning": https://looking-glass.io/docs/B7/install_libvirt/#additional-tuning (`doc/install_libvirt.rst`)',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const pins = domainPins(d.view);
    if (pins.indeterminate || pins.invalid || !pins.pinned) return;
    const path = d.file.source.path;
    const caps = ctx.machine.host.capabilities;
    const host = ctx.machine.host.cpus?.all;

    // Host CPU -> the vCPUs that may run there (only pinned placements: an unpinned vCPU says nothing).
    const vcpusOn = new Map<number, number[]>();
    let vcpuCpus = CpuSet.of();
    for (const v of pins.vcpus) {
      if (v.placement.kind !== 'set') continue;
      const set = v.placement.set;
      vcpuCpus = vcpuCpus.union(set);
      for (const c of set.toArray()) vcpusOn.set(c, [...(vcpusOn.get(c) ?? []), v.id]);
    }
    // No vCPU pinned to a set (none at all, too): nothing to overlap.
    if (vcpuCpus.isEmpty()) return;

    const emulatorSet = resolvePlacement(pins.emulator.placement, host);
    const suggestion = (free: CpuSet | undefined) => pinSuggestion(d, free);

    if (pins.emulator.from === 'none') {
      ctx.report({
        messageId: 'unpinned',
        data: { cpus: vcpuCpus.format() },
        at: d.view.cputune ? tagLoc(path, d.view.cputune.element) : tagLoc(path, d.view.vcpu!.element),
        ...suggestion(host && freeCpus(host, vcpuCpus, caps!)),
      });
      return;
    }
    if (!emulatorSet) return;
    const overlap = emulatorSet.intersect(vcpuCpus);
    const at: Loc = pins.emulator.placement.kind === 'set' ? pins.emulator.placement.loc : tagLoc(path, d.view.cputune!.element);
    if (!overlap.isEmpty()) {
      // Every overlapping CPU is in vcpuCpus, so some vCPU is pinned there, and only vCPUs pinned to a set are in vcpusOn.
      const vcpus = [...new Set(overlap.toArray().flatMap((c) => vcpusOn.get(c)!))].sort((a, b) => a - b);
      const related = pins.vcpus
        .filter((v) => vcpus.includes(v.id))
        .slice(0, 8)
        .map((v) => ({ ...(v.placement as { loc: Loc }).loc, message: `vCPU ${v.id} is pinned here` }));
      ctx.report({
        messageId: 'overlap',
        data: {
          s: overlap.size > 1 ? 's' : '',
          cpus: overlap.format(),
          verbS: overlap.size > 1 ? '' : 's',
          vs: vcpus.length > 1 ? 's' : '',
          vcpus: listIds(vcpus),
        },
        at,
        related,
        ...suggestion(host && freeCpus(host, vcpuCpus, caps!)),
      });
      return;
    }
    // Separate CPUs, but maybe the same physical cores.
    if (!caps) return;
    for (const c of emulatorSet.toArray()) {
      const siblings = caps.cpus.get(c)?.siblings;
      if (!siblings) continue;
      for (const s of siblings.toArray()) {
        if (s === c || !vcpusOn.has(s)) continue;
        ctx.report({ messageId: 'smtShared', data: { cpu: c, sibling: s, vcpu: vcpusOn.get(s)![0]! }, at, severity: 'info' });
        return;
      }
    }
  },
});

/** Host CPUs no vCPU uses, as whole cores when possible (both SMT siblings free). */
function freeCpus(host: CpuSet, used: CpuSet, caps: CapabilitiesView): CpuSet | undefined {
  const free = host.minus(used);
  if (free.isEmpty()) return undefined;
  for (const c of free.toArray()) {
    // Stryker disable next-line OptionalChaining: host (host.cpus.all) is the set of CPUs capabilities XML lists, so c is one of them
    const core = caps.cpus.get(c)?.siblings;
    if (core && core.size > 1 && core.isSubsetOf(free)) return core;
  }
  const first = free.toArray()[0]!;
  return CpuSet.of(first);
}

function pinSuggestion(d: DomainInput, cpus: CpuSet | undefined): { suggestions?: Array<{ description: string; fix: Fix }> } {
  const cputune = d.view.cputune;
  if (!cpus || !cputune) return {};
  const path = d.file.source.path;
  const text = d.file.source.text;
  const existing = cputune.emulatorpin?.element;
  const q = quoteOf(cputune.element);
  const edit = existing ? setAttribute(path, text, existing, 'cpuset', cpus.format()) : insertLastChild(path, text, cputune.element, `<emulatorpin cpuset=${q}${cpus.format()}${q}/>`);
  return { suggestions: [{ description: `Pin the emulator to host CPUs ${cpus.format()}, which no vCPU uses`, fix: { edits: [edit] } }] };
}
