import { defineRule } from '../../engine/rule.js';
import { paramToken, valueItems } from '../../host/params.js';
import { hostVendor } from '../../host/vendor.js';
import { removeParam } from '../../edit/params.js';
import type { KernelParamFact } from '../../host/facts.js';

/** CPU vulnerability mitigations turned off, as kernel-parameters.txt lists them (mitigations=off is all of them). */
const MITIGATION_FLAGS = new Set(['nospectre_v1', 'nospectre_v2', 'nopti', 'nospec_store_bypass_disable', 'nospectre_bhb']);
const MITIGATION_OFF = new Set(['mitigations', 'spectre_v2', 'spectre_v2_user', 'pti', 'l1tf', 'mds', 'tsx_async_abort', 'mmio_stale_data', 'retbleed', 'srbds', 'gather_data_sampling', 'spec_store_bypass_disable', 'spectre_bhi', 'reg_file_data_sampling', 'spec_rstack_overflow', 'kvm.nx_huge_pages']);

const WATCHDOG: Record<string, string> = {
  nowatchdog: 'the soft and hard lockup detectors are off, so a hung CPU is no longer reported',
  nosoftlockup: 'the soft lockup detector is off, so a CPU stuck in the kernel is no longer reported',
  nmi_watchdog: 'the hard lockup detector is off, so a CPU stuck with interrupts off is no longer reported',
};

export const rule = defineRule({
  meta: {
    id: 'risky-kernel-param',
    description: 'Kernel parameters that weaken or endanger the whole host (interrupts, CPU vulnerability mitigations, thermal protection, power, watchdogs), with what each costs.',
    category: 'security',
    severity: 'warning',
    scope: 'machine',
    requires: ['cmdline'],
    optional: ['capabilities', 'domain'],
    messages: {
      nomsi: '{written}: every PCI device of the host, passed-through ones included, falls back from MSI to legacy INTx interrupts, which are shared between devices and slower; a device that needs MSI (most NVMe drives, many GPUs and NICs) may stop working. Use a per-device quirk instead of turning MSI off for the whole machine',
      mitigation: '{written} turns off CPU vulnerability mitigations for the whole host: code in a guest (or any local process) can then read memory it must not see through side channels; on a VM host the guests are exactly the untrusted code these mitigations exist for',
      thermalOff: '{written} {what}: the host can overheat without the firmware\'s shutdown ever being triggered by Linux',
      thermalNocrt: "{written} does nothing: thermal.nocrt is not a parameter of Linux {kernel} (the ACPI thermal driver has act, crt, off, psv and tzp); if it worked it would switch off the critical-temperature shutdown, so remove it rather than replace it",
      power: '{written} {cost}; it is a host-wide power and heat cost, usually copied from latency guides: keep it only if it was measured to help',
      intelIdleOnAmd: '{written} does nothing on this AMD host ({from}): intel_idle binds only to Intel CPUs',
      watchdog: '{written}: {cost}',
    },
    sources: [
      'Research catalog entries C2 and C3 (rule-catalog.md), checked against the sources below.',
      'Linux Documentation/admin-guide/kernel-parameters.txt: pci=nomsi, mitigations=, nospectre_v2, pti=, kvm.nx_huge_pages=, processor.max_cstate=, intel_idle.max_cstate=, idle=poll ("Not recommended"), pcie_aspm=off, nowatchdog, nmi_watchdog=, thermal.crt=, thermal.off= — https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'Linux Documentation/admin-guide/hw-vuln/ (spectre.rst, l1tf.rst, mds.rst): the mitigations protect against guests as well as processes — https://docs.kernel.org/admin-guide/hw-vuln/index.html',
      'Module parameters of Linux 6.12 (data/kernel-modules.json): the ACPI thermal driver\'s act, crt, off, psv, tzp; no nocrt',
      'Linux drivers/idle/intel_idle.c (intel_idle_init): returns -ENODEV on a CPU that is not Intel — https://github.com/torvalds/linux/blob/master/drivers/idle/intel_idle.c',
    ],
  },
  check(ctx) {
    const { machine } = ctx;
    const vendor = hostVendor(machine.host, machine.domains[0]?.cpu);
    for (const source of machine.host.configuredCmdlines) {
      for (const p of source.params) {
        if (p.afterDashDash) continue;
        const written = paramToken(p);
        const key = p.key;
        const value = p.value?.toLowerCase();
        if (key === 'pci') {
          const item = valueItems(p).find((i) => i.text === 'nomsi');
          if (item) ctx.report({ messageId: 'nomsi', data: { written: 'pci=nomsi' }, at: item.loc });
        } else if (MITIGATION_FLAGS.has(key) && value === undefined) {
          ctx.report({ messageId: 'mitigation', data: { written }, at: p.loc });
        } else if (MITIGATION_OFF.has(key) && value !== undefined && valueItems(p).some((i) => i.text === 'off')) {
          ctx.report({ messageId: 'mitigation', data: { written }, at: p.loc });
        } else if (key === 'thermal.nocrt') {
          ctx.report({ messageId: 'thermalNocrt', data: { written, kernel: '6.12' }, at: p.loc, severity: 'info' });
        } else if (key === 'thermal.off' && value !== undefined && /^[1-9]/.test(value)) {
          ctx.report({ messageId: 'thermalOff', data: { written, what: 'switches off ACPI thermal management' }, at: p.loc });
        } else if (key === 'thermal.crt' && value !== undefined && value.startsWith('-')) {
          ctx.report({ messageId: 'thermalOff', data: { written, what: 'disables every ACPI critical trip point' }, at: p.loc });
        } else if (key.startsWith('intel_idle.') && vendor?.vendor === 'AMD') {
          const edit = removeParam(p, undefined, p.source);
          const safe = vendor.from === 'capabilities XML';
          ctx.report({
            messageId: 'intelIdleOnAmd',
            data: { written, from: vendor.from },
            at: p.loc,
            severity: 'info',
            ...(edit ? (safe ? { fix: { edits: [edit] } } : { suggestions: [{ description: `Remove ${written}`, fix: { edits: [edit] } }] }) : {}),
          });
        } else {
          const cost = powerCost(p);
          if (cost) ctx.report({ messageId: 'power', data: { written, cost }, at: p.loc, severity: 'info' });
          else if (key in WATCHDOG && (key !== 'nmi_watchdog' || value === '0')) ctx.report({ messageId: 'watchdog', data: { written, cost: WATCHDOG[key]! }, at: p.loc, severity: 'info' });
        }
      }
    }
  },
});

/** What a power parameter costs, from kernel-parameters.txt; undefined when it is not one. */
function powerCost(p: KernelParamFact): string | undefined {
  const v = p.value;
  if (p.key === 'processor.max_cstate' && v !== undefined) return `keeps every CPU out of idle states deeper than C${v} (acpi_idle)`;
  if (p.key === 'intel_idle.max_cstate' && v !== undefined) return v === '0' ? 'turns intel_idle off (acpi_idle takes over, usually with fewer and shallower states)' : `keeps every CPU out of idle states deeper than C${v}`;
  if (p.key === 'idle' && v === 'poll') return 'makes idle CPUs spin instead of sleeping ("Not recommended" in the kernel documentation; it also slows SMT siblings)';
  if (p.key === 'pcie_aspm' && v === 'off') return 'turns PCIe link power management off for every device';
  return undefined;
}
