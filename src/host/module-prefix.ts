import type { Vendor } from './vendor.js';

/**
 * Module parameters guides write without their module (catalog A4): the kernel does not know the bare
 * name and passes it to init. Each maps to the module(s) that have it (data/kernel-modules.json).
 */
const PREFIXES: Record<string, { AMD?: string; Intel?: string; any?: string }> = {
  ignore_msrs: { any: 'kvm' },
  report_ignored_msrs: { any: 'kvm' },
  allow_unsafe_interrupts: { any: 'vfio_iommu_type1' },
  ids: { any: 'vfio-pci' },
  disable_vga: { any: 'vfio-pci' },
  disable_idle_d3: { any: 'vfio-pci' },
  enable_unsafe_noiommu_mode: { any: 'vfio' },
  avic: { AMD: 'kvm_amd' },
  npt: { AMD: 'kvm_amd' },
  nested: { AMD: 'kvm_amd', Intel: 'kvm_intel' },
  max_cstate: {},
};

/** Whether a bare name is a known module parameter written without its module, and the module when it is certain. */
export function missingModulePrefix(key: string, vendor: Vendor | undefined): { module: string | undefined; candidates: string[] } | undefined {
  if (!Object.hasOwn(PREFIXES, key)) return undefined;
  const e = PREFIXES[key]!;
  const candidates = key === 'max_cstate' ? ['processor', 'intel_idle'] : [...new Set([e.any, e.AMD, e.Intel].filter((m): m is string => m !== undefined))];
  const module = e.any ?? (vendor === 'AMD' ? e.AMD : vendor === 'Intel' ? e.Intel : undefined) ?? (candidates.length === 1 ? candidates[0] : undefined);
  return { module, candidates };
}
