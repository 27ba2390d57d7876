import { defineRule } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import { domainPins } from '../../domain/pins.js';
import { setAttribute } from '../../edit/xml.js';

export const rule = defineRule({
  meta: {
    id: 'emulator-on-isolated-cpu',
    description: 'The emulator threads should not be pinned to CPUs that isolcpus removes from the scheduler\'s load balancing.',
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain', 'cmdline'],
    optional: ['capabilities'],
    messages: {
      isolated: 'The emulator threads are pinned to CPU{s} {cpus}, which {param}={value} isolates: isolated CPUs are not load-balanced, so QEMU\'s emulator threads stay wherever they start instead of spreading over the CPUs allowed{vcpus}',
    },
    sources: [
      'Linux `Documentation/admin-guide/kernel-parameters.txt`, isolcpus= ("domain": isolate from the general SMP balancing and scheduling algorithms): https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'Linux `kernel/sched/isolation.c` (`housekeeping_isolcpus_setup`: the domain flag is the default): https://github.com/torvalds/linux/blob/master/kernel/sched/isolation.c',
      'libvirt, KVM Real Time Guest Config, "CPU configuration" (emulator threads on housekeeping CPUs, vCPUs on isolated ones): https://libvirt.org/kbase/kvm-realtime.html',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const boot = ctx.machine.host.boot;
    const iso = boot?.cpuLists.isolcpus;
    if (!iso || !iso.flags.includes('domain') || iso.list.kind !== 'ok') return;
    const pins = domainPins(d.view);
    if (pins.indeterminate || pins.invalid) return;
    const ep = pins.emulator;
    // An unpinned emulator may use every CPU, and the scheduler keeps it off isolated ones by itself.
    if (ep.from !== 'pin' || ep.placement.kind !== 'set') return;
    const on = ep.placement.set.intersect(iso.list.set);
    if (on.isEmpty()) return;
    const vcpuOn = pins.vcpus.filter((v) => v.placement.kind === 'set' && v.placement.set.overlaps(on)).map((v) => v.id);
    const host = ctx.machine.host.cpus?.all;
    const housekeeping = host?.minus(iso.list.set);
    const suggestions: Suggestion[] = [];
    const el = d.view.cputune?.emulatorpin?.element;
    if (housekeeping && !housekeeping.isEmpty() && el) {
      suggestions.push({ description: `Pin the emulator to the housekeeping CPUs ${housekeeping.format()} (every CPU isolcpus leaves to the scheduler)`, fix: { edits: [setAttribute(d.file.source.path, d.file.source.text, el, 'cpuset', housekeeping.format())] } });
    }
    ctx.report({
      messageId: 'isolated',
      data: { s: on.size > 1 ? 's' : '', cpus: on.format(), param: iso.param.name, value: iso.param.value ?? '', vcpus: vcpuOn.length > 0 ? `; vCPU${vcpuOn.length > 1 ? 's' : ''} ${vcpuOn.join(', ')} run there too` : '' },
      at: ep.placement.loc,
      related: [{ ...(iso.param.valueLoc ?? iso.param.loc), message: `${iso.param.name} is set here` }],
      suggestions,
    });
  },
});
