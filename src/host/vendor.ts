import type { HostModel } from './model.js';
import type { DomainCpu } from '../domain/facts.js';

export type Vendor = 'AMD' | 'Intel' | 'other';

export interface VendorFact {
  vendor: Vendor;
  /** Where we learned it, in words, for messages. */
  from: string;
}

const AMD_MODEL = /^(EPYC|Opteron|Dhyana|phenom|athlon)/i;
const INTEL_MODEL = /^(Skylake|Cascadelake|Icelake|Sapphire|Broadwell|Haswell|IvyBridge|SandyBridge|Westmere|Nehalem|Penryn|Conroe|Cooperlake|Snowridge|GraniteRapids|SierraForest|Denverton|core2duo|coreduo|Granite)/i;

/**
 * The host CPU vendor (catalog 0.4 vendor(host)): from the running host or a
 * snapshot (/proc/cpuinfo vendor_id) when read; else from capabilities XML when
 * given; else from the domain's own `<cpu><vendor>` or its model name. Never
 * guessed from kernel parameters: `intel_iommu=on` on AMD hosts is a common
 * mistake, so it proves nothing.
 */
export function hostVendor(host: HostModel, cpu?: DomainCpu): VendorFact | undefined {
  const live = host.live?.has('cpuinfo') ? host.live.facts.cpu.vendor : null;
  if (live) return { vendor: normalize(live), from: host.live!.origin === 'live' ? 'the running host\'s /proc/cpuinfo' : 'the snapshot\'s /proc/cpuinfo' };
  const caps = host.capabilities;
  if (caps?.vendor) return { vendor: normalize(caps.vendor), from: 'capabilities XML' };
  if (!cpu) return undefined;
  if (cpu.vendor !== undefined) return { vendor: normalize(cpu.vendor), from: 'the domain\'s <cpu><vendor>' };
  if (cpu.model && AMD_MODEL.test(cpu.model)) return { vendor: 'AMD', from: `the domain's CPU model ${cpu.model}` };
  if (cpu.model && INTEL_MODEL.test(cpu.model)) return { vendor: 'Intel', from: `the domain's CPU model ${cpu.model}` };
  return undefined;
}

function normalize(v: string): Vendor {
  // /proc/cpuinfo says HygonGenuine (the kernel's c_ident), libvirt Hygon.
  if (/^(AMD|AuthenticAMD|Hygon|HygonGenuine)$/i.test(v)) return 'AMD';
  if (/^(Intel|GenuineIntel)$/i.test(v)) return 'Intel';
  return 'other';
}
