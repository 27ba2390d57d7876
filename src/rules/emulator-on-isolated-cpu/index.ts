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
      isolated: 'The emulator threads are pinned to CPU{s} {cpus}{by}, which {param}={value} isolates: isolated CPUs are not load-balanced, so QEMU\'s emulator threads stay wherever they start instead of spreading over the CPUs allowed{vcpus}',
    },
    sources: [
      'Linux `Documentation/admin-guide/kernel-parameters.txt`, isolcpus= ("domain": isolate from the general SMP balancing and scheduling algorithms): https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'Linux `kernel/sched/isolation.c` (`housekeeping_isolcpus_setup`: the domain flag is the default): https://github.com/torvalds/linux/blob/master/kernel/sched/isolation.c',
      "libvirt src/qemu/qemu_process.c, qemuProcessSetupPid (a thread's CPUs: its own pin, else numad's advice with placement='auto', else `<vcpu cpuset>`, else every CPU): https://gitlab.com/libvirt/libvirt/-/blob/master/src/qemu/qemu_process.c",
      'libvirt, KVM Real Time Guest Config, "CPU configuration" (emulator threads on housekeeping CPUs, vCPUs on isolated ones): https://libvirt.org/kbase/kvm-realtime.html',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const boot = ctx.machine.host.boot;
    // Stryker disable next-line OptionalChaining: requires 'cmdline', and a machine with a command line has a boot one (host/model.ts: the first configured, else /proc/cmdline)
    const iso = boot?.cpuLists.isolcpus;
    if (!iso || !iso.flags.includes('domain') || iso.list.kind !== 'ok') return;
    const pins = domainPins(d.view);
    if (pins.invalid) return;
    const ep = pins.emulator;
    // libvirt puts the emulator on <emulatorpin>, else (placement='auto') where numad says, else on <vcpu cpuset>
    // (qemuProcessSetupPid). Left on every CPU, the scheduler keeps it off isolated ones by itself.
    if (ep.placement.kind !== 'set' || (ep.from !== 'pin' && pins.indeterminate)) return;
    const on = ep.placement.set.intersect(iso.list.set);
    if (on.isEmpty()) return;
    // With placement='auto' only a vCPU's own <vcpupin> is known: numad places the others.
    const vcpuOn = pins.vcpus.filter((v) => v.placement.kind === 'set' && (v.from === 'pin' || !pins.indeterminate) && v.placement.set.overlaps(on)).map((v) => v.id);
    const host = ctx.machine.host.cpus?.all;
    const housekeeping = host?.minus(iso.list.set);
    const suggestions: Suggestion[] = [];
    const el = d.view.cputune?.emulatorpin?.element;
    if (housekeeping && !housekeeping.isEmpty() && el) {
      suggestions.push({ description: `Pin the emulator to the housekeeping CPUs ${housekeeping.format()} (every CPU isolcpus leaves to the scheduler)`, fix: { edits: [setAttribute(d.file.source.path, d.file.source.text, el, 'cpuset', housekeeping.format())] } });
    }
    ctx.report({
      messageId: 'isolated',
      data: {
        s: on.size > 1 ? 's' : '',
        cpus: on.format(),
        param: iso.param.name,
        // Stryker disable next-line StringLiteral: the kernel takes only an isolcpus= with a value (host/kernel.ts), so the fallback is never used
        value: iso.param.value ?? '',
        by: ep.from === 'pin' ? '' : ' (by <vcpu cpuset>, as there is no <emulatorpin>)',
        vcpus: vcpuOn.length > 0 ? `; ${vcpuOn.length > 1 ? `vCPUs ${vcpuOn.join(', ')} run` : `vCPU ${vcpuOn[0]} runs`} there too` : '',
      },
      at: ep.placement.loc,
      related: [{ ...(iso.param.valueLoc ?? iso.param.loc), message: `${iso.param.name} is set here` }],
      suggestions,
    });
  },
});
