import { defineRule } from '../../engine/rule.js';
import { hostVendor, type VendorFact } from '../../host/vendor.js';
import { passthroughEvidence } from '../../host/passthrough.js';
import { iommuItems } from '../../host/iommu-options.js';
import { paramToken, valueItems } from '../../host/params.js';
import { addKernelParam, removeParam } from '../../edit/params.js';
import type { CmdlineSource, KernelParamFact } from '../../host/facts.js';
import type { HostModel } from '../../host/model.js';
import { cmdlineAnchor } from '../cmdline-anchor.js';

const KCONFIG_NOTE =
  'without it VT-d is on only when the kernel was built with CONFIG_INTEL_IOMMU_DEFAULT_ON (upstream\'s default, and Debian\'s kernels turn it on except for the integrated GPU; other distributions, Arch among them, have shipped it off)';

export const rule = defineRule({
  meta: {
    id: 'iommu-not-enabled',
    description: 'A host that passes PCI devices through needs its IOMMU on: `intel_iommu=on` on Intel (unless the kernel turns VT-d on by default), no `iommu=off`/`intel_iommu=off`/`amd_iommu=off`, and IOMMU groups on the running host.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'safe',
    scope: 'machine',
    requires: [{ anyOf: ['cmdline', 'live'] }],
    optional: ['capabilities', 'domain', 'modprobe', 'initramfs'],
    messages: {
      intelMissing: '{evidence}, but no configured kernel command line turns the Intel IOMMU on ({host}: {from}); add intel_iommu=on to {label}: {kconfig}',
      off: '{written} switches the IOMMU off, but {evidence}: VFIO needs the IOMMU, so with this command line the VM cannot start. Remove it (if it was added to work around a firmware bug, that bug has to be solved another way)',
      noGroups: '{evidence}, but the running host has no IOMMU groups (/sys/kernel/iommu_groups is empty), so VFIO cannot take any device{consequence}: {advice}',
      capsNoIommu: '{evidence}, but the host had no IOMMU groups when this capabilities XML was taken (<iommu support=\'no\'/>): if it still has none, VFIO cannot take any device. {advice}',
    },
    sources: [
      'Research catalog entry A1 (rule-catalog.md), checked against the sources below.',
      'Linux drivers/iommu/intel/Kconfig, INTEL_IOMMU_DEFAULT_ON ("default y"; "If this option is not selected, DMAR support can be enabled by passing intel_iommu=on to the kernel") — https://github.com/torvalds/linux/blob/master/drivers/iommu/intel/Kconfig',
      'Debian linux-config-6.1 (6.1.192-3) and linux-config-6.12 (6.12.118-1~deb12u1), config.amd64_none_amd64: "# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set", CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y (Debian\'s three-way choice, patch "intel-iommu: Add Kconfig option to exclude iGPU by default", Debian bug 935270) — https://packages.debian.org/bookworm/linux-config-6.1',
      'Void Linux pull request 7139 (2017): Arch\'s and Alpine\'s kernels had CONFIG_INTEL_IOMMU_DEFAULT_ON unset, Void\'s set — https://github.com/voidlinux/void-packages/pull/7139',
      'Linux drivers/iommu/intel/iommu.c (intel_iommu_setup: "on" clears dmar_disabled, "off" sets it; intel_iommu_init returns early when no_iommu or dmar_disabled) — https://github.com/torvalds/linux/blob/master/drivers/iommu/intel/iommu.c',
      'Linux drivers/iommu/amd/init.c (amd_iommu_disabled defaults to false; amd_iommu=off sets it; detection stops when no_iommu is set) — https://github.com/torvalds/linux/blob/master/drivers/iommu/amd/init.c',
      'Linux arch/x86/kernel/pci-dma.c (iommu_setup: iommu=off sets no_iommu) and Documentation/admin-guide/kernel-parameters.txt (iommu=, intel_iommu=, amd_iommu=) — https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'libvirt src/util/virutil.c (virHostHasIOMMU: true when /sys/kernel/iommu_groups has an entry) and the capabilities format (<iommu support=...>) — https://libvirt.org/formatcaps.html',
      'Linux Documentation/driver-api/vfio.rst: VFIO works on IOMMU groups; a device without a group cannot be used — https://docs.kernel.org/driver-api/vfio.html',
    ],
  },
  check(ctx) {
    const { host, domains } = ctx.machine;
    const evidence = passthroughEvidence(host, domains);
    if (!evidence) return;
    const vendor = cpuVendor(host, domains[0]?.cpu);

    // The running host settles it: groups mean the IOMMU is on, none mean no VM can have a device.
    const byDomain = domains.some((d) => d.path === evidence.at.path);
    const iommu = host.live?.iommu;
    if (iommu) {
      if (iommu.groups.size === 0) {
        ctx.report({
          messageId: 'noGroups',
          data: { evidence: evidence.what, consequence: byDomain ? ' and the VM cannot start' : '', advice: noGroupsAdvice(host, vendor) },
          at: evidence.at,
          // A domain that needs a device cannot start; ids alone name no VM that needs it now.
          severity: byDomain ? 'error' : 'warning',
          related: [{ path: '/sys/kernel/iommu_groups', start: 0, end: 0, message: 'empty on the running host' }],
        });
      }
      return;
    }

    // libvirt writes <iommu support='yes'/> when /sys/kernel/iommu_groups had a group (virHostHasIOMMU).
    const caps = host.capabilities?.iommuSupport;
    if (caps === false && host.capabilitiesFile) {
      ctx.report({
        messageId: 'capsNoIommu',
        data: { evidence: evidence.what, advice: noGroupsAdvice(host, vendor).replace(/^./, (c) => c.toUpperCase()) },
        at: evidence.at,
        related: [{ path: host.capabilitiesFile.source.path, start: 0, end: 0, message: 'capabilities XML: <iommu support=\'no\'/>' }],
      });
      return;
    }
    if (caps === true) return;

    const sources = host.configuredCmdlines;
    let offFound = false;
    for (const source of sources) {
      for (const p of switchesOff(source, vendor)) {
        offFound = true;
        const edit = removeParam(p, undefined, p.source);
        ctx.report({
          messageId: 'off',
          data: { written: paramToken(p), evidence: evidence.what },
          at: p.loc,
          severity: 'error',
          related: [{ ...evidence.at, message: evidence.what }],
          suggestions: edit ? [{ description: `Remove ${paramToken(p)}`, fix: { edits: [edit] } }] : undefined,
        });
      }
    }
    if (offFound || vendor?.vendor !== 'Intel' || sources.some(turnsVtdOn)) return;
    // Known from capabilities, the running host or the domain: a warning; from the command line's own words: info.
    const sure = !vendor.weak;
    for (const source of sources) {
      const edit = addKernelParam(source, 'intel_iommu=on');
      const offer = edit ? (sure ? { fix: { edits: [edit] } } : { suggestions: [{ description: `Add intel_iommu=on to ${source.label}`, fix: { edits: [edit] } }] }) : {};
      ctx.report({
        messageId: 'intelMissing',
        data: { evidence: evidence.what, host: sure ? 'this host is Intel' : 'the host is probably Intel', from: vendor.from, label: source.label, kconfig: KCONFIG_NOTE },
        at: cmdlineAnchor(source),
        severity: sure ? 'warning' : 'info',
        related: [{ ...evidence.at, message: evidence.what }],
        ...offer,
      });
    }
  },
});

interface CpuVendor extends VendorFact {
  /** Inferred from what the command line sets, not read from the host. */
  weak?: boolean;
}

const INTEL_ONLY = /^(kvm_intel\.|intel_pstate$)/;
const AMD_ONLY = /^(kvm_amd\.|amd_pstate$|amd_iommu$)/;

/** The CPU vendor: the running host, capabilities XML or the domain, else (weakly) Intel-only parameters the command lines set. */
function cpuVendor(host: HostModel, view: Parameters<typeof hostVendor>[1]): CpuVendor | undefined {
  const known = hostVendor(host, view);
  if (known) return known;
  const keys = host.configuredCmdlines.flatMap((s) => s.params.filter((p) => !p.afterDashDash));
  const intel = keys.find((p) => INTEL_ONLY.test(p.key));
  if (!intel || keys.some((p) => AMD_ONLY.test(p.key))) return undefined;
  return { vendor: 'Intel', from: `the command line sets ${intel.name}, which only Intel CPUs use`, weak: true };
}

/** Whether the source's last intel_iommu= on/off item is `on` (a later item overrides an earlier one). */
function turnsVtdOn(source: CmdlineSource): boolean {
  return lastSwitch(source, 'intel_iommu')?.option === 'on';
}

function lastSwitch(source: CmdlineSource, key: 'intel_iommu' | 'amd_iommu'): { option: string; param: KernelParamFact } | undefined {
  let last: { option: string; param: KernelParamFact } | undefined;
  for (const p of source.all(key)) {
    for (const i of iommuItems({ ...p, key })) if (i.option === 'on' || i.option === 'off') last = { option: i.option, param: p };
  }
  return last;
}

/** The tokens that leave the host's IOMMU off: iommu=off on any x86 host, intel_iommu=off on Intel, amd_iommu=off on AMD. */
function switchesOff(source: CmdlineSource, vendor: CpuVendor | undefined): KernelParamFact[] {
  const out: KernelParamFact[] = [];
  for (const p of source.all('iommu')) if (valueItems(p).some((i) => i.text === 'off')) out.push(p);
  const intel = lastSwitch(source, 'intel_iommu');
  if (vendor?.vendor === 'Intel' && !vendor.weak && intel?.option === 'off') out.push(intel.param);
  if (vendor?.vendor === 'AMD') {
    const amd = source.all('amd_iommu').filter((p) => valueItems(p).some((i) => i.text === 'off'));
    out.push(...amd);
  }
  return out; // the engine sorts findings by place
}

function noGroupsAdvice(host: HostModel, vendor: CpuVendor | undefined): string {
  const booted = host.live?.cmdline ?? '';
  const words = booted.split(/\s+/);
  if (words.some((w) => /^iommu=(.*,)?off(,|$)/.test(w))) return 'the booted command line has iommu=off; remove it';
  if (vendor?.vendor === 'Intel') {
    return words.some((w) => /^intel_iommu=(.*,)?on(,|$)/.test(w))
      ? 'the booted command line has intel_iommu=on, so VT-d (Intel Virtualization Technology for Directed I/O) must be off in the firmware setup, or the firmware gives no DMAR table: turn it on there'
      : 'turn VT-d on in the firmware setup and add intel_iommu=on to the kernel command line';
  }
  if (vendor?.vendor === 'AMD') return 'turn the IOMMU (AMD-Vi) on in the firmware setup (SVM alone is not enough) and make sure nothing passes amd_iommu=off';
  return 'turn the IOMMU on in the firmware setup (VT-d on Intel, AMD-Vi/IOMMU on AMD), and on Intel add intel_iommu=on';
}

